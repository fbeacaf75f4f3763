// CopySmall: memcpy for the short strings of the per-datapoint hot path (Graphite paths of
// 20-100 bytes), inline. A call to libc's memcpy for each of them (twice per datapoint: into
// the batch, then into the frame) was ~7% of shovel's main-thread CPU samples: the call, its
// size dispatch and its return cost more than moving 30 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vs {

// Copies n bytes from src to dst (which must not overlap), never touching a byte outside
// [src, src + n) or [dst, dst + n): overlapping fixed-size moves for up to 32 bytes, libc
// above that.
inline void CopySmall(char* dst, const char* src, size_t n) {
  if (n >= 16) {
    if (n > 32) {
      std::memcpy(dst, src, n);
      return;
    }
    char a[16], b[16];
    std::memcpy(a, src, 16);
    std::memcpy(b, src + n - 16, 16);
    std::memcpy(dst, a, 16);
    std::memcpy(dst + n - 16, b, 16);
  } else if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

}  // namespace vs
