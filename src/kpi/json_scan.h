// A strict, single-pass JSON reader for the message parser's fast path (internal to kpi).
//
// CONTRACT: it reads only a subset of JSON and says "bail" (returns false) for everything
// else. When a whole document was read without a bail, the document is valid JSON (RFC 8259)
// and every number read has the value simdjson's DOM gives it. The subset: strings of
// printable ASCII without escapes; numbers that convert without overflow or underflow, except
// a negative zero; nesting up to kMaxSkipDepth inside skipped values. Anything outside it
// (escapes, UTF-8, 1e400, -0, deep values, invalid JSON) is a bail, after which the caller
// runs the full simdjson parser, which validates, unescapes and decides. The reader never reads
// outside the given bytes and never allocates.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vs::kpi {

// mantissa / 10^fraction, negated when asked, for at most 15 significant digits (mantissa <
// 10^15) and fraction <= 15: both are exact doubles, so one correctly rounded division gives
// the correctly rounded value (Clinger's fast path). Shared by the JSON and plaintext readers.
inline double ExactDecimal(uint64_t mantissa, size_t fraction, bool negative) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  double v = static_cast<double>(mantissa);
  if (fraction > 0) v /= kPow10[fraction];
  return negative ? -v : v;
}

class JsonScan {
 public:
  static constexpr int kMaxSkipDepth = 32;

  explicit JsonScan(std::string_view doc) : p_(doc.data()), end_(doc.data() + doc.size()) {}

  // Skips whitespace; true (and consumed) when the next byte is c (never whitespace itself).
  bool Consume(char c) {
    // Producers send compact JSON: the next byte decides, without the whitespace loop.
    if (p_ < end_) {
      if (*p_ == c) {
        ++p_;
        return true;
      }
      if (!MaybeSpace(*p_)) return false;
    }
    SkipSpace();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // True when only whitespace is left.
  bool AtEnd() {
    SkipSpace();
    return p_ == end_;
  }
  // Skips whitespace; the next byte, or -1 at the end.
  int Peek() {
    if (p_ < end_ && !MaybeSpace(*p_)) return static_cast<unsigned char>(*p_);
    SkipSpace();
    return p_ < end_ ? static_cast<unsigned char>(*p_) : -1;
  }

  // A string (after whitespace); *s is its raw bytes, which need no unescaping.
  bool String(std::string_view* s) {
    if (!Consume('"')) return false;
    const char* start = p_;
#if defined(__SSE2__)
    while (end_ - p_ >= 16) {
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
      // Signed compare: bytes >= 0x80 are negative, so one test finds controls and non-ASCII.
      const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('"')),
                                                     _mm_cmpeq_epi8(c, _mm_set1_epi8('\\'))),
                                        _mm_cmplt_epi8(c, _mm_set1_epi8(0x20)));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
      if (mask != 0) {
        p_ += __builtin_ctz(mask);
        return EndString(start, s);
      }
      p_ += 16;
    }
#endif
    const char* p = p_;
    while (p < end_ && IsPlainStringByte(*p)) ++p;
    p_ = p;
    return EndString(start, s);
  }

  // A key and its colon.
  bool Key(std::string_view* key) { return String(key) && Consume(':'); }

  // A number (after whitespace).
  bool Number(double* out) {
    SkipSpace();
    // Locals, not p_: a char read may alias the member, which would be reloaded every byte.
    const char* p = p_;
    const char* const end = end_;
    const char* const start = p;
    const bool negative = p < end && *p == '-';
    if (negative) ++p;
    // The mantissa wraps past 19 digits; it is only used with 15 digits or fewer.
    uint64_t mantissa = 0;
    const char* const first = p;
    if (p < end && *p == '0') {
      ++p;
    } else {
      p = Digits(p, end, &mantissa);
      if (p == first) return false;
    }
    size_t digits = static_cast<size_t>(p - first), fraction = 0;
    if (p < end && *p == '.') {
      const char* const f = ++p;
      p = Digits(p, end, &mantissa);
      fraction = static_cast<size_t>(p - f);
      if (fraction == 0) return false;
      digits += fraction;
    }
    bool exponent = false;
    if (p < end && (*p == 'e' || *p == 'E')) {
      exponent = true;
      ++p;
      if (p < end && (*p == '+' || *p == '-')) ++p;
      if (p == end || !IsDigit(*p)) return false;
      while (p < end && IsDigit(*p)) ++p;
    }
    p_ = p;
    if (!exponent && digits <= 15) {
      if (negative && mantissa == 0) return false;  // -0: let simdjson decide
      *out = ExactDecimal(mantissa, fraction, negative);
      return true;
    }
    // Correctly rounded like simdjson; out of range (overflow, underflow, subnormal) and any
    // negative zero bail.
    auto r = std::from_chars(start, p, *out, std::chars_format::general);
    return r.ec == std::errc() && r.ptr == p && !(negative && *out == 0);
  }

  // A number, or any other value (skipped): *is_number says which.
  bool NumberOrOther(bool* is_number, double* out) {
    const int c = Peek();
    *is_number = c == '-' || (c >= '0' && c <= '9');
    return *is_number ? Number(out) : SkipValue(0);
  }

  // A string or null: a string sets *s, null leaves it as it is.
  bool StringOrNull(std::string_view* s) { return Peek() == '"' ? String(s) : Literal("null"); }

  // True when the next value is null (consumed).
  bool Null() { return Peek() == 'n' && Literal("null"); }

  // Reads and drops any value.
  bool SkipValue(int depth) {
    std::string_view unused_s;
    double unused_d;
    switch (Peek()) {
      case '"':
        return String(&unused_s);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      case '{':
        if (depth >= kMaxSkipDepth) return false;
        ++p_;
        if (Consume('}')) return true;
        do {
          if (!Key(&unused_s) || !SkipValue(depth + 1)) return false;
        } while (Consume(','));
        return Consume('}');
      case '[':
        if (depth >= kMaxSkipDepth) return false;
        ++p_;
        if (Consume(']')) return true;
        do {
          if (!SkipValue(depth + 1)) return false;
        } while (Consume(','));
        return Consume(']');
      default:
        return Number(&unused_d);
    }
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  // False for every byte that is not JSON whitespace, with one compare: they are all <= ' '.
  static bool MaybeSpace(char c) { return static_cast<unsigned char>(c) <= ' '; }
  // Reads the digits at p into *mantissa (which wraps past 19 digits) and returns the first
  // byte after them. (An eight-at-a-time SWAR version ran more instructions on the usual 1-10
  // digit numbers: callgrind, shape 1, 5,680 -> 6,101 per message.)
  static const char* Digits(const char* p, const char* end, uint64_t* mantissa) {
    uint64_t m = *mantissa;
    for (; p < end; ++p) {
      // One unsigned compare per byte, and no sign extension of the digit.
      const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
      if (d > 9) break;
      m = m * 10 + d;
    }
    *mantissa = m;
    return p;
  }
  static bool IsPlainStringByte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  }
  bool EndString(const char* start, std::string_view* s) {
    if (p_ == end_ || *p_ != '"') return false;  // escape, control, non-ASCII or unterminated
    *s = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }
  void SkipSpace() {
    if (p_ < end_ && !MaybeSpace(*p_)) return;
    const char* p = p_;
    while (p < end_ && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    p_ = p;
  }
  bool Literal(std::string_view word) {
    SkipSpace();
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace vs::kpi
