// CopySmall: memcpy for the short strings of the per-datapoint hot path (Graphite paths of
// 20-100 bytes), inline. A call to libc's memcpy for each of them (twice per datapoint: into
// the batch, then into the frame) was ~7% of shovel's main-thread CPU samples: the call, its
// size dispatch and its return cost more than moving 30 bytes.
#pragma once

#include <cstddef>
#include <cstring>

namespace vs {

// The first and the last kWidth of n bytes (kWidth <= n <= 2 * kWidth), which together cover
// all n: two fixed-size moves the compiler turns into register loads and stores.
template <size_t kWidth>
inline void CopyEnds(char* dst, const char* src, size_t n) {
  char head[kWidth], tail[kWidth];
  std::memcpy(head, src, kWidth);
  std::memcpy(tail, src + n - kWidth, kWidth);
  std::memcpy(dst, head, kWidth);
  std::memcpy(dst + n - kWidth, tail, kWidth);
}

// Copies n bytes from src to dst (which must not overlap), never touching a byte outside
// [src, src + n) or [dst, dst + n): overlapping fixed-size moves for up to 32 bytes, libc
// above that.
inline void CopySmall(char* dst, const char* src, size_t n) {
  if (n > 32) {
    std::memcpy(dst, src, n);
  } else if (n >= 16) {
    CopyEnds<16>(dst, src, n);
  } else if (n >= 8) {
    CopyEnds<8>(dst, src, n);
  } else if (n >= 4) {
    CopyEnds<4>(dst, src, n);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

}  // namespace vs
