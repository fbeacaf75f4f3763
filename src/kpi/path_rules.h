// The Graphite path rules shared by every input shape (docs/KPI_FORMATS.md):
//  - a path is a list of components joined by '.';
//  - every byte of a component outside [A-Za-z0-9_:#@%+=-] becomes '_' (byte by byte, so a
//    two-byte UTF-8 character such as "é" becomes "__"); the result is always valid ASCII;
//  - empty components are dropped (so "a..b" is "a.b" and a leading or trailing dot vanishes);
//  - a path longer than kMaxPathBytes after sanitising is not a path (the datapoint is skipped).
//
// PathBuilder writes into a fixed inline buffer, so building a path never allocates.
// Everything here is pure: no I/O, no shared state, safe from any thread (one builder per thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vs::kpi {

inline constexpr size_t kMaxPathBytes = 1024;

// True for the bytes that are kept as they are in a path component.
bool IsPathByte(uint8_t b);

// Builds one path component by component. Appending never fails; once the path would exceed
// kMaxPathBytes the builder remembers that it is too long and ignores further bytes until it is
// truncated back below the limit with Truncate().
class PathBuilder {
 public:
  // Appends one component: every byte outside the allowed set, '.' included, becomes '_'.
  // An empty component is dropped.
  void AppendComponent(std::string_view component);
  // Appends a dotted path: the dots separate components (levels), each sanitised as above;
  // empty components are dropped.
  void AppendLevels(std::string_view dotted);

  // The current length, to come back to with Truncate() (e.g. an entry's prefix shared by all
  // of its metrics).
  size_t size() const { return too_long_ ? kMaxPathBytes + 1 : size_; }
  void Truncate(size_t size);
  void Clear() { Truncate(0); }

  bool empty() const { return size_ == 0 && !too_long_; }
  bool too_long() const { return too_long_; }
  // Valid only while !too_long().
  std::string_view view() const { return std::string_view(buf_, size_); }

 private:
  size_t size_ = 0;
  bool too_long_ = false;
  char buf_[kMaxPathBytes];
};

// Applies the path rules to a dotted path (e.g. the --prefix flag). Returns "" when nothing is
// left or the result is longer than kMaxPathBytes.
std::string NormalizePath(std::string_view dotted);

}  // namespace vs::kpi
