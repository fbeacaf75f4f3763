// DefaultFuncs: consul-template's functions, with its names, argument order and Go types.
#include <re2/re2.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "tmpl/sha256.h"
#include "tmpl/template.h"
#include "tmpl/unicode.h"

namespace vs::tmpl {
namespace {

using K = Value::Kind;

Signature Sig(std::initializer_list<ArgType> p) { return Signature{p, false}; }

// strings.Map-style rune mapping: invalid bytes become U+FFFD.
std::string MapRunes(const std::string& s, char32_t (*f)(char32_t)) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(f(c)));
      ++i;
      continue;
    }
    size_t w;
    char32_t r = uni::DecodeRune(s, i, &w);
    uni::AppendRune(&out, f(r));
    i += w;
  }
  return out;
}

std::string ToLowerS(const std::string& s) {
  bool ascii = true;
  for (unsigned char c : s) ascii &= c < 0x80;
  if (ascii) {
    std::string o = s;
    for (char& c : o)
      if (c >= 'A' && c <= 'Z') c += 32;
    return o;
  }
  return MapRunes(s, uni::ToLower);
}
std::string ToUpperS(const std::string& s) {
  bool ascii = true;
  for (unsigned char c : s) ascii &= c < 0x80;
  if (ascii) {
    std::string o = s;
    for (char& c : o)
      if (c >= 'a' && c <= 'z') c -= 32;
    return o;
  }
  return MapRunes(s, uni::ToUpper);
}

bool IsSeparator(char32_t r) {
  if (r <= 0x7F) {
    if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_')
      return false;
    return true;
  }
  if (uni::IsLetter(r) || uni::IsDigit(r)) return false;
  return uni::IsSpace(r);
}

// strings.Title.
std::string Title(const std::string& s) {
  std::string out;
  char32_t prev = ' ';
  for (size_t i = 0; i < s.size();) {
    size_t w = 1;
    char32_t r = static_cast<unsigned char>(s[i]);
    if (r >= 0x80) r = uni::DecodeRune(s, i, &w);
    char32_t m = r;
    if (IsSeparator(prev)) m = uni::ToTitle(r);
    prev = r;
    uni::AppendRune(&out, m);
    i += w;
  }
  return out;
}

// strings.TrimSpace.
std::string TrimSpace(const std::string& s) {
  size_t start = 0;
  while (start < s.size()) {
    size_t w = 1;
    char32_t r = static_cast<unsigned char>(s[start]);
    if (r >= 0x80) r = uni::DecodeRune(s, start, &w);
    if (!uni::IsSpace(r)) break;
    start += w;
  }
  size_t end = start;
  for (size_t i = start; i < s.size();) {
    size_t w = 1;
    char32_t r = static_cast<unsigned char>(s[i]);
    if (r >= 0x80) r = uni::DecodeRune(s, i, &w);
    i += w;
    if (!uni::IsSpace(r)) end = i;
  }
  return s.substr(start, end - start);
}

// strings.Split(s, sep) (n = -1).
std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t w = 1;
      if (static_cast<unsigned char>(s[i]) >= 0x80) uni::DecodeRune(s, i, &w);
      out.push_back(s.substr(i, w));
      i += w;
    }
    return out;
  }
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    if (p == std::string::npos) break;
    out.push_back(s.substr(start, p - start));
    start = p + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

// strings.Replace(s, old, new, -1).
std::string ReplaceAll(const std::string& s, const std::string& old, const std::string& nw) {
  std::string out;
  if (old.empty()) {
    out.append(nw);
    for (size_t i = 0; i < s.size();) {
      size_t w = 1;
      if (static_cast<unsigned char>(s[i]) >= 0x80) uni::DecodeRune(s, i, &w);
      out.append(s, i, w);
      out.append(nw);
      i += w;
    }
    return out;
  }
  size_t start = 0;
  for (;;) {
    size_t p = s.find(old, start);
    if (p == std::string::npos) break;
    out.append(s, start, p - start);
    out.append(nw);
    start = p + old.size();
  }
  out.append(s, start, std::string::npos);
  return out;
}

// Go's regexp/syntax error text ("error parsing regexp: CODE: `ARG`"): RE2's parser descends
// from Go's and reports the same codes and fragments; only the code texts differ.
std::string RegexpError(const RE2& re) {
  const char* code = nullptr;
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      code = "invalid escape sequence";
      break;
    case RE2::ErrorBadCharClass:
      code = "invalid character class";
      break;
    case RE2::ErrorBadCharRange:
      code = "invalid character class range";
      break;
    case RE2::ErrorMissingBracket:
      code = "missing closing ]";
      break;
    case RE2::ErrorMissingParen:
      code = "missing closing )";
      break;
    case RE2::ErrorUnexpectedParen:
      code = "unexpected )";
      break;
    case RE2::ErrorTrailingBackslash:
      code = "trailing backslash at end of expression";
      break;
    case RE2::ErrorRepeatArgument:
      code = "missing argument to repetition operator";
      break;
    case RE2::ErrorRepeatSize:
      code = "invalid repeat count";
      break;
    case RE2::ErrorRepeatOp:
      code = "invalid nested repetition operator";
      break;
    case RE2::ErrorBadPerlOp:
      code = "invalid or unsupported Perl syntax";
      break;
    case RE2::ErrorBadUTF8:
      code = "invalid UTF-8";
      break;
    case RE2::ErrorBadNamedCapture:
      code = "invalid named capture";
      break;
    case RE2::ErrorPatternTooLarge:
      code = "expression too large";
      break;
    default:
      return "error parsing regexp: " + re.error();
  }
  return std::string("error parsing regexp: ") + code + ": `" + re.error_arg() + "`";
}

StatusOr<std::unique_ptr<RE2>> Compile(const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  auto re = std::make_unique<RE2>(pattern, opts);
  // RE2 accepts \C (any byte); Go's syntax has no such escape. Go parses left to right: the
  // \C error comes first unless RE2's error lies before it (a missing ) is found at the end).
  size_t bad_c = std::string::npos;
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] == 'Q') {  // \Q...\E is literal text
      size_t e = pattern.find("\\E", i + 2);
      if (e == std::string::npos) break;
      i = e + 1;
      continue;
    }
    if (pattern[i + 1] == 'C') {
      bad_c = i;
      break;
    }
    ++i;
  }
  if (!re->ok()) {
    size_t at = re->error_code() == RE2::ErrorMissingParen ? std::string::npos
                                                           : pattern.find(re->error_arg());
    if (bad_c == std::string::npos || (at != std::string::npos && at < bad_c)) {
      return InvalidArgument(RegexpError(*re));
    }
  }
  if (bad_c != std::string::npos) {
    return InvalidArgument("error parsing regexp: invalid escape sequence: `\\C`");
  }
  return re;
}

// Go's Regexp.Expand template syntax: $1, ${1}, $name, ${name}, $$.
void Expand(const RE2& re, std::string_view tmpl, const std::vector<std::string_view>& groups,
            std::string* out) {
  const auto& names = re.NamedCapturingGroups();
  while (!tmpl.empty()) {
    size_t d = tmpl.find('$');
    if (d == std::string_view::npos) break;
    out->append(tmpl.substr(0, d));
    tmpl = tmpl.substr(d + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out->push_back('$');
      tmpl = tmpl.substr(1);
      continue;
    }
    // extract
    std::string_view str = tmpl;
    bool brace = false;
    if (!str.empty() && str[0] == '{') {
      brace = true;
      str = str.substr(1);
    }
    size_t i = 0;
    while (i < str.size()) {
      size_t w = 1;
      char32_t r = static_cast<unsigned char>(str[i]);
      if (r >= 0x80) r = uni::DecodeRune(str, i, &w);
      if (!uni::IsLetter(r) && !uni::IsDigit(r) && r != '_') break;
      i += w;
    }
    bool ok = i > 0;
    std::string_view name = str.substr(0, i);
    if (ok && brace) {
      if (i >= str.size() || str[i] != '}') {
        ok = false;
      } else {
        i++;
      }
    }
    if (!ok) {
      out->push_back('$');
      continue;
    }
    int64_t num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    tmpl = str.substr(i);
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr) {
        out->append(groups[num]);
      }
    } else {
      auto it = names.find(std::string(name));
      if (it != names.end() && static_cast<size_t>(it->second) < groups.size() &&
          groups[it->second].data() != nullptr) {
        out->append(groups[it->second]);
      }
    }
  }
  out->append(tmpl);
}

StatusOr<Value> Arith(const char* name, std::span<const Value> args, char op) {
  // consul-template's math funcs take (b, a) and compute a OP b: two ints give an int64, an
  // int with a uint (a byte from `index`) an int64, two uints a uint64, a float a float64.
  const Value& b = args[0];
  const Value& a = args[1];
  auto bad = [&](const Value& v) {
    return InvalidArgument(std::string(name) + ": unknown type for value (" +
                           (v.valid() && !v.is_nil() ? v.TypeName() : "<nil>") + ")");
  };
  auto integer = [](const Value& v) { return v.is_int() || v.is_uint(); };
  bool af = a.kind() == K::kFloat, bf = b.kind() == K::kFloat;
  if (!integer(a) && !af) return bad(a);
  if (!integer(b) && !bf) return bad(b);
  if (op == '%' && (af || bf)) return bad(b);
  if (a.is_uint() && b.is_uint()) {
    uint64_t x = a.as_uint(), y = b.as_uint();
    switch (op) {
      case '+':
        return Value::Uint64(x + y);
      case '-':
        return Value::Uint64(x - y);
      case '*':
        return Value::Uint64(x * y);
      case '/':
      case '%':
        if (y == 0) return InvalidArgument("runtime error: integer divide by zero");
        return Value::Uint64(op == '/' ? x / y : x % y);
    }
  }
  auto as_i64 = [](const Value& v) {
    return v.is_uint() ? static_cast<int64_t>(v.as_uint()) : v.as_int();
  };
  if (!af && !bf) {
    int64_t x = as_i64(a), y = as_i64(b);
    uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
    switch (op) {
      case '+':
        return Value::Int64(static_cast<int64_t>(ux + uy));
      case '-':
        return Value::Int64(static_cast<int64_t>(ux - uy));
      case '*':
        return Value::Int64(static_cast<int64_t>(ux * uy));
      case '/':
        if (y == 0) return InvalidArgument("runtime error: integer divide by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) return Value::Int64(x);
        return Value::Int64(x / y);
      case '%':
        if (y == 0) return InvalidArgument("runtime error: integer divide by zero");
        if (y == -1) return Value::Int64(0);
        return Value::Int64(x % y);
    }
  }
  auto as_f64 = [](const Value& v) {
    if (v.is_uint()) return static_cast<double>(v.as_uint());
    if (v.is_int()) return static_cast<double>(v.as_int());
    return v.as_float();
  };
  double x = as_f64(a), y = as_f64(b);
  switch (op) {
    case '+':
      return Value::Float(x + y);
    case '-':
      return Value::Float(x - y);
    case '*':
      return Value::Float(x * y);
    case '/':
      return Value::Float(x / y);
  }
  return bad(a);
}

// consul-template's `in`: is v in list l, or substring of string l.
StatusOr<bool> In(const Value& l, const Value& v) {
  bool v_nil = !v.valid() || v.is_nil();
  if (l.kind() == K::kList) {
    for (const Value& e : l.as_list()) {
      switch (e.kind()) {
        case K::kInt:
        case K::kInt64:
          if (v.is_int() && v.as_int() == e.as_int()) return true;
          break;
        case K::kFloat:
          if (v.kind() == K::kFloat && v.as_float() == e.as_float()) return true;
          break;
        case K::kString:
          if (v_nil) {
            return InvalidArgument("reflect: call of reflect.Value.Type on zero Value");
          }
          if (v.kind() == K::kString && v.as_string() == e.as_string()) return true;
          break;
        default:
          break;
      }
    }
    return false;
  }
  if (l.kind() == K::kString) {
    if (v_nil) return InvalidArgument("reflect: call of reflect.Value.Type on zero Value");
    return v.kind() == K::kString && l.as_string().find(v.as_string()) != std::string::npos;
  }
  return false;
}

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(const std::string& s) {
  std::string out;
  size_t i = 0;
  for (; i + 3 <= s.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(s[i]) << 16) |
                 (static_cast<unsigned char>(s[i + 1]) << 8) | static_cast<unsigned char>(s[i + 2]);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  size_t rem = s.size() - i;
  if (rem > 0) {
    uint32_t v = static_cast<unsigned char>(s[i]) << 16;
    if (rem == 2) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rem == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// base64.StdEncoding.DecodeString: padding required, \r and \n ignored; errors at Go's offsets
// (a port of encoding/base64's decodeQuantum loop).
StatusOr<std::string> Base64Decode(const std::string& src) {
  auto val = [](char c) -> int {
    const char* p = std::strchr(kB64, c);
    return (c != 0 && p) ? static_cast<int>(p - kB64) : -1;
  };
  auto corrupt = [](size_t at) {
    return InvalidArgument("base64Decode: illegal base64 data at input byte " + std::to_string(at));
  };
  auto newline = [](char c) { return c == '\n' || c == '\r'; };
  std::string out;
  size_t si = 0;
  while (si < src.size()) {
    int dbuf[4] = {0, 0, 0, 0};
    int dlen = 4;
    bool trailing = false;
    for (int j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return out;
        return corrupt(si - j);  // a partial quantum without padding
      }
      char in = src[si++];
      int v = val(in);
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (newline(in)) {
        j--;
        continue;
      }
      if (in != '=') return corrupt(si - 1);
      if (j < 2) return corrupt(si - 1);  // padding too early
      if (j == 2) {                       // "==" expected; the first '=' is consumed
        while (si < src.size() && newline(src[si])) si++;
        if (si == src.size()) return corrupt(src.size());
        if (src[si] != '=') return corrupt(si - 1);
        si++;
      }
      while (si < src.size() && newline(src[si])) si++;
      trailing = si < src.size();
      dlen = j;
      break;
    }
    uint32_t v = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    out.push_back(static_cast<char>(v >> 16));
    if (dlen > 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (dlen > 3) out.push_back(static_cast<char>(v & 0xFF));
    if (trailing) return corrupt(si);
  }
  return out;
}

FuncMap MakeDefaults() {
  FuncMap m;
  const ArgType S = ArgType::kString, A = ArgType::kAny, I = ArgType::kInt;
  m.Add(
      "isFirst",
      [](CallContext& ctx, std::span<const Value>) -> StatusOr<Value> {
        return Value::Bool(ctx.FirstCall("isFirst"));
      },
      Sig({}));
  m.Add(
      "isFirst2",
      [](CallContext& ctx, std::span<const Value>) -> StatusOr<Value> {
        return Value::Bool(ctx.FirstCall("isFirst2"));
      },
      Sig({}));
  m.Add(
      "toJSON",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        StatusOr<std::string> j = ToJson(a[0]);
        if (!j.ok()) return InvalidArgument("toJSON: " + j.status().message());
        return Value::String(TrimSpace(*j));
      },
      Sig({A}));
  m.Add(
      "toJSONPretty",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        StatusOr<std::string> j = ToJson(a[0], "  ");
        if (!j.ok()) return InvalidArgument("toJSONPretty: " + j.status().message());
        return Value::String(TrimSpace(*j));
      },
      Sig({A}));
  m.Add(
      "parseJSON",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        if (a[0].as_string().empty()) return Value::MakeMap({});
        return ParseJson(a[0].as_string());
      },
      Sig({S}));
  m.Add(
      "join",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        const Value& l = a[1];
        if (l.kind() != K::kList) {
          return InvalidArgument(std::string("join: wrong argument type ") +
                                 (l.valid() && !l.is_nil() ? l.TypeName() : "<nil>"));
        }
        std::string out;
        const auto& items = l.as_list();
        for (size_t i = 0; i < items.size(); ++i) {
          if (items[i].kind() != K::kString) {
            return InvalidArgument("join: list element " + std::to_string(i) + " is not a string");
          }
          if (i) out += a[0].as_string();
          out += items[i].as_string();
        }
        return Value::String(std::move(out));
      },
      Sig({S, A}));
  m.Add(
      "split",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        std::string s = TrimSpace(a[1].as_string());
        if (s.empty()) return Value::StringSlice({});
        return Value::StringSlice(Split(s, a[0].as_string()));
      },
      Sig({S, S}));
  m.Add(
      "toLower",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        return Value::String(ToLowerS(a[0].as_string()));
      },
      Sig({S}));
  m.Add(
      "toUpper",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        return Value::String(ToUpperS(a[0].as_string()));
      },
      Sig({S}));
  m.Add(
      "toTitle",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        return Value::String(Title(a[0].as_string()));
      },
      Sig({S}));
  m.Add(
      "trimSpace",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        return Value::String(TrimSpace(a[0].as_string()));
      },
      Sig({S}));
  m.Add(
      "replaceAll",
      [](CallContext& ctx, std::span<const Value> a) -> StatusOr<Value> {
        const std::string& s = a[2].as_string();
        const std::string& old = a[0].as_string();
        const std::string& nw = a[1].as_string();
        // Bound the result before building it.
        size_t n = old.empty() ? uni::RuneCount(s) + 1 : 0;
        if (!old.empty())
          for (size_t p = s.find(old); p != std::string::npos; p = s.find(old, p + old.size())) n++;
        if (nw.size() > old.size() && n * (nw.size() - old.size()) > ctx.max_output) {
          return ResourceExhausted("replaceAll: result exceeds the output limit");
        }
        return Value::String(ReplaceAll(s, old, nw));
      },
      Sig({S, S, S}));
  m.Add(
      "regexMatch",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        auto re = Compile(a[0].as_string());
        if (!re.ok()) return re.status();
        return Value::Bool(RE2::PartialMatch(a[1].as_string(), **re));
      },
      Sig({S, S}));
  m.Add(
      "regexReplaceAll",
      [](CallContext& ctx, std::span<const Value> a) -> StatusOr<Value> {
        auto rec = Compile(a[0].as_string());
        if (!rec.ok()) return rec.status();
        const RE2& re = **rec;
        const std::string& src = a[2].as_string();
        std::string_view text(src);
        const std::string& repl = a[1].as_string();
        int ngroups = re.NumberOfCapturingGroups() + 1;
        std::vector<re2::StringPiece> pieces(ngroups);
        std::vector<std::string_view> groups(ngroups);
        std::string out;
        size_t last_end = 0, search = 0;
        while (search <= text.size()) {
          if (!re.Match(re2::StringPiece(text.data(), text.size()), search, text.size(),
                        RE2::UNANCHORED, pieces.data(), ngroups)) {
            break;
          }
          for (int g = 0; g < ngroups; ++g) {
            groups[g] = pieces[g].data() ? std::string_view(pieces[g].data(), pieces[g].size())
                                         : std::string_view();
          }
          size_t a0 = groups[0].data() - text.data();
          size_t a1 = a0 + groups[0].size();
          out.append(text.substr(last_end, a0 - last_end));
          if (a1 > last_end || a0 == 0) Expand(re, repl, groups, &out);
          if (out.size() > ctx.max_output) {
            return ResourceExhausted("regexReplaceAll: result exceeds the output limit");
          }
          last_end = a1;
          size_t width = 0;
          if (search < text.size()) uni::DecodeRune(text, search, &width);
          if (search + width > a1) {
            search += width;
          } else if (search + 1 > a1) {
            search++;
          } else {
            search = a1;
          }
        }
        out.append(text.substr(last_end));
        return Value::String(std::move(out));
      },
      Sig({S, S, S}));
  m.Add(
      "contains",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        StatusOr<bool> r = In(a[1], a[0]);
        if (!r.ok()) return r.status();
        return Value::Bool(*r);
      },
      Sig({A, A}));
  m.Add(
      "env",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        const char* v = std::getenv(a[0].as_string().c_str());
        if (a[0].as_string().find('\0') != std::string::npos) v = nullptr;
        return Value::String(v ? v : "");
      },
      Sig({S}));
  m.Add(
      "add", [](CallContext&, std::span<const Value> a) { return Arith("add", a, '+'); },
      Sig({A, A}));
  m.Add(
      "subtract", [](CallContext&, std::span<const Value> a) { return Arith("subtract", a, '-'); },
      Sig({A, A}));
  m.Add(
      "multiply", [](CallContext&, std::span<const Value> a) { return Arith("multiply", a, '*'); },
      Sig({A, A}));
  m.Add(
      "divide", [](CallContext&, std::span<const Value> a) { return Arith("divide", a, '/'); },
      Sig({A, A}));
  m.Add(
      "modulo", [](CallContext&, std::span<const Value> a) { return Arith("modulo", a, '%'); },
      Sig({A, A}));
  m.Add(
      "base64Encode",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        return Value::String(Base64Encode(a[0].as_string()));
      },
      Sig({S}));
  m.Add(
      "base64Decode",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        StatusOr<std::string> d = Base64Decode(a[0].as_string());
        if (!d.ok()) return d.status();
        return Value::String(std::move(d).value());
      },
      Sig({S}));
  m.Add(
      "sha256Hex",
      [](CallContext&, std::span<const Value> a) -> StatusOr<Value> {
        return Value::String(Sha256Hex(a[0].as_string()));
      },
      Sig({S}));
  m.Add(
      "indent",
      [](CallContext& ctx, std::span<const Value> a) -> StatusOr<Value> {
        int64_t spaces = a[0].as_int();
        if (spaces < 0) return InvalidArgument("indent value must be a positive integer");
        const std::string& s = a[1].as_string();
        size_t lines = 1;
        for (char c : s) lines += c == '\n';
        if (static_cast<uint64_t>(spaces) > ctx.max_output ||
            lines * static_cast<uint64_t>(spaces) > ctx.max_output) {
          return ResourceExhausted("indent: result exceeds the output limit");
        }
        std::string prefix(static_cast<size_t>(spaces), ' ');
        std::string out;
        bool sp = true;
        for (char c : s) {
          if (sp && c != '\n') out += prefix;
          out.push_back(c);
          sp = c == '\n';
        }
        return Value::String(std::move(out));
      },
      Sig({I, S}));
  return m;
}

}  // namespace

const FuncMap& DefaultFuncs() {
  static const FuncMap* m = new FuncMap(MakeDefaults());
  return *m;
}

}  // namespace vs::tmpl
