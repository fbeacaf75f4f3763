// CONTRACT (shovel depends on it; the graphite owner implements it and may extend it).
//
// Builds carbon frames: pickle protocol 2 exactly as DESIGN.md 2.2 (4-byte big-endian length,
// then a list of (path, (timestamp, value)) tuples using only list/tuple/str/int/float), or
// plaintext lines "path value timestamp\n". A frame never exceeds max_frame_bytes (header
// included); a caller adds points until Append() says the frame is full, takes the frame with
// Finish(), and adds the point again. Not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vs::graphite {

enum class Protocol { kPickle, kPlaintext };

class FrameEncoder {
 public:
  FrameEncoder(Protocol protocol, size_t max_frame_bytes);
  // Appends one point; false (and nothing appended) when it would not fit in the current
  // frame. A point that cannot fit even in an empty frame also returns false with count()==0:
  // the caller must skip it (paths are at most 1024 bytes, so only tiny limits cause that).
  bool Append(std::string_view path, double timestamp, double value);
  size_t count() const { return count_; }
  size_t bytes() const;  // size of the frame Finish() would return now
  // Returns the complete frame (empty string if no points) and starts a new one.
  std::string Finish();

 private:
  Protocol protocol_;
  size_t max_;
  size_t count_ = 0;
  std::string buf_;
};

}  // namespace vs::graphite
