// CONTRACT (shovel depends on it; the graphite owner implements it and may extend it).
//
// Builds carbon frames: pickle protocol 2 exactly as DESIGN.md 2.2 (4-byte big-endian length,
// then a list of (path, (timestamp, value)) tuples using only list/tuple/str/int/float), or
// plaintext lines "path value timestamp\n". A frame never exceeds max_frame_bytes (header
// included); a caller adds points until Append() says the frame is full, takes the frame with
// Finish(), and adds the point again. Not thread-safe.
//
// Encoding (see docs/GRAPHITE.md):
//  - pickle: `80 02 5d 28`, per point `58 <u32 LE len> <utf-8 path>`, the timestamp as
//    `4a <i32 LE>` when it is an integer in int32 range else `47 <f64 BE>`, the value likewise
//    (`4a` only for an exact int32, never for -0.0), `86 86`; then `65 2e`.
//  - plaintext: numbers in the shortest form that parses back to the same double
//    (std::to_chars), integral ones below 1e16 in magnitude as plain integers ("42", never
//    "4.2e+01"), so integral timestamps have no fraction.
// Points carbon would choke on are rejected, never encoded: a non-finite timestamp or value, an
// empty path, a path that is not valid UTF-8, and for plaintext a path with whitespace or a line
// over carbon's 16 KiB limit. One bad point must not make carbon drop a whole connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vs::graphite {

enum class Protocol { kPickle, kPlaintext };

// Carbon's PICKLE_RECEIVER_MAX_LENGTH default (payload bytes, header excluded).
inline constexpr size_t kCarbonMaxPickleLength = size_t{1} << 20;
// Carbon's plaintext receiver drops the connection on a longer line.
inline constexpr size_t kCarbonMaxLineLength = 16 * 1024;

class FrameEncoder {
 public:
  enum class Result {
    kAppended,
    kFull,      // does not fit in this frame: Finish() and add again (kTooLarge if alone)
    kTooLarge,  // does not fit even in an empty frame: skip it
    kRejected,  // carbon would not accept it (see above): skip it
  };

  FrameEncoder(Protocol protocol, size_t max_frame_bytes);
  // Appends one point; false (and nothing appended) when it would not fit in the current
  // frame. A point that cannot fit even in an empty frame also returns false with count()==0:
  // the caller must skip it (paths are at most 1024 bytes, so only tiny limits cause that).
  // A rejected point (see above) also returns false; Add() tells the cases apart.
  bool Append(std::string_view path, double timestamp, double value) {
    return Add(path, timestamp, value) == Result::kAppended;
  }
  // Like Append, but says why a point was not appended.
  Result Add(std::string_view path, double timestamp, double value);
  size_t count() const { return count_; }
  size_t bytes() const;  // size of the frame Finish() would return now
  // Returns the complete frame (empty string if no points) and starts a new one.
  std::string Finish();
  // Hands back a frame the caller is done with, so its storage is reused by a later frame
  // instead of a fresh allocation (frames are large; malloc would mmap and page-fault them,
  // and a fresh frame's bytes are zero-filled once). Up to kMaxSpares frames are kept: a
  // sender writes frames in bursts, so several come back between two Finish() calls.
  void Recycle(std::string frame);
  static constexpr size_t kMaxSpares = 8;
  size_t spare_count() const { return spares_.size(); }

  Protocol protocol() const { return protocol_; }
  size_t max_frame_bytes() const { return max_; }

 private:
  void Reset();
  Result AddPlaintext(std::string_view path, double timestamp, double value);
  // Makes room for n more bytes at len_ and returns where they go. buf_.size() is only the
  // storage in use; len_ is the frame's length, so appends never zero-fill per point.
  char* Room(size_t n) {
    if (len_ + n <= buf_.size()) [[likely]]
      return buf_.data() + len_;
    return Grow(n);
  }
  char* Grow(size_t n);

  Protocol protocol_;
  size_t max_;
  size_t count_ = 0;
  size_t len_ = 0;
  std::string buf_;
  std::vector<std::string> spares_;
};

// The plaintext rendering of one number as FrameEncoder writes it (exposed for tests and
// tools). Requires a finite v.
std::string FormatPlaintextNumber(double v);

}  // namespace vs::graphite
