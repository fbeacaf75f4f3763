// UTF-8 checks for names that go to Graphite and Kafka (paths, metric names, device fields).
// Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace vs {

// True when every byte of `s` is below 0x80.
inline bool IsAscii(std::string_view s) {
  // Every path of every point passes here; paths are almost always sanitised ASCII of 20-100
  // bytes, so the whole path is OR-ed together in 8-byte words (the last one overlapping) and
  // tested once, instead of a branch per word.
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= 8) {
    uint64_t acc = 0, w;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&w, p + i, 8);
      acc |= w;
    }
    std::memcpy(&w, p + n - 8, 8);
    return ((acc | w) & 0x8080808080808080ULL) == 0;
  }
  unsigned acc = 0;
  for (size_t i = 0; i < n; ++i) acc |= static_cast<unsigned char>(p[i]);
  return acc < 0x80;
}

// The multi-byte part of IsValidUtf8, out of line.
bool IsValidUtf8Slow(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). The
// ASCII check is inline: names are nearly always ASCII, and some callers check every datapoint.
inline bool IsValidUtf8(std::string_view s) { return IsAscii(s) || IsValidUtf8Slow(s); }

}  // namespace vs
