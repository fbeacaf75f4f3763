#include "tmpl/gofmt.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "tmpl/unicode.h"

namespace vs::tmpl::gofmt {
namespace {

constexpr const char* kLower = "0123456789abcdefx";
constexpr const char* kUpper = "0123456789ABCDEFX";
constexpr int kMaxPad = 1000000;  // fmt's own limit on width/precision numbers

// Decimal digits of |v| (no trailing zeros) with the decimal point after dp digits.
struct Digits {
  std::string d;
  int dp = 0;
};

// nd significant digits (nd < 0: shortest round-trip).
Digits DecimalDigits(double v, int nd) {
  char buf[512];
  std::to_chars_result r;
  v = std::fabs(v);
  if (nd < 0) {
    r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific,
                      nd > 0 ? nd - 1 : 0);
  }
  std::string_view s(buf, r.ptr - buf);
  Digits out;
  size_t e = s.find('e');
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') out.d.push_back(s[i]);
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp);
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  if (out.d.empty()) {
    out.dp = 0;  // zero
  } else {
    out.dp = exp + 1;
  }
  return out;
}

void FmtE(const Digits& dg, int prec, char fmt, std::string* out) {
  out->push_back(dg.d.empty() ? '0' : dg.d[0]);
  if (prec > 0) {
    out->push_back('.');
    int i = 1;
    int m = std::min<int>(static_cast<int>(dg.d.size()), prec + 1);
    if (i < m) {
      out->append(dg.d, i, m - i);
      i = m;
    }
    for (; i <= prec; ++i) out->push_back('0');
  }
  out->push_back(fmt);
  int exp = dg.dp - 1;
  if (dg.d.empty()) exp = 0;
  char ch = '+';
  if (exp < 0) {
    ch = '-';
    exp = -exp;
  }
  out->push_back(ch);
  if (exp < 10) {
    out->push_back('0');
    out->push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out->push_back(static_cast<char>('0' + exp / 10));
    out->push_back(static_cast<char>('0' + exp % 10));
  } else {
    out->push_back(static_cast<char>('0' + exp / 100));
    out->push_back(static_cast<char>('0' + exp / 10 % 10));
    out->push_back(static_cast<char>('0' + exp % 10));
  }
}

void FmtF(const Digits& dg, int prec, std::string* out) {
  int nd = static_cast<int>(dg.d.size());
  if (dg.dp > 0) {
    int m = std::min(nd, dg.dp);
    out->append(dg.d, 0, m);
    for (; m < dg.dp; ++m) out->push_back('0');
  } else {
    out->push_back('0');
  }
  if (prec > 0) {
    out->push_back('.');
    for (int i = 1; i <= prec; ++i) {
      int j = dg.dp + i - 1;
      out->push_back((0 <= j && j < nd) ? dg.d[j] : '0');
    }
  }
}

void FmtX(double v, int prec, char fmt, std::string* out) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  bool neg = bits >> 63;
  int exp = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
  if (exp == 0) {
    exp++;
  } else {
    mant |= uint64_t{1} << 52;
  }
  exp -= 1023;
  if (mant == 0) exp = 0;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & (uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    unsigned shift = static_cast<unsigned>(prec * 4);
    uint64_t extra = (mant << shift) & ((uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (uint64_t{1} << 59)) mant++;
    mant <<= 60 - shift;
    if (mant & (uint64_t{1} << 61)) {
      mant >>= 1;
      exp++;
    }
  }
  const char* hex = fmt == 'X' ? kUpper : kLower;
  if (neg) out->push_back('-');
  out->push_back('0');
  out->push_back(fmt);
  out->push_back(static_cast<char>('0' + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out->push_back('.');
    while (mant != 0) {
      out->push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  } else if (prec > 0) {
    out->push_back('.');
    for (int i = 0; i < prec; ++i) {
      out->push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  }
  out->push_back(fmt == 'X' ? 'P' : 'p');
  if (exp < 0) {
    out->push_back('-');
    exp = -exp;
  } else {
    out->push_back('+');
  }
  if (exp < 100) {
    out->push_back(static_cast<char>('0' + exp / 10));
    out->push_back(static_cast<char>('0' + exp % 10));
  } else if (exp < 1000) {
    out->push_back(static_cast<char>('0' + exp / 100));
    out->push_back(static_cast<char>('0' + exp / 10 % 10));
    out->push_back(static_cast<char>('0' + exp % 10));
  } else {
    out->push_back(static_cast<char>('0' + exp / 1000));
    out->push_back(static_cast<char>('0' + exp / 100 % 10));
    out->push_back(static_cast<char>('0' + exp / 10 % 10));
    out->push_back(static_cast<char>('0' + exp % 10));
  }
}

}  // namespace

std::string FormatFloat(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  bool neg = std::signbit(v);
  if (fmt == 'b') {
    uint64_t bits = std::bit_cast<uint64_t>(v);
    int exp = static_cast<int>((bits >> 52) & 0x7FF);
    uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= uint64_t{1} << 52;
    }
    exp += -1023 - 52;
    if (neg) out.push_back('-');
    out += std::to_string(mant);
    out.push_back('p');
    if (exp >= 0) out.push_back('+');
    out += std::to_string(exp);
    return out;
  }
  if (fmt == 'x' || fmt == 'X') {
    FmtX(v, prec, fmt, &out);
    return out;
  }
  if (neg) out.push_back('-');
  switch (fmt) {
    case 'e':
    case 'E': {
      Digits dg = DecimalDigits(v, prec < 0 ? -1 : prec + 1);
      FmtE(dg, prec < 0 ? static_cast<int>(dg.d.size()) - 1 : prec, fmt, &out);
      if (prec < 0 && dg.d.empty()) {
        // shortest zero: "0e+00"
      }
      return out;
    }
    case 'f':
    case 'F': {
      if (prec < 0) {
        Digits dg = DecimalDigits(v, -1);
        FmtF(dg, std::max(static_cast<int>(dg.d.size()) - dg.dp, 0), &out);
        return out;
      }
      char buf[2048];
      auto r = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::fixed, prec);
      if (r.ec == std::errc()) {
        out.append(buf, r.ptr);
      } else {
        std::string big(400 + static_cast<size_t>(prec), '\0');
        auto r2 = std::to_chars(big.data(), big.data() + big.size(), std::fabs(v),
                                std::chars_format::fixed, prec);
        out.append(big.data(), r2.ptr);
      }
      return out;
    }
    case 'g':
    case 'G': {
      bool shortest = prec < 0;
      int p = prec;
      if (p == 0) p = 1;
      Digits dg = DecimalDigits(v, shortest ? -1 : p);
      int nd = static_cast<int>(dg.d.size());
      if (shortest) p = nd == 0 ? 1 : nd;
      int eprec = p;
      if (eprec > nd && nd >= dg.dp) eprec = nd;
      if (shortest) eprec = 6;
      int exp = dg.dp - 1;
      if (nd == 0) exp = 0;
      if (exp < -4 || exp >= eprec) {
        if (p > nd) p = nd;
        FmtE(dg, p - 1, fmt == 'g' ? 'e' : 'E', &out);
        return out;
      }
      if (p > dg.dp) p = nd;
      FmtF(dg, std::max(p - dg.dp, 0), &out);
      return out;
    }
  }
  return "%" + std::string(1, fmt);
}

namespace {

void AppendHex(std::string* out, uint32_t v, int digits) {
  for (int s = (digits - 1) * 4; s >= 0; s -= 4) out->push_back(kLower[(v >> s) & 0xF]);
}

void QuoteRuneInto(char32_t r, char quote, bool ascii_only, std::string* out) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    uni::AppendRune(out, r);
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && uni::IsPrint(r)) {
      out->push_back(static_cast<char>(r));
      return;
    }
  } else if (uni::IsPrint(r)) {
    uni::AppendRune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out->append("\\a");
      return;
    case '\b':
      out->append("\\b");
      return;
    case '\f':
      out->append("\\f");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    case '\v':
      out->append("\\v");
      return;
  }
  if (r < ' ' || r == 0x7F) {
    out->append("\\x");
    AppendHex(out, r, 2);
    return;
  }
  if (r > uni::kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x10000) {
    out->append("\\u");
    AppendHex(out, r, 4);
  } else {
    out->append("\\U");
    AppendHex(out, r, 8);
  }
}

}  // namespace

void Quote(std::string_view s, bool ascii_only, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    char32_t r = c;
    size_t w = 1;
    if (c >= 0x80) r = uni::DecodeRune(s, i, &w);
    if (w == 1 && r == uni::kRuneError) {
      out->append("\\x");
      AppendHex(out, c, 2);
      ++i;
      continue;
    }
    QuoteRuneInto(r, '"', ascii_only, out);
    i += w;
  }
  out->push_back('"');
}

namespace {

// The state of one fmt print call (Go's pp + fmt).
class Printer {
 public:
  explicit Printer(std::string* out) : buf_(out) {}

  void PrintArg(const Value& arg, char32_t verb) {
    if (arg.kind() == Value::Kind::kInvalid || arg.kind() == Value::Kind::kNil) {
      if (verb == 'T' || verb == 'v') {
        PadString("<nil>");
      } else {
        BadVerb(verb, nullptr);
      }
      return;
    }
    if (verb == 'T') {
      FmtS(arg.TypeName());
      return;
    }
    if (verb == 'p') {  // fmtPointer: an address for slices and maps only
      if (arg.kind() != Value::Kind::kList && arg.kind() != Value::Kind::kMap) {
        BadVerb(verb, &arg);
        return;
      }
      bool old = sharp_;
      sharp_ = !sharp_;  // fmt0x64(u, !sharp): %p has 0x, %#p not
      FmtIntegerBase(arg.Address(), 16, false, 'v', kLower);
      sharp_ = old;
      return;
    }
    PrintValue(arg, verb, 0);
  }

  void DoPrint(std::span<const Value> args) {
    bool prev_string = false;
    for (size_t i = 0; i < args.size(); ++i) {
      bool is_string = args[i].kind() == Value::Kind::kString;
      if (i > 0 && !is_string && !prev_string) buf_->push_back(' ');
      PrintArg(args[i], 'v');
      prev_string = is_string;
    }
  }

  void DoPrintln(std::span<const Value> args) {
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) buf_->push_back(' ');
      PrintArg(args[i], 'v');
    }
    buf_->push_back('\n');
  }

  void DoPrintf(std::string_view format, std::span<const Value> a) {
    size_t end = format.size();
    size_t arg_num = 0;
    bool after_index = false;
    reordered_ = false;
    size_t i = 0;
    while (i < end) {
      good_arg_num_ = true;
      size_t lasti = i;
      while (i < end && format[i] != '%') ++i;
      if (i > lasti) buf_->append(format.data() + lasti, i - lasti);
      if (i >= end) break;
      ++i;
      ClearFlags();
      bool simple_done = false;
      for (; i < end; ++i) {
        char c = format[i];
        if (c == '#') {
          sharp_ = true;
        } else if (c == '0') {
          zero_ = !minus_;
        } else if (c == '+') {
          plus_ = true;
        } else if (c == '-') {
          minus_ = true;
          zero_ = false;
        } else if (c == ' ') {
          space_ = true;
        } else {
          if ('a' <= c && c <= 'z' && arg_num < a.size()) {
            if (c == 'v') {
              sharp_v_ = sharp_;
              sharp_ = false;
              plus_v_ = plus_;
              plus_ = false;
            }
            PrintArg(a[arg_num], static_cast<char32_t>(c));
            ++arg_num;
            ++i;
            simple_done = true;
          }
          break;
        }
      }
      if (simple_done) continue;

      ArgNumber(&arg_num, format, &i, a.size(), &after_index);
      if (i < end && format[i] == '*') {
        ++i;
        IntFromArg(a, &arg_num, &wid_, &wid_present_);
        if (!wid_present_) buf_->append("%!(BADWIDTH)");
        if (wid_ < 0) {
          wid_ = -wid_;
          minus_ = true;
          zero_ = false;
        }
        after_index = false;
      } else {
        ParseNum(format, &i, &wid_, &wid_present_);
        if (after_index && wid_present_) good_arg_num_ = false;
      }
      if (i + 1 < end && format[i] == '.') {
        ++i;
        if (after_index) good_arg_num_ = false;
        ArgNumber(&arg_num, format, &i, a.size(), &after_index);
        if (i < end && format[i] == '*') {
          ++i;
          IntFromArg(a, &arg_num, &prec_, &prec_present_);
          if (prec_ < 0) {
            prec_ = 0;
            prec_present_ = false;
          }
          if (!prec_present_) buf_->append("%!(BADPREC)");
          after_index = false;
        } else {
          ParseNum(format, &i, &prec_, &prec_present_);
          if (!prec_present_) {
            prec_ = 0;
            prec_present_ = true;
          }
        }
      }
      if (!after_index) ArgNumber(&arg_num, format, &i, a.size(), &after_index);
      if (i >= end) {
        buf_->append("%!(NOVERB)");
        break;
      }
      char32_t verb = static_cast<unsigned char>(format[i]);
      size_t size = 1;
      if (verb >= 0x80) verb = uni::DecodeRune(format, i, &size);
      i += size;
      if (verb == '%') {
        buf_->push_back('%');
      } else if (!good_arg_num_) {
        BadArgNum(verb, "BADINDEX");
      } else if (arg_num >= a.size()) {
        BadArgNum(verb, "MISSING");
      } else {
        if (verb == 'v') {
          sharp_v_ = sharp_;
          sharp_ = false;
          plus_v_ = plus_;
          plus_ = false;
        }
        PrintArg(a[arg_num], verb);
        ++arg_num;
      }
    }
    if (!reordered_ && arg_num < a.size()) {
      ClearFlags();
      buf_->append("%!(EXTRA ");
      for (size_t k = arg_num; k < a.size(); ++k) {
        if (k > arg_num) buf_->append(", ");
        const Value& arg = a[k];
        if (arg.kind() == Value::Kind::kInvalid || arg.kind() == Value::Kind::kNil) {
          buf_->append("<nil>");
        } else {
          buf_->append(arg.TypeName());
          buf_->push_back('=');
          PrintArg(arg, 'v');
        }
      }
      buf_->push_back(')');
    }
  }

 private:
  void ClearFlags() {
    plus_ = minus_ = sharp_ = space_ = zero_ = plus_v_ = sharp_v_ = false;
    wid_present_ = prec_present_ = false;
    wid_ = prec_ = 0;
  }

  static bool TooLarge(int64_t x) { return x > kMaxPad || x < -kMaxPad; }

  void ParseNum(std::string_view s, size_t* i, int* num, bool* isnum) {
    *num = 0;
    *isnum = false;
    if (*i >= s.size()) return;
    size_t k = *i;
    for (; k < s.size() && s[k] >= '0' && s[k] <= '9'; ++k) {
      if (TooLarge(*num)) {
        *num = 0;
        *isnum = false;
        *i = s.size();
        return;
      }
      *num = *num * 10 + (s[k] - '0');
      *isnum = true;
    }
    *i = k;
  }

  void ArgNumber(size_t* arg_num, std::string_view format, size_t* i, size_t num_args,
                 bool* found) {
    *found = false;
    if (format.size() <= *i || format[*i] != '[') return;
    reordered_ = true;
    std::string_view f = format.substr(*i);
    // parseArgNumber
    int index = 0;
    size_t wid = 1;
    bool ok = false;
    if (f.size() >= 3) {
      for (size_t k = 1; k < f.size(); ++k) {
        if (f[k] == ']') {
          size_t p = 1;
          int width;
          bool isnum;
          std::string_view inner = f.substr(0, k);
          ParseNum(inner, &p, &width, &isnum);
          if (!isnum || p != k) {
            index = 0;
            wid = k + 1;
            ok = false;
          } else {
            index = width - 1;
            wid = k + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && 0 <= index && static_cast<size_t>(index) < num_args) {
      *arg_num = static_cast<size_t>(index);
      *i += wid;
      *found = true;
      return;
    }
    good_arg_num_ = false;
    *i += wid;
    *found = ok;
  }

  void IntFromArg(std::span<const Value> a, size_t* arg_num, int* num, bool* is_int) {
    *num = 0;
    *is_int = false;
    if (*arg_num < a.size()) {
      const Value& v = a[*arg_num];
      if (v.is_int()) {
        int64_t n = v.as_int();
        if (n >= INT32_MIN && n <= INT32_MAX) {
          *num = static_cast<int>(n);
          *is_int = true;
        }
      } else if (v.is_uint() && v.as_uint() <= INT32_MAX) {
        *num = static_cast<int>(v.as_uint());
        *is_int = true;
      }
      ++*arg_num;
      if (TooLarge(*num)) {
        *num = 0;
        *is_int = false;
      }
    }
  }

  void BadArgNum(char32_t verb, const char* what) {
    buf_->append("%!");
    uni::AppendRune(buf_, verb);
    buf_->push_back('(');
    buf_->append(what);
    buf_->push_back(')');
  }

  // arg == nullptr: a nil argument.
  void BadVerb(char32_t verb, const Value* arg) {
    buf_->append("%!");
    uni::AppendRune(buf_, verb);
    buf_->push_back('(');
    if (arg != nullptr && arg->valid() && !arg->is_nil()) {
      buf_->append(arg->TypeName());
      buf_->push_back('=');
      PrintValue(*arg, 'v', 0);
    } else {
      buf_->append("<nil>");
    }
    buf_->push_back(')');
  }

  void WritePadding(int n) {
    if (n <= 0) return;
    buf_->append(static_cast<size_t>(n), zero_ ? '0' : ' ');
  }
  void Pad(std::string_view b) {
    if (!wid_present_ || wid_ == 0) {
      buf_->append(b);
      return;
    }
    int width = wid_ - static_cast<int>(uni::RuneCount(b));
    if (!minus_) {
      WritePadding(width);
      buf_->append(b);
    } else {
      buf_->append(b);
      WritePadding(width);
    }
  }
  void PadString(std::string_view s) { Pad(s); }

  std::string_view Truncate(std::string_view s) {
    if (prec_present_) {
      int n = prec_;
      for (size_t i = 0; i < s.size();) {
        n--;
        if (n < 0) return s.substr(0, i);
        size_t w = 1;
        if (static_cast<unsigned char>(s[i]) >= 0x80) uni::DecodeRune(s, i, &w);
        i += w;
      }
    }
    return s;
  }
  void FmtS(std::string_view s) { PadString(Truncate(s)); }

  void FmtSx(std::string_view s, const char* digits) {
    int length = static_cast<int>(s.size());
    if (prec_present_ && prec_ < length) length = prec_;
    int width = 2 * length;
    if (width > 0) {
      if (space_) {
        if (sharp_) width *= 2;
        width += length - 1;
      } else if (sharp_) {
        width += 2;
      }
    } else {
      if (wid_present_) WritePadding(wid_);
      return;
    }
    if (wid_present_ && wid_ > width && !minus_) WritePadding(wid_ - width);
    if (sharp_) {
      buf_->push_back('0');
      buf_->push_back(digits[16]);
    }
    for (int i = 0; i < length; ++i) {
      if (space_ && i > 0) {
        buf_->push_back(' ');
        if (sharp_) {
          buf_->push_back('0');
          buf_->push_back(digits[16]);
        }
      }
      unsigned char c = s[i];
      buf_->push_back(digits[c >> 4]);
      buf_->push_back(digits[c & 0xF]);
    }
    if (wid_present_ && wid_ > width && minus_) WritePadding(wid_ - width);
  }

  static bool CanBackquote(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      unsigned char c = s[i];
      if (c >= 0x80) {
        size_t w;
        char32_t r = uni::DecodeRune(s, i, &w);
        if (w > 1) {
          if (r == 0xFEFF) return false;
          i += w;
          continue;
        }
        return false;  // invalid UTF-8
      }
      if ((c < ' ' && c != '\t') || c == '`' || c == 0x7F) return false;
      ++i;
    }
    return true;
  }

  void FmtQ(std::string_view s) {
    s = Truncate(s);
    if (sharp_ && CanBackquote(s)) {
      std::string q = "`";
      q.append(s);
      q.push_back('`');
      PadString(q);
      return;
    }
    std::string q;
    Quote(s, plus_, &q);
    Pad(q);
  }

  // v: the value for a bad verb's "%!x(string=...)" (nullptr: made from s).
  void FmtString(std::string_view s, char32_t verb, const Value* v) {
    switch (verb) {
      case 'v':
        if (sharp_v_) {
          FmtQ(s);
        } else {
          FmtS(s);
        }
        return;
      case 's':
        FmtS(s);
        return;
      case 'x':
        FmtSx(s, kLower);
        return;
      case 'X':
        FmtSx(s, kUpper);
        return;
      case 'q':
        FmtQ(s);
        return;
      default:
        if (v != nullptr) {
          BadVerb(verb, v);
        } else {
          Value tmp = Value::String(std::string(s));
          BadVerb(verb, &tmp);
        }
    }
  }

  void FmtBool(bool b, char32_t verb, const Value& v) {
    if (verb == 't' || verb == 'v') {
      PadString(b ? "true" : "false");
    } else {
      BadVerb(verb, &v);
    }
  }

  void FmtIntegerBase(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits) {
    bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = -u;
    int prec = 0;
    if (prec_present_) {
      prec = prec_;
      if (prec == 0 && u == 0) {
        bool old = zero_;
        zero_ = false;
        WritePadding(wid_);
        zero_ = old;
        return;
      }
    } else if (zero_ && wid_present_) {
      prec = wid_;
      if (negative || plus_ || space_) prec--;
    }
    char tmp[80];
    std::string big;
    char* buf = tmp;
    size_t len = sizeof(tmp);
    if (static_cast<size_t>(prec) + 8 > len) {
      big.resize(static_cast<size_t>(prec) + 8);
      buf = big.data();
      len = big.size();
    }
    size_t i = len;
    while (u >= static_cast<uint64_t>(base)) {
      buf[--i] = digits[u % base];
      u /= base;
    }
    buf[--i] = digits[u];
    while (i > 0 && static_cast<size_t>(prec) > len - i) buf[--i] = '0';
    if (sharp_) {
      switch (base) {
        case 2:
          buf[--i] = 'b';
          buf[--i] = '0';
          break;
        case 8:
          if (buf[i] != '0') buf[--i] = '0';
          break;
        case 16:
          buf[--i] = digits[16];
          buf[--i] = '0';
          break;
      }
    }
    if (verb == 'O') {
      buf[--i] = 'o';
      buf[--i] = '0';
    }
    if (negative) {
      buf[--i] = '-';
    } else if (plus_) {
      buf[--i] = '+';
    } else if (space_) {
      buf[--i] = ' ';
    }
    bool old = zero_;
    zero_ = false;
    Pad(std::string_view(buf + i, len - i));
    zero_ = old;
  }

  void FmtUnicode(uint64_t u) {
    std::string s;
    int prec = 4;
    if (prec_present_ && prec_ > 4) prec = prec_;
    char hex[32];
    int n = 0;
    uint64_t x = u;
    do {
      hex[n++] = kUpper[x & 0xF];
      x >>= 4;
    } while (x != 0);
    s = "U+";
    for (int k = n; k < prec; ++k) s.push_back('0');
    while (n > 0) s.push_back(hex[--n]);
    if (sharp_ && u <= uni::kMaxRune && uni::IsPrint(static_cast<char32_t>(u))) {
      s.append(" '");
      uni::AppendRune(&s, static_cast<char32_t>(u));
      s.push_back('\'');
    }
    bool old = zero_;
    zero_ = false;
    Pad(s);
    zero_ = old;
  }

  // fmt's fmtInteger for int kinds and (is_signed false) uint kinds.
  void FmtInteger(const Value& v, char32_t verb) {
    bool is_signed = !v.is_uint();
    uint64_t u = is_signed ? static_cast<uint64_t>(v.as_int()) : v.as_uint();
    switch (verb) {
      case 'v':
        if (sharp_v_ && !is_signed) {  // fmt0x64: %#v of an unsigned is 0x hex
          bool old = sharp_;
          sharp_ = true;
          FmtIntegerBase(u, 16, false, verb, kLower);
          sharp_ = old;
          return;
        }
        FmtIntegerBase(u, 10, is_signed, verb, kLower);
        return;
      case 'd':
        FmtIntegerBase(u, 10, is_signed, verb, kLower);
        return;
      case 'b':
        FmtIntegerBase(u, 2, is_signed, verb, kLower);
        return;
      case 'o':
      case 'O':
        FmtIntegerBase(u, 8, is_signed, verb, kLower);
        return;
      case 'x':
        FmtIntegerBase(u, 16, is_signed, verb, kLower);
        return;
      case 'X':
        FmtIntegerBase(u, 16, is_signed, verb, kUpper);
        return;
      case 'c': {
        char32_t r = u > uni::kMaxRune ? uni::kRuneError : static_cast<char32_t>(u);
        std::string s;
        uni::AppendRune(&s, r);
        Pad(s);
        return;
      }
      case 'q': {
        char32_t r = u > uni::kMaxRune ? uni::kRuneError : static_cast<char32_t>(u);
        std::string s = "'";
        if (r > uni::kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = uni::kRuneError;
        QuoteRuneInto(r, '\'', plus_, &s);
        s.push_back('\'');
        Pad(s);
        return;
      }
      case 'U':
        FmtUnicode(u);
        return;
      default:
        BadVerb(verb, &v);
    }
  }

  void FmtFloatVerb(const Value& v, char32_t verb) {
    switch (verb) {
      case 'v':
        FmtFloat(v.as_float(), 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        FmtFloat(v.as_float(), static_cast<char>(verb), -1);
        return;
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        FmtFloat(v.as_float(), static_cast<char>(verb), 6);
        return;
      default:
        BadVerb(verb, &v);
    }
  }

  void FmtComplex(const Value& v, char32_t verb) {
    switch (verb) {
      case 'v':
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'f':
      case 'F':
      case 'e':
      case 'E': {
        bool old_plus = plus_;
        buf_->push_back('(');
        FmtFloatVerb(Value::Float(v.real()), verb);
        plus_ = true;  // the imaginary part always has a sign
        FmtFloatVerb(Value::Float(v.imag()), verb);
        buf_->append("i)");
        plus_ = old_plus;
        return;
      }
      default:
        BadVerb(verb, &v);
    }
  }

  void FmtFloat(double v, char verb, int prec) {
    if (prec_present_) prec = prec_;
    std::string num = "+" + FormatFloat(v, verb == 'F' ? 'f' : verb, prec);
    if (num[1] == '-' || num[1] == '+') {
      num.erase(0, 1);
    } else {
      num[0] = '+';
    }
    if (space_ && num[0] == '+' && !plus_) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = zero_;
      zero_ = false;
      if (num[1] == 'N' && !space_ && !plus_) num.erase(0, 1);
      Pad(num);
      zero_ = old;
      return;
    }
    if (sharp_ && verb != 'b') {
      int digits = 0;
      if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
        digits = prec;
        if (digits == -1) digits = 6;
      }
      std::string tail;
      bool has_point = false, saw_nonzero = false;
      for (size_t i = 1; i < num.size(); ++i) {
        char c = num[i];
        if (c == '.') {
          has_point = true;
        } else if (c == 'p' || c == 'P') {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else if ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X') {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else {
          if (c != '0') saw_nonzero = true;
          if (saw_nonzero) digits--;
        }
      }
      if (!has_point) {
        if (num.size() == 2 && num[1] == '0') digits--;
        num.push_back('.');
      }
      while (digits > 0) {
        num.push_back('0');
        digits--;
      }
      num += tail;
    }
    if (plus_ || num[0] != '+') {
      if (zero_ && wid_present_ && wid_ > static_cast<int>(num.size())) {
        buf_->push_back(num[0]);
        WritePadding(wid_ - static_cast<int>(num.size()));
        buf_->append(num, 1);
        return;
      }
      Pad(num);
      return;
    }
    Pad(std::string_view(num).substr(1));
  }

  void PrintScalar(const Value& v, char32_t verb) {
    switch (v.kind()) {
      case Value::Kind::kInvalid:
      case Value::Kind::kNil:
        buf_->append(sharp_v_ ? "interface {}(nil)" : "<nil>");
        return;
      case Value::Kind::kBool:
        FmtBool(v.as_bool(), verb, v);
        return;
      case Value::Kind::kInt:
      case Value::Kind::kInt64:
      case Value::Kind::kUint:
        FmtInteger(v, verb);
        return;
      case Value::Kind::kFloat:
        FmtFloatVerb(v, verb);
        return;
      case Value::Kind::kComplex:
        FmtComplex(v, verb);
        return;
      case Value::Kind::kString:
        FmtString(v.as_string(), verb, &v);
        return;
      case Value::Kind::kList:
      case Value::Kind::kMap:
        return;  // PrintValue's
    }
  }

  // Iterative (an explicit work stack), so that deeply nested data needs no native stack.
  void PrintValue(const Value& root, char32_t verb, int depth) {
    if (root.kind() != Value::Kind::kList && root.kind() != Value::Kind::kMap) {
      PrintScalar(root, verb);  // no work stack (and no allocation) for the usual scalar
      return;
    }
    struct Item {
      const Value* v = nullptr;          // a value to print, or
      const char* lit = nullptr;         // literal text, or
      const std::string* key = nullptr;  // a map key
    };
    std::vector<Item> work;
    work.push_back({&root, nullptr, nullptr});
    while (!work.empty()) {
      Item it = work.back();
      work.pop_back();
      if (it.lit != nullptr) {
        buf_->append(it.lit);
        continue;
      }
      if (it.key != nullptr) {
        FmtString(*it.key, verb, nullptr);
        continue;
      }
      const Value& v = *it.v;
      switch (v.kind()) {
        case Value::Kind::kInvalid:
        case Value::Kind::kNil:
        case Value::Kind::kBool:
        case Value::Kind::kInt:
        case Value::Kind::kInt64:
        case Value::Kind::kUint:
        case Value::Kind::kFloat:
        case Value::Kind::kComplex:
        case Value::Kind::kString:
          PrintScalar(v, verb);
          break;
        case Value::Kind::kList: {
          const auto& l = v.as_list();
          if (sharp_v_) {
            buf_->append(v.TypeName());  // []interface {} or []string
            buf_->push_back('{');
          } else {
            buf_->push_back('[');
          }
          work.push_back({nullptr, sharp_v_ ? "}" : "]", nullptr});
          for (size_t i = l.size(); i-- > 0;) {
            work.push_back({&l[i], nullptr, nullptr});
            if (i > 0) work.push_back({nullptr, sharp_v_ ? ", " : " ", nullptr});
          }
          break;
        }
        case Value::Kind::kMap: {
          const auto& m = v.as_map();
          buf_->append(sharp_v_ ? "map[string]interface {}{" : "map[");
          work.push_back({nullptr, sharp_v_ ? "}" : "]", nullptr});
          for (size_t i = m.size(); i-- > 0;) {
            work.push_back({&m[i].second, nullptr, nullptr});
            work.push_back({nullptr, ":", nullptr});
            work.push_back({nullptr, nullptr, &m[i].first});
            if (i > 0) work.push_back({nullptr, sharp_v_ ? ", " : " ", nullptr});
          }
          break;
        }
      }
    }
  }

  std::string* buf_;
  bool plus_ = false, minus_ = false, sharp_ = false, space_ = false, zero_ = false;
  bool plus_v_ = false, sharp_v_ = false;
  bool wid_present_ = false, prec_present_ = false;
  int wid_ = 0, prec_ = 0;
  bool reordered_ = false, good_arg_num_ = true;
};

}  // namespace

void Sprint(std::span<const Value> args, std::string* out) { Printer(out).DoPrint(args); }
void Sprintln(std::span<const Value> args, std::string* out) { Printer(out).DoPrintln(args); }
void Sprintf(std::string_view format, std::span<const Value> args, std::string* out) {
  Printer(out).DoPrintf(format, args);
}

void Print(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kString:
      out->append(v.as_string());
      return;
    case Value::Kind::kInt:
    case Value::Kind::kInt64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.as_int());
      out->append(buf, r.ptr);
      return;
    }
    case Value::Kind::kUint: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.as_uint());
      out->append(buf, r.ptr);
      return;
    }
    case Value::Kind::kBool:
      out->append(v.as_bool() ? "true" : "false");
      return;
    case Value::Kind::kFloat: {
      // %v of a float64 is strconv's shortest 'g' with exponent threshold 21... for integral
      // values below 1e6 (an exponent < 6 whatever the digits), the plain integer: ports,
      // counts. -0 keeps its sign.
      double f = v.as_float();
      if (f > -1e6 && f < 1e6 && f == static_cast<double>(static_cast<int64_t>(f)) &&
          !(f == 0 && std::signbit(f))) {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(f));
        out->append(buf, r.ptr);
        return;
      }
      Value one[1] = {v};
      Printer(out).DoPrint(one);
      return;
    }
    default: {
      Value one[1] = {v};
      Printer(out).DoPrint(one);
    }
  }
}

}  // namespace vs::tmpl::gofmt
