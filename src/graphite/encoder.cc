#include "graphite/encoder.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/small_copy.h"
#include "common/utf8.h"

namespace vs::graphite {
namespace {

constexpr size_t kHeader = 4;                     // big-endian payload length
constexpr char kPrologue[] = "\x80\x02\x5d\x28";  // PROTO 2, EMPTY_LIST, MARK
constexpr size_t kPrologueLen = 4;
constexpr size_t kTrailerLen = 2;  // APPENDS, STOP
// Storage beyond the frame limit: the trailer, and room for a point written at its widest
// (both numbers as BINFLOAT, up to 8 bytes more than exact) when its exact size still fits.
constexpr size_t kStorageSlack = kTrailerLen + 16;

// True when d is an integer that pickles as BININT: in int32 range and not -0.0.
inline bool IsInt32(double d, int32_t* out) {
  if (!(d >= -2147483648.0 && d <= 2147483647.0)) return false;
  auto i = static_cast<int32_t>(d);
  if (static_cast<double>(i) != d) return false;
  if (i == 0 && std::signbit(d)) return false;
  *out = i;
  return true;
}

inline size_t PickledNumberSize(double d) {
  int32_t unused;
  return IsInt32(d, &unused) ? 5 : 9;
}

inline void PutLe32(char* p, uint32_t u) {
  if constexpr (std::endian::native != std::endian::little) u = __builtin_bswap32(u);
  std::memcpy(p, &u, 4);
}

inline char* PutNumber(char* p, double d) {
  int32_t i;
  if (IsInt32(d, &i)) {
    *p++ = '\x4a';  // BININT, little-endian
    PutLe32(p, static_cast<uint32_t>(i));
    return p + 4;
  }
  auto u = std::bit_cast<uint64_t>(d);
  if constexpr (std::endian::native == std::endian::little) u = __builtin_bswap64(u);
  *p++ = '\x47';  // BINFLOAT, big-endian
  std::memcpy(p, &u, 8);
  return p + 8;
}

inline bool HasLineBreakOrSpace(std::string_view s) {
  for (char c : s) {
    // Carbon splits lines on '\n' and fields on any whitespace (str.split()).
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f') return true;
  }
  return false;
}

// Writes FormatPlaintextNumber(v) at p (at most 32 bytes); returns the end.
inline char* PutPlaintextNumber(char* p, double v) {
  if (std::fabs(v) < 1e16 && v == std::trunc(v)) {
    auto i = static_cast<int64_t>(v);
    if (i == 0 && std::signbit(v)) {
      *p++ = '-';  // keep -0.0 distinguishable
    }
    return std::to_chars(p, p + 32, i).ptr;
  }
  return std::to_chars(p, p + 32, v).ptr;
}

}  // namespace

std::string FormatPlaintextNumber(double v) {
  char buf[40];
  char* end = PutPlaintextNumber(buf, v);
  return std::string(buf, end);
}

FrameEncoder::FrameEncoder(Protocol protocol, size_t max_frame_bytes)
    : protocol_(protocol), max_(max_frame_bytes) {
  Reset();
}

void FrameEncoder::Reset() {
  len_ = 0;
  count_ = 0;
  if (protocol_ == Protocol::kPickle) {
    char* p = Room(kHeader + kPrologueLen);
    std::memset(p, 0, kHeader);  // filled in by Finish()
    std::memcpy(p + kHeader, kPrologue, kPrologueLen);
    len_ += kHeader + kPrologueLen;
  }
}

char* FrameEncoder::Grow(size_t n) {
  // Grow the storage in use geometrically, up to what the frame limit can need; the
  // zero-fill of resize() is paid once per storage byte, not per point.
  size_t want = std::max({len_ + n, buf_.size() * 2, size_t{4096}});
  want = std::max(len_ + n, std::min(want, max_ + kStorageSlack));
  buf_.resize(want);
  return buf_.data() + len_;
}

size_t FrameEncoder::bytes() const {
  if (count_ == 0) return 0;
  return protocol_ == Protocol::kPickle ? len_ + kTrailerLen : len_;
}

void FrameEncoder::Recycle(std::string frame) {
  if (spares_.size() < kMaxSpares && frame.capacity() > 0) spares_.push_back(std::move(frame));
}

FrameEncoder::Result FrameEncoder::Add(std::string_view path, double timestamp, double value) {
  if (path.empty() || !std::isfinite(timestamp) || !std::isfinite(value) || !IsValidUtf8(path)) {
    return Result::kRejected;
  }
  if (protocol_ == Protocol::kPickle) {
    if (path.size() > UINT32_MAX) return Result::kRejected;
    // Both numbers at their widest (BINFLOAT): the exact size, which classifies each number
    // once more (a data-dependent branch, ~a third of this function's samples), is only needed
    // near the limit.
    const size_t widest = 1 + 4 + path.size() + 9 + 9 + 2;
    if (len_ + widest + kTrailerLen > max_) {
      const size_t need =
          1 + 4 + path.size() + PickledNumberSize(timestamp) + PickledNumberSize(value) + 2;
      // The frame's size once this point and the trailer are in.
      if (len_ + need + kTrailerLen > max_) {
        const size_t alone = kHeader + kPrologueLen + need + kTrailerLen;
        return (count_ == 0 || alone > max_) ? Result::kTooLarge : Result::kFull;
      }
    }
    char* const start = Room(widest);
    char* p = start;
    *p++ = '\x58';  // BINUNICODE, u32 little-endian length
    PutLe32(p, static_cast<uint32_t>(path.size()));
    p += 4;
    CopySmall(p, path.data(), path.size());
    p += path.size();
    p = PutNumber(p, timestamp);
    p = PutNumber(p, value);
    *p++ = '\x86';  // TUPLE2 (timestamp, value)
    *p++ = '\x86';  // TUPLE2 (path, (...))
    len_ += static_cast<size_t>(p - start);
    ++count_;
    return Result::kAppended;
  }
  return AddPlaintext(path, timestamp, value);
}

// Out of line: its number formatting needs a large stack frame, which the pickle path, run
// for every point, would otherwise set up and tear down too (callgrind: ~15 instructions).
[[gnu::noinline]] FrameEncoder::Result FrameEncoder::AddPlaintext(std::string_view path,
                                                                  double timestamp, double value) {
  if (HasLineBreakOrSpace(path)) return Result::kRejected;
  char nums[80];
  char* q = PutPlaintextNumber(nums, value);
  *q++ = ' ';
  q = PutPlaintextNumber(q, timestamp);
  *q++ = '\n';
  size_t nums_len = q - nums;
  size_t line = path.size() + 1 + nums_len;
  if (line > kCarbonMaxLineLength) return Result::kRejected;
  if (len_ + line > max_) {
    return (count_ == 0 || line > max_) ? Result::kTooLarge : Result::kFull;
  }
  char* p = Room(line);
  std::memcpy(p, path.data(), path.size());
  p[path.size()] = ' ';
  std::memcpy(p + path.size() + 1, nums, nums_len);
  len_ += line;
  ++count_;
  return Result::kAppended;
}

std::string FrameEncoder::Finish() {
  if (count_ == 0) {
    Reset();
    return {};
  }
  if (protocol_ == Protocol::kPickle) {
    std::memcpy(Room(kTrailerLen), "\x65\x2e", kTrailerLen);  // APPENDS, STOP
    len_ += kTrailerLen;
    auto len = static_cast<uint32_t>(len_ - kHeader);
    for (int k = 0; k < 4; ++k) buf_[k] = static_cast<char>(len >> (8 * (3 - k)));
  }
  buf_.resize(len_);
  std::string out = std::move(buf_);
  if (!spares_.empty()) {
    buf_ = std::move(spares_.back());
    spares_.pop_back();
  } else {
    buf_ = std::string();
  }
  // Reused storage keeps its size (len_ marks the frame's end), so its bytes are not zero-filled
  // again for every frame; only fresh storage is. Only up to what a frame can use: std::string
  // doubles its capacity as it grows, and zero-filling all of it cost ~150 KiB of memset per
  // 256 KiB frame (callgrind: 76 M instructions in a 2 M-datapoint drain, 3.6% of all).
  buf_.resize(std::max(std::min(buf_.capacity(), max_ + kStorageSlack), out.size()));
  Reset();
  return out;
}

}  // namespace vs::graphite
