// One carbon destination: the open frame being filled, frames waiting to be written, and the
// delivery state of what was written. Carbon never acknowledges, so a frame counts as
// delivered only when the kernel reports every byte of it acknowledged by the peer (SIOCOUTQ
// drained past its end) and the connection then stays up for `grace`. Written frames are not
// kept: when a connection is lost with written-but-undelivered frames, TakeLoss() says so once
// and the caller re-consumes those messages from Kafka (rewind), which is cheaper in memory
// than holding a second of traffic. Frames queued but not yet written survive a reconnect.
// Reconnects use jittered exponential backoff. Not thread-safe: driven by the shovel loop
// through fd()/events()/Drive()/NextWake().
#pragma once

#include <deque>
#include <string>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "graphite/encoder.h"
#include "graphite/hashing.h"

namespace vs::shovel {

struct SenderOptions {
  graphite::Destination destination;
  graphite::Protocol protocol = graphite::Protocol::kPickle;
  size_t max_frame_bytes = 256 * 1024;
  Duration grace = std::chrono::seconds(1);
  Duration backoff_initial = std::chrono::milliseconds(100);
  Duration backoff_cap = std::chrono::seconds(5);
  Duration connect_timeout = std::chrono::seconds(5);
};

class CarbonSender {
 public:
  CarbonSender(SenderOptions options, const Clock* clock, Registry* metrics);
  ~CarbonSender();
  CarbonSender(const CarbonSender&) = delete;
  CarbonSender& operator=(const CarbonSender&) = delete;

  // Adds a point to the open frame (sealing it first when full). Returns the sequence number of
  // the frame that carries it, or 0 when the point cannot fit in any frame (the caller skips it).
  uint64_t Append(std::string_view path, double ts, double value) {
    // Inline: it runs for every point, and nearly always the point fits.
    const graphite::FrameEncoder::Result r = encoder_.Add(path, ts, value);
    if (r == graphite::FrameEncoder::Result::kAppended) [[likely]]
      return next_seq_;
    return r == graphite::FrameEncoder::Result::kFull ? AppendToNextFrame(path, ts, value) : 0;
  }
  // Moves the open frame, if not empty, to the write queue.
  void Seal();
  // Drops the open frame and every queued frame (after the caller rewound Kafka).
  void DiscardAll();

  int fd() const { return fd_; }
  short events() const;  // poll events wanted on fd()
  // Advances connection, writes, acks and the grace clock; `revents` from poll (0 if none).
  void Drive(short revents);
  // When Drive() must run again even without I/O.
  TimePoint NextWake() const;

  uint64_t delivered() const { return delivered_seq_; }
  bool connected() const { return state_ == State::kConnected; }
  // Bytes held by this sender: queued frames and the open frame.
  size_t buffered_bytes() const { return queued_bytes_ + encoder_.bytes(); }
  // Nothing queued, open, or awaiting delivery.
  bool idle() const { return queue_.empty() && encoder_.count() == 0 && written_.empty(); }
  // True once after a connection was lost with written frames not yet delivered.
  bool TakeLoss();
  const std::string& name() const { return name_; }

 private:
  uint64_t AppendToNextFrame(std::string_view path, double ts, double value);
  enum class State { kIdle, kConnecting, kConnected };
  struct Queued {
    uint64_t seq;
    size_t points;
    std::string data;
  };
  struct Written {
    uint64_t seq;
    size_t points;
    uint64_t end;          // connection byte position just after this frame
    TimePoint acked_at{};  // when the kernel reported it acknowledged (epoch: not yet)
  };
  void StartConnect();
  void Disconnect(const Status& why);
  void WriteQueued();
  void CheckAcks();

  SenderOptions opt_;
  const Clock* clock_;
  std::string name_;
  graphite::FrameEncoder encoder_;
  std::deque<Queued> queue_;
  size_t queued_bytes_ = 0;
  size_t front_offset_ = 0;  // bytes of queue_.front() already written
  std::deque<Written> written_;
  // The kernel acknowledges a byte stream in order, so the acknowledged frames are always a
  // prefix of written_: its length, so that neither CheckAcks() nor NextWake() walks it.
  size_t acked_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t delivered_seq_ = 0;
  State state_ = State::kIdle;
  int fd_ = -1;
  uint64_t conn_written_ = 0;
  TimePoint next_attempt_{};
  TimePoint connect_deadline_{};
  TimePoint connected_at_{};
  Backoff backoff_;
  bool loss_ = false;
  Counter* reconnects_;
  Counter* connect_failures_;
  Counter* frames_written_;
  Counter* bytes_written_;
  Counter* frames_delivered_;
  Counter* points_delivered_;
  Gauge* connected_gauge_;
};

}  // namespace vs::shovel
