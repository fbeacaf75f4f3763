#include "kpi/path_rules.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vs::kpi {
namespace {

#if defined(__SSE2__)
// For 16 bytes: bit i of *kept is set when byte i is kept as it is, bit i of *dot when it is '.'.
// Signed byte compares: bytes >= 0x80 are negative and fall outside every range, as they must.
inline void Classify(__m128i c, unsigned* kept, unsigned* dot) {
  // '0'-'9' and ':' are adjacent; OR-ing 0x20 folds 'A'-'Z' onto 'a'-'z' (and '@' onto '`',
  // which is why '@' is tested on its own and '`' never passes).
  const __m128i folded = _mm_or_si128(c, _mm_set1_epi8(0x20));
  __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                             _mm_cmpgt_epi8(_mm_set1_epi8(':' + 1), c));
  ok = _mm_or_si128(ok, _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                      _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), folded)));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(c, _mm_set1_epi8('_')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(c, _mm_set1_epi8('-')));
  const __m128i dots = _mm_cmpeq_epi8(c, _mm_set1_epi8('.'));
  *dot = static_cast<unsigned>(_mm_movemask_epi8(dots));
  *kept = static_cast<unsigned>(_mm_movemask_epi8(ok));
  if ((*kept | *dot) == 0xFFFF) return;  // names are nearly always [A-Za-z0-9_.-]: done
  // The rarer kept bytes, written out rather than looped so the constants stay constants.
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(c, _mm_set1_epi8('#')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(c, _mm_set1_epi8('@')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(c, _mm_set1_epi8('%')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(c, _mm_set1_epi8('+')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(c, _mm_set1_epi8('=')));
  *kept = static_cast<unsigned>(_mm_movemask_epi8(ok));
}

template <typename T>
inline T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
inline void Store(char* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}
#endif

bool CopyIfCleanScalar(const uint8_t* in, size_t n, char* out, bool dots) {
  unsigned prev_dot = 0;
  for (size_t i = 0; i < n; ++i) {
    const unsigned dot = in[i] == '.';
    if (dot ? (!dots || prev_dot) : !IsPathByte(in[i])) return false;
    prev_dot = dot;
    out[i] = static_cast<char>(in[i]);
  }
  return true;
}

}  // namespace

bool CopyIfClean(const uint8_t* in, size_t n, char* out, bool dots) {
  if (n == 0) return true;
  if (dots && (in[0] == '.' || in[n - 1] == '.')) return false;
#if defined(__SSE2__)
  const unsigned dot_ok = dots ? 0xFFFF : 0;
  unsigned kept, dot;
  if (n >= 16) {
    // 16-byte blocks; the last one overlaps its predecessor instead of reading past the end.
    unsigned carry = 0;  // the byte before the block was a '.'
    for (size_t i = 0; i < n;) {
      size_t at = i + 16 <= n ? i : n - 16;
      if (at != i) carry = 0;  // an overlapping block: its first pair was checked already
      __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + at));
      Classify(c, &kept, &dot);
      if ((kept | (dot & dot_ok)) != 0xFFFF) return false;
      if (dot & ((dot << 1) | carry)) return false;  // two dots in a row
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at), c);
      carry = dot >> 15;
      i = at + 16;
    }
    return true;
  }
  if (n >= 4) {
    // Two overlapping loads cover the n bytes: lanes 0-7 hold bytes 0-7 and lanes 8-15 bytes
    // n-8..n-1 (8 <= n < 16), or lanes 0-3 bytes 0-3 and 4-7 bytes n-4..n-1 (4 <= n < 8).
    const bool wide = n >= 8;
    __m128i c;
    if (wide) {
      c = _mm_set_epi64x(Load<int64_t>(in + n - 8), Load<int64_t>(in));
    } else {
      c = _mm_set_epi32(0, 0, Load<int32_t>(in + n - 4), Load<int32_t>(in));
    }
    Classify(c, &kept, &dot);
    const unsigned lanes = wide ? 0xFFFF : 0xFF;
    if (((kept | (dot & dot_ok)) & lanes) != lanes) return false;
    if (dot) {
      const unsigned half = wide ? 8 : 4;
      const unsigned low = (1u << half) - 1;
      const unsigned bytes = (dot & low) | (((dot >> half) & low) << (n - half));
      if (bytes & (bytes << 1)) return false;
    }
    if (wide) {
      Store(out, Load<int64_t>(in));
      Store(out + n - 8, Load<int64_t>(in + n - 8));
    } else {
      Store(out, Load<int32_t>(in));
      Store(out + n - 4, Load<int32_t>(in + n - 4));
    }
    return true;
  }
#endif
  return CopyIfCleanScalar(in, n, out, dots);
}

// Empty components to drop, or near the limit where the exact length matters (dropped dots do
// not count): component by component, and AppendComponent decides.
void PathBuilder::AppendLevelsSlow(std::string_view dotted) {
  while (!dotted.empty() && !too_long_) {
    const void* dot = std::memchr(dotted.data(), '.', dotted.size());
    size_t n =
        dot ? static_cast<size_t>(static_cast<const char*>(dot) - dotted.data()) : dotted.size();
    AppendComponent(dotted.substr(0, n));
    dotted.remove_prefix(dot ? n + 1 : n);
  }
}

std::string NormalizePath(std::string_view dotted) {
  PathBuilder b;
  b.AppendLevels(dotted);
  if (b.too_long()) return {};
  return std::string(b.view());
}

}  // namespace vs::kpi
