#include "tmpl/unicode.h"

#include <algorithm>
#include <iterator>

namespace vs::tmpl::uni {
namespace {

struct RuneRange {
  char32_t lo, hi;
};
struct RuneMap {
  char32_t from, to;
};

#include "tmpl/unicode_tables.inc"

template <size_t N>
bool InRanges(const RuneRange (&table)[N], char32_t r) {
  auto it = std::upper_bound(std::begin(table), std::end(table), r,
                             [](char32_t v, const RuneRange& rr) { return v < rr.lo; });
  if (it == std::begin(table)) return false;
  --it;
  return r <= it->hi;
}

template <size_t N>
char32_t Mapped(const RuneMap (&table)[N], char32_t r) {
  auto it = std::lower_bound(std::begin(table), std::end(table), r,
                             [](const RuneMap& m, char32_t v) { return m.from < v; });
  if (it != std::end(table) && it->from == r) return it->to;
  return r;
}

}  // namespace

bool IsLetter(char32_t r) {
  if (r < 0x80) return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
  return InRanges(kLetter, r);
}
bool IsDigit(char32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return InRanges(kDigit, r);
}
bool IsPrint(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  return InRanges(kPrint, r);
}
bool IsSpace(char32_t r) {
  if (r < 0x80) return r == ' ' || (r >= '\t' && r <= '\r');
  return InRanges(kSpace, r);
}
char32_t ToUpper(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  return Mapped(kUpper, r);
}
char32_t ToLower(char32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  return Mapped(kLower, r);
}
char32_t ToTitle(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  return Mapped(kTitle, r);
}

char32_t DecodeRune(std::string_view s, size_t i, size_t* width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  size_t n = s.size() - i;
  unsigned char c0 = b(i);
  *width = 1;
  if (c0 < 0x80) return c0;
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (n >= 2 && cont(i + 1)) {
      *width = 2;
      return ((c0 & 0x1F) << 6) | (b(i + 1) & 0x3F);
    }
    return kRuneError;
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (n < 3 || !cont(i + 1) || !cont(i + 2)) return kRuneError;
    unsigned char c1 = b(i + 1);
    if (c0 == 0xE0 && c1 < 0xA0) return kRuneError;
    if (c0 == 0xED && c1 > 0x9F) return kRuneError;  // surrogates
    *width = 3;
    return ((c0 & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (b(i + 2) & 0x3F);
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (n < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return kRuneError;
    unsigned char c1 = b(i + 1);
    if (c0 == 0xF0 && c1 < 0x90) return kRuneError;
    if (c0 == 0xF4 && c1 > 0x8F) return kRuneError;
    *width = 4;
    return ((c0 & 0x07) << 18) | ((c1 & 0x3F) << 12) | ((b(i + 2) & 0x3F) << 6) | (b(i + 3) & 0x3F);
  }
  return kRuneError;
}

void AppendRune(std::string* out, char32_t r) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
    return;
  }
  if (r > kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t w;
    DecodeRune(s, i, &w);
    i += w;
  }
  return n;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t w;
    if (DecodeRune(s, i, &w) == kRuneError && w == 1) return false;
    i += w;
  }
  return true;
}

}  // namespace vs::tmpl::uni
