// The Graphite path rules shared by every input shape (docs/KPI_FORMATS.md):
//  - a path is a list of components joined by '.';
//  - every byte of a component outside [A-Za-z0-9_:#@%+=-] becomes '_' (byte by byte, so a
//    two-byte UTF-8 character such as "é" becomes "__"); the result is always valid ASCII;
//  - empty components are dropped (so "a..b" is "a.b" and a leading or trailing dot vanishes);
//  - a path longer than kMaxPathBytes after sanitising is not a path (the datapoint is skipped).
//
// PathBuilder writes into a fixed inline buffer, so building a path never allocates.
// Everything here is pure: no I/O, no shared state, safe from any thread (one builder per thread).
// A builder remembers the short components it found clean (its results never depend on it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/small_copy.h"

namespace vs::kpi {

inline constexpr size_t kMaxPathBytes = 1024;

constexpr std::array<char, 256> MakeSanitiseTable() {
  std::array<char, 256> t{};
  for (int b = 0; b < 256; ++b) {
    bool keep = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                b == '_' || b == ':' || b == '#' || b == '@' || b == '%' || b == '+' || b == '=' ||
                b == '-';
    t[b] = keep ? static_cast<char>(b) : '_';
  }
  return t;
}
// kSanitise[b] is b for a byte kept as it is, '_' for every other byte ('.' included).
inline constexpr std::array<char, 256> kSanitise = MakeSanitiseTable();

// True for the bytes that are kept as they are in a path component.
inline bool IsPathByte(uint8_t b) { return b == '_' || kSanitise[b] != '_'; }

// Copies in[0, n) to out when it needs no change: every byte is kept as it is, or is a '.'
// when `dots` is set and then no component is empty (no leading, trailing or double dot).
// Otherwise returns false; out may then hold part of the bytes. Vectorised where possible.
bool CopyIfClean(const uint8_t* in, size_t n, char* out, bool dots);

// Builds one path component by component. Appending never fails; once the path would exceed
// kMaxPathBytes the builder remembers that it is too long and ignores further bytes until it is
// truncated back below the limit with Truncate(). The appenders are inline: they run once per
// datapoint.
class PathBuilder {
 public:
  // Appends one component: every byte outside the allowed set, '.' included, becomes '_'.
  // An empty component is dropped.
  // `repeats` says the component is likely to come again (a metric name): it is then
  // remembered once found clean, so that the next time it is copied without being classified.
  void AppendComponent(std::string_view component, bool repeats = false) {
    const size_t n = component.size();
    if (n == 0 || too_long_) return;
    const size_t sep = size_ != 0 ? 1 : 0;
    if (size_ + sep + n > kMaxPathBytes) {
      too_long_ = true;
      return;
    }
    const auto* in = reinterpret_cast<const uint8_t*>(component.data());
    char* out = buf_ + size_ + sep;
    if (!(repeats ? CopyClean(in, n, out, /*dots=*/false)
                  : CopyIfClean(in, n, out, /*dots=*/false))) {
      for (size_t i = 0; i < n; ++i) out[i] = kSanitise[in[i]];
    }
    if (sep) buf_[size_] = '.';
    size_ += sep + n;
  }

  // Appends a dotted path: the dots separate components (levels), each sanitised as above;
  // empty components are dropped.
  void AppendLevels(std::string_view dotted, bool repeats = false) {
    const size_t n = dotted.size();
    if (n == 0 || too_long_) return;
    const size_t sep = size_ != 0 ? 1 : 0;
    if (size_ + sep + n > kMaxPathBytes) return AppendLevelsSlow(dotted);
    // Fast path: a path that is already clean (the usual case) is copied as it is.
    const auto* in = reinterpret_cast<const uint8_t*>(dotted.data());
    char* out = buf_ + size_ + sep;
    if (!(repeats ? CopyClean(in, n, out, /*dots=*/true)
                  : CopyIfClean(in, n, out, /*dots=*/true))) {
      return AppendLevelsSlow(dotted);
    }
    if (sep) buf_[size_] = '.';
    size_ += sep + n;
  }

  // The current length, to come back to with Truncate() (e.g. an entry's prefix shared by all
  // of its metrics).
  size_t size() const { return too_long_ ? kMaxPathBytes + 1 : size_; }
  void Truncate(size_t size) {
    if (size > kMaxPathBytes) return;  // a mark taken while too long: stays too long
    too_long_ = false;
    if (size < size_) size_ = size;
  }
  void Clear() { Truncate(0); }

  bool empty() const { return size_ == 0 && !too_long_; }
  bool too_long() const { return too_long_; }
  // Valid only while !too_long().
  std::string_view view() const { return {buf_, size_}; }

 private:
  void AppendLevelsSlow(std::string_view dotted);  // component by component

  // CopyIfClean, answered from memory for a string of 4-16 bytes found clean before: a KPI
  // stream repeats its metric names in every message, and classifying one costs ~80
  // instructions, a lookup ~20 (callgrind, docs/PERFORMANCE.md). Exact: a hit compares every
  // byte (two overlapping words cover the whole string), and only clean strings are stored.
  bool CopyClean(const uint8_t* in, size_t n, char* out, bool dots) {
    if (n < 4 || n > 16) return CopyIfClean(in, n, out, dots);
    uint64_t a, b;
    if (n >= 8) {
      std::memcpy(&a, in, 8);
      std::memcpy(&b, in + n - 8, 8);
    } else {
      uint32_t lo, hi;
      std::memcpy(&lo, in, 4);
      std::memcpy(&hi, in + n - 4, 4);
      a = lo | (uint64_t{hi} << 32);
      b = 0;
    }
    const uint32_t tag = static_cast<uint32_t>(n * 2 + (dots ? 1 : 0));  // never 0
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
    Clean& e = clean_[((a ^ (b * kMul) ^ tag) * kMul) >> (64 - kCleanBits)];
    if (e.a == a && e.b == b && e.tag == tag) {
      CopySmall(out, reinterpret_cast<const char*>(in), n);
      return true;
    }
    if (!CopyIfClean(in, n, out, dots)) return false;
    e = {a, b, tag};
    return true;
  }
  static constexpr int kCleanBits = 6;
  struct Clean {
    uint64_t a = 0, b = 0;
    uint32_t tag = 0;  // 0: empty
  };
  Clean clean_[1 << kCleanBits];

  size_t size_ = 0;
  bool too_long_ = false;
  char buf_[kMaxPathBytes];
};

// Applies the path rules to a dotted path (e.g. the --prefix flag). Returns "" when nothing is
// left or the result is longer than kMaxPathBytes.
std::string NormalizePath(std::string_view dotted);

}  // namespace vs::kpi
