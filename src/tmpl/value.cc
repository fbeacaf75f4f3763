#include "tmpl/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <vector>

#include "tmpl/gofmt.h"
#include "tmpl/unicode.h"

namespace vs::tmpl {

void Value::FreeTree() {
  auto owns_container = [](const Value& v) {
    return (v.kind_ == Kind::kList || v.kind_ == Kind::kMap) && v.p_ && v.p_.use_count() == 1;
  };
  // Sole owner: detach every uniquely owned descendant container onto a work list, so each one
  // is freed with its children already emptied of containers (one level deep at most).
  std::vector<std::pair<Kind, std::shared_ptr<const void>>> work;
  work.emplace_back(kind_, std::move(p_));
  while (!work.empty()) {
    auto [kind, p] = std::move(work.back());
    work.pop_back();
    auto detach = [&](const Value& child) {
      if (owns_container(child)) {
        // We hold the only reference to `p`, hence to its elements: mutating them is safe.
        auto& c = const_cast<Value&>(child);
        work.emplace_back(c.kind_, std::move(c.p_));
      }
    };
    if (kind == Kind::kList) {
      for (const Value& c : *static_cast<const List*>(p.get())) detach(c);
    } else {
      for (const Entry& e : *static_cast<const Map*>(p.get())) detach(e.second);
    }
  }
}

Value Value::Bool(bool b) {
  Value v(Kind::kBool);
  v.b_ = b;
  return v;
}
Value Value::Int(int64_t i) {
  Value v(Kind::kInt);
  v.i_ = i;
  return v;
}
Value Value::Int64(int64_t i) {
  Value v(Kind::kInt64);
  v.i_ = i;
  return v;
}
Value Value::Float(double f) {
  Value v(Kind::kFloat);
  v.f_ = f;
  return v;
}
Value Value::String(std::string s) {
  Value v(Kind::kString);
  v.p_ = std::make_shared<const std::string>(std::move(s));
  return v;
}
namespace {

// Go 1.19's malloc size classes (runtime/sizeclasses.go, class_to_size).
constexpr uint16_t kSizeClasses[] = {
    0,     8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,  160,   176,
    192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,   480,  512,   576,
    640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304, 2688,  3072,
    3200,  3456,  4096,  4864,  5376,  6144,  6528,  6784,  6912,  8192,  9472,  9728, 10240, 10880,
    12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};

// runtime.roundupsize: the size class of a small allocation, whole 8 KiB pages above 32 KiB.
uint64_t RoundUpSize(uint64_t size) {
  if (size < 32768) {
    return *std::lower_bound(std::begin(kSizeClasses), std::end(kSizeClasses), size);
  }
  return (size + 8191) / 8192 * 8192;
}

// runtime.growslice's new capacity for 16-byte elements (an interface value).
uint64_t GrowCap(uint64_t old_cap, uint64_t needed) {
  uint64_t newcap = old_cap;
  uint64_t doublecap = newcap + newcap;
  if (needed > doublecap) {
    newcap = needed;
  } else if (old_cap < 256) {
    newcap = doublecap;
  } else {
    while (newcap < needed) newcap += (newcap + 3 * 256) / 4;
  }
  return RoundUpSize(newcap * 16) / 16;
}

}  // namespace

size_t GoAppendCap(size_t n) {
  // The decoder appends one element at a time: walk the growth sequence (a few dozen steps
  // even for millions of elements).
  uint64_t cap = 0;
  while (cap < n) cap = GrowCap(cap, cap + 1);
  return static_cast<size_t>(cap);
}

const Value& Value::ListRef::NilElement() {
  static const Value* nil = new Value(Value::Null());
  return *nil;
}

Value Value::MakeList(List items) {
  Value v(Kind::kList);
  size_t n = items.size();
  size_t cap = GoAppendCap(n);
  v.list_.len = static_cast<uint32_t>(n);
  v.list_.cap = static_cast<uint32_t>(cap > UINT32_MAX ? n : cap);
  v.p_ = std::make_shared<const List>(std::move(items));
  return v;
}

Value Value::StringSlice(const std::vector<std::string>& items) {
  List l;
  l.reserve(items.size());
  for (const auto& s : items) l.push_back(String(s));
  Value v(Kind::kList);
  v.tag_ = kStringElems;
  v.list_.len = v.list_.cap = static_cast<uint32_t>(l.size());
  v.p_ = std::make_shared<const List>(std::move(l));
  return v;
}

Value Value::SliceList(size_t i, size_t j, size_t k) const {
  Value v = *this;
  // As reflect: a slice with no capacity left keeps its base pointer (what %p shows).
  if (k > i) v.off_ = static_cast<uint32_t>(off_ + i);
  v.list_.len = static_cast<uint32_t>(j - i);
  v.list_.cap = static_cast<uint32_t>(k - i);
  return v;
}

uintptr_t Value::Address() const {
  if (kind_ == Kind::kMap) return reinterpret_cast<uintptr_t>(p_.get());
  if (kind_ != Kind::kList) return 0;
  const List& l = elems();
  if (l.empty()) {
    static const char zerobase = 0;  // Go's runtime.zerobase
    return reinterpret_cast<uintptr_t>(&zerobase);
  }
  return reinterpret_cast<uintptr_t>(l.data()) + off_ * sizeof(Value);
}

Value Value::Uint8(uint8_t b) {
  Value v(Kind::kUint);
  v.tag_ = 8;
  v.u_ = b;
  return v;
}
Value Value::Uint64(uint64_t u) {
  Value v(Kind::kUint);
  v.tag_ = 64;
  v.u_ = u;
  return v;
}
namespace {
bool SortedUnique(const Value::Map& m) {
  for (size_t i = 1; i < m.size(); ++i) {
    if (!(m[i - 1].first < m[i].first)) return false;
  }
  return true;
}
}  // namespace

Value Value::MakeMap(Map entries) {
  auto before = [](const Entry& a, const Entry& b) { return a.first < b.first; };
  if (!SortedUnique(entries)) {
    // Stable, so that of equal keys the last one given stays last. Small maps (objects of
    // JSON, template data records) use insertion sort: std::stable_sort allocates a buffer.
    if (entries.size() <= 16) {
      for (size_t i = 1; i < entries.size(); ++i) {
        for (size_t j = i; j > 0 && before(entries[j], entries[j - 1]); --j) {
          std::swap(entries[j], entries[j - 1]);
        }
      }
    } else {
      std::stable_sort(entries.begin(), entries.end(), before);
    }
    // Keep the last of equal keys, compacting in place.
    size_t w = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (w > 0 && entries[w - 1].first == entries[i].first) {
        entries[w - 1].second = std::move(entries[i].second);
      } else if (w != i) {
        entries[w++] = std::move(entries[i]);
      } else {
        ++w;
      }
    }
    entries.erase(entries.begin() + static_cast<ptrdiff_t>(w), entries.end());
  }
  Value v(Kind::kMap);
  v.p_ = std::make_shared<const Map>(std::move(entries));
  return v;
}
Value Value::SharedMap(std::shared_ptr<const void> owner, const Map* m) {
  if (!SortedUnique(*m)) return MakeMap(*m);
  Value v(Kind::kMap);
  v.p_ = std::shared_ptr<const void>(std::move(owner), m);
  return v;
}
Value Value::SharedString(std::shared_ptr<const void> owner, const std::string* s) {
  Value v(Kind::kString);
  v.p_ = std::shared_ptr<const void>(std::move(owner), s);
  return v;
}
Value Value::StringList(const std::vector<std::string>& items) {
  List l;
  l.reserve(items.size());
  for (const auto& s : items) l.push_back(String(s));
  return MakeList(std::move(l));
}

Value Value::Complex(double re, double im) {
  Value v(Kind::kComplex);
  auto parts = std::shared_ptr<double[]>(new double[2]{re, im});
  v.p_ = std::shared_ptr<const void>(parts, parts.get());
  return v;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kMap) return nullptr;
  const Map& m = as_map();
  if (m.size() <= 8) {
    // Small maps (the usual template data: a few fields per object): a linear scan that
    // rejects on length first beats a binary search of string comparisons.
    for (const Entry& e : m) {
      if (SameBytes(e.first, key)) return &e.second;
    }
    return nullptr;
  }
  auto it = std::lower_bound(m.begin(), m.end(), key,
                             [](const Entry& e, std::string_view k) { return e.first < k; });
  if (it != m.end() && it->first == key) return &it->second;
  return nullptr;
}

size_t Value::size() const {
  switch (kind_) {
    case Kind::kString:
      return as_string().size();
    case Kind::kList:
      return list_.len;
    case Kind::kMap:
      return as_map().size();
    default:
      return 0;
  }
}

const char* Value::TypeName() const {
  switch (kind_) {
    case Kind::kInvalid:
    case Kind::kNil:
      return "<nil>";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kInt64:
      return "int64";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    case Kind::kUint:
      return tag_ == 8 ? "uint8" : "uint64";
    case Kind::kList:
      return tag_ == kStringElems ? "[]string" : "[]interface {}";
    case Kind::kMap:
      return "map[string]interface {}";
    case Kind::kComplex:
      return "complex128";
  }
  return "?";
}

// ---- JSON decoding ----

namespace {

constexpr int kMaxJsonDepth = 10000;  // Go's json decoder limit

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}

  StatusOr<Value> Parse() {
    Value v;
    if (Status st = ParseValue(&v, 0); !st.ok()) return st;
    SkipSpace();
    if (pos_ != s_.size()) return Error("after top-level value");
    // Go checks the syntax of the whole input before it decodes numbers.
    if (!range_error_.empty()) {
      pos_ = range_error_pos_;
      return InvalidArgument(range_error_);
    }
    return v;
  }
  size_t error_offset() const { return pos_; }

 private:
  // encoding/json's scanner: "invalid character 'x' <context>", at the end of the input
  // "unexpected end of JSON input".
  // mid_token: inside a literal, number or escape, where Go's scanner, fed a space at the end
  // of the input, reports that space instead of the end.
  Status Error(const char* context, bool mid_token = false) {
    if (pos_ >= s_.size() && !mid_token) return Eof();
    std::string msg = "invalid character ";
    QuoteChar(pos_ < s_.size() ? static_cast<unsigned char>(s_[pos_]) : ' ', &msg);
    msg.push_back(' ');
    msg.append(context);
    return InvalidArgument(msg);
  }
  Status Eof() { return InvalidArgument("unexpected end of JSON input"); }
  // encoding/json's quoteChar: the byte as a rune, quoted.
  static void QuoteChar(unsigned char c, std::string* out) {
    if (c == '\'') {
      out->append("'\\''");
      return;
    }
    if (c == '"') {
      out->append("'\"'");
      return;
    }
    std::string q;
    std::string r;
    uni::AppendRune(&r, c);
    gofmt::Quote(r, false, &q);
    out->push_back('\'');
    out->append(q, 1, q.size() - 2);
    out->push_back('\'');
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  // A literal (true, false, null) starting at pos_: the scanner's error at the first byte
  // that differs.
  Status Lit(const char* lit) {
    size_t n = std::strlen(lit);
    for (size_t i = 1; i < n; ++i) {
      pos_++;
      if (pos_ >= s_.size() || s_[pos_] != lit[i]) {
        std::string ctx = std::string("in literal ") + lit + " (expecting '" + lit[i] + "')";
        return Error(ctx.c_str(), true);
      }
    }
    pos_++;
    return OkStatus();
  }

  // Iterative (an explicit stack of open containers), so that Go's 10000 levels of nesting
  // need no native stack.
  struct Open {
    bool is_map;
    Value::List list;
    Value::Map map;
    std::string key;
  };

  // Parses `"key" :` inside an object.
  Status ParseKey(std::string* key) {
    SkipSpace();
    if (pos_ >= s_.size()) return Eof();
    if (s_[pos_] != '"') return Error("looking for beginning of object key string");
    key->clear();
    if (Status st = ParseString(key); !st.ok()) return st;
    SkipSpace();
    if (pos_ >= s_.size()) return Eof();
    if (s_[pos_] != ':') return Error("after object key");
    ++pos_;
    return OkStatus();
  }

  Status ParseValue(Value* out, int /*depth*/) {
    std::vector<Open> stack;
    for (;;) {
      // A value starts here.
      SkipSpace();
      if (pos_ >= s_.size()) return Eof();
      char c = s_[pos_];
      Value v;
      if (c == '{' || c == '[') {
        if (stack.size() + 1 > static_cast<size_t>(kMaxJsonDepth)) {
          return Error("exceeded max depth");  // at the bracket, as Go
        }
        ++pos_;
        stack.push_back(Open{c == '{', {}, {}, {}});
        SkipSpace();
        char close = c == '{' ? '}' : ']';
        if (pos_ < s_.size() && s_[pos_] == close) {
          ++pos_;
          v = c == '{' ? Value::MakeMap({}) : Value::MakeList({});
          stack.pop_back();
        } else {
          if (c == '{') {
            if (Status st = ParseKey(&stack.back().key); !st.ok()) return st;
          }
          continue;  // parse the first element
        }
      } else if (Status st = ParseScalar(c, &v); !st.ok()) {
        return st;
      }
      // Complete v into the open containers.
      for (;;) {
        if (stack.empty()) {
          *out = std::move(v);
          return OkStatus();
        }
        Open& top = stack.back();
        if (top.is_map) {
          top.map.emplace_back(std::move(top.key), std::move(v));
        } else {
          top.list.push_back(std::move(v));
        }
        SkipSpace();
        if (pos_ >= s_.size()) return Eof();
        char n = s_[pos_];
        if (n == ',') {
          ++pos_;
          if (top.is_map) {
            if (Status st = ParseKey(&top.key); !st.ok()) return st;
          }
          break;  // parse the next element
        }
        if (n == (top.is_map ? '}' : ']')) {
          ++pos_;
          v = top.is_map ? Value::MakeMap(std::move(top.map))
                         : Value::MakeList(std::move(top.list));
          stack.pop_back();
          continue;
        }
        return Error(top.is_map ? "after object key:value pair" : "after array element");
      }
    }
  }

  Status ParseScalar(char c, Value* out) {
    switch (c) {
      case '"': {
        std::string s;
        if (Status st = ParseString(&s); !st.ok()) return st;
        *out = Value::String(std::move(s));
        return OkStatus();
      }
      case 't':
        if (Status st = Lit("true"); !st.ok()) return st;
        *out = Value::Bool(true);
        return OkStatus();
      case 'f':
        if (Status st = Lit("false"); !st.ok()) return st;
        *out = Value::Bool(false);
        return OkStatus();
      case 'n':
        if (Status st = Lit("null"); !st.ok()) return st;
        *out = Value::Null();
        return OkStatus();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Error("looking for beginning of value");
    }
  }

  Status ParseNumber(Value* out) {
    size_t start = pos_;
    auto digit = [&] { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; };
    if (s_[pos_] == '-') ++pos_;
    if (!digit()) return Error("in numeric literal", true);
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (digit()) ++pos_;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digit()) return Error("after decimal point in numeric literal", true);
      while (digit()) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digit()) return Error("in exponent of numeric literal", true);
      while (digit()) ++pos_;
    }
    double d = 0;
    auto [p, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, d);
    if (ec == std::errc::result_out_of_range) {
      // from_chars reports underflow too; Go rounds tiny numbers to 0 and fails only on
      // overflow.
      std::string tmp(s_.substr(start, pos_ - start));
      d = std::strtod(tmp.c_str(), nullptr);
      if (std::isinf(d) && range_error_.empty()) {
        range_error_ = "json: cannot unmarshal number " + tmp + " into Go value of type float64";
        range_error_pos_ = start;
      }
    } else if (ec != std::errc()) {
      return Error("in numeric literal");
    }
    *out = Value::Float(d);
    return OkStatus();
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(size_t at, char32_t* r) {
    if (at + 4 > s_.size()) return false;
    char32_t v = 0;
    for (size_t i = 0; i < 4; ++i) {
      int h = Hex(s_[at + i]);
      if (h < 0) return false;
      v = v * 16 + h;
    }
    *r = v;
    return true;
  }
  // The scanner's error for a bad \u escape at pos_: at its first non-hex byte.
  Status BadHex4() {
    for (size_t i = 0; i < 4; ++i, ++pos_) {
      if (pos_ >= s_.size() || Hex(s_[pos_]) < 0) {
        return Error("in \\u hexadecimal character escape", true);
      }
    }
    return Internal("json: \\u escape");
  }

  Status ParseString(std::string* out) {
    ++pos_;  // opening quote
    size_t run = pos_;
    for (;;) {
      if (pos_ >= s_.size()) return Eof();
      unsigned char c = s_[pos_];
      if (c == '"') {
        out->append(s_.data() + run, pos_ - run);
        ++pos_;
        return OkStatus();
      }
      if (c < 0x20) return Error("in string literal");
      if (c == '\\') {
        out->append(s_.data() + run, pos_ - run);
        ++pos_;
        if (pos_ >= s_.size()) return Error("in string escape code", true);
        char e = s_[pos_++];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out->push_back(e);
            break;
          case 'b':
            out->push_back('\b');
            break;
          case 'f':
            out->push_back('\f');
            break;
          case 'n':
            out->push_back('\n');
            break;
          case 'r':
            out->push_back('\r');
            break;
          case 't':
            out->push_back('\t');
            break;
          case 'u': {
            char32_t r;
            if (!Hex4(pos_, &r)) return BadHex4();
            pos_ += 4;
            if (r >= 0xD800 && r < 0xDC00) {
              char32_t r2;
              if (pos_ + 6 <= s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u' &&
                  Hex4(pos_ + 2, &r2) && r2 >= 0xDC00 && r2 < 0xE000) {
                pos_ += 6;
                r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
              } else {
                r = uni::kRuneError;
              }
            } else if (r >= 0xDC00 && r < 0xE000) {
              r = uni::kRuneError;
            }
            uni::AppendRune(out, r);
            break;
          }
          default:
            pos_--;
            return Error("in string escape code");
        }
        run = pos_;
        continue;
      }
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      size_t w;
      char32_t r = uni::DecodeRune(s_, pos_, &w);
      if (r == uni::kRuneError && w == 1) {
        out->append(s_.data() + run, pos_ - run);
        uni::AppendRune(out, uni::kRuneError);
        ++pos_;
        run = pos_;
        continue;
      }
      pos_ += w;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string range_error_;  // a number out of float64's range, reported after the syntax
  size_t range_error_pos_ = 0;
};

void JsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0, start = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
        ++i;
        continue;
      }
      out->append(s.data() + start, i - start);
      switch (c) {
        case '\\':
        case '"':
          out->push_back('\\');
          out->push_back(static_cast<char>(c));
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
      }
      ++i;
      start = i;
      continue;
    }
    size_t w;
    char32_t r = uni::DecodeRune(s, i, &w);
    if (r == uni::kRuneError && w == 1) {
      out->append(s.data() + start, i - start);
      out->append("\\ufffd");
      i += w;
      start = i;
      continue;
    }
    if (r == 0x2028 || r == 0x2029) {
      out->append(s.data() + start, i - start);
      out->append(r == 0x2028 ? "\\u2028" : "\\u2029");
      i += w;
      start = i;
      continue;
    }
    i += w;
  }
  out->append(s.data() + start, s.size() - start);
  out->push_back('"');
}

Status EncodeScalar(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      out->append(v.as_bool() ? "true" : "false");
      return OkStatus();
    case Value::Kind::kInt:
    case Value::Kind::kInt64:
      out->append(std::to_string(v.as_int()));
      return OkStatus();
    case Value::Kind::kUint:
      out->append(std::to_string(v.as_uint()));
      return OkStatus();
    case Value::Kind::kFloat: {
      double f = v.as_float();
      if (std::isnan(f) || std::isinf(f)) {
        return InvalidArgument("json: unsupported value: " + gofmt::FormatFloat(f, 'g', -1));
      }
      double a = std::fabs(f);
      char fmt = 'f';
      if (a != 0 && (a < 1e-6 || a >= 1e21)) fmt = 'e';
      std::string s = gofmt::FormatFloat(f, fmt, -1);
      if (fmt == 'e') {
        size_t n = s.size();
        if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
          s[n - 2] = s[n - 1];
          s.pop_back();
        }
      }
      out->append(s);
      return OkStatus();
    }
    case Value::Kind::kString:
      JsonString(v.as_string(), out);
      return OkStatus();
    case Value::Kind::kComplex:
      return InvalidArgument("json: unsupported type: complex128");
    default:
      out->append("null");
      return OkStatus();
  }
}

// Iterative (an explicit work stack), so that deeply nested values need no native stack.
Status EncodeJson(const Value& root, std::string_view indent, std::string* out) {
  struct Item {
    const Value* v = nullptr;          // a value at `level`, or
    const char* lit = nullptr;         // literal text, or
    const std::string* key = nullptr;  // an object key
    int newline = -1;                  // >= 0: a newline and `newline` indents
    int level = 0;
  };
  std::vector<Item> work;
  work.push_back({&root, nullptr, nullptr, -1, 0});
  bool pretty = !indent.empty();
  while (!work.empty()) {
    Item it = work.back();
    work.pop_back();
    if (it.lit) {
      out->append(it.lit);
      continue;
    }
    if (it.key) {
      JsonString(*it.key, out);
      out->append(pretty ? ": " : ":");
      continue;
    }
    if (it.newline >= 0) {
      out->push_back('\n');
      for (int i = 0; i < it.newline; ++i) out->append(indent);
      continue;
    }
    const Value& v = *it.v;
    int lv = it.level;
    if (v.kind() == Value::Kind::kList) {
      const auto& l = v.as_list();
      out->push_back('[');
      work.push_back({nullptr, "]", nullptr, -1, 0});
      if (pretty && !l.empty()) work.push_back({nullptr, nullptr, nullptr, lv, 0});
      for (size_t i = l.size(); i-- > 0;) {
        work.push_back({&l[i], nullptr, nullptr, -1, lv + 1});
        if (pretty) work.push_back({nullptr, nullptr, nullptr, lv + 1, 0});
        if (i > 0) work.push_back({nullptr, ",", nullptr, -1, 0});
      }
    } else if (v.kind() == Value::Kind::kMap) {
      const auto& m = v.as_map();
      out->push_back('{');
      work.push_back({nullptr, "}", nullptr, -1, 0});
      if (pretty && !m.empty()) work.push_back({nullptr, nullptr, nullptr, lv, 0});
      for (size_t i = m.size(); i-- > 0;) {
        work.push_back({&m[i].second, nullptr, nullptr, -1, lv + 1});
        work.push_back({nullptr, nullptr, &m[i].first, -1, 0});
        if (pretty) work.push_back({nullptr, nullptr, nullptr, lv + 1, 0});
        if (i > 0) work.push_back({nullptr, ",", nullptr, -1, 0});
      }
    } else if (Status st = EncodeScalar(v, out); !st.ok()) {
      return st;
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<Value> ParseJson(std::string_view json, size_t* error_offset) {
  JsonParser p(json);
  StatusOr<Value> v = p.Parse();
  if (!v.ok() && error_offset != nullptr) *error_offset = p.error_offset();
  return v;
}

StatusOr<std::string> ToJson(const Value& v, std::string_view indent) {
  std::string out;
  if (Status st = EncodeJson(v, indent, &out); !st.ok()) return st;
  return out;
}

}  // namespace vs::tmpl
