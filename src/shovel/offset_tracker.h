// Which Kafka offsets may be committed. Every consumed message is recorded, in offset order per
// partition, with what it waits for: for each "sink" (a carbon destination, or the dead-letter
// producer) the sequence number that sink must have delivered before the message counts as
// delivered. Sinks deliver in sequence order, so one number per sink suffices. An offset is
// committable once every message before it on its partition is delivered.
// Consecutive messages of a partition that wait for the same numbers (all the messages whose
// datapoints went into the same frames) are kept as one run, so memory grows with frames, not
// with messages. Not thread-safe: the shovel loop owns it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <vector>

namespace vs::shovel {

class OffsetTracker {
 public:
  explicit OffsetTracker(size_t sinks) : sinks_(sinks) {}

  // Records a consumed message. need.size() == sinks; 0 means "nothing from this sink".
  // Offsets of one partition must be added in increasing order.
  void Add(int32_t partition, int64_t offset, std::span<const uint64_t> need);

  // Pops delivered messages given each sink's delivered watermark (delivered[s] = highest
  // sequence delivered by sink s). Returns partition -> next offset to commit (last delivered
  // offset + 1) for partitions that advanced.
  std::map<int32_t, int64_t> Advance(std::span<const uint64_t> delivered);

  // Forgets every pending message and returns partition -> offset of its first pending message:
  // where to seek so that everything not yet delivered is consumed (and sent) again.
  std::map<int32_t, int64_t> Rewind();

  // Forgets a partition (revoked by a rebalance).
  void Drop(int32_t partition) { parts_.erase(partition); }
  void Clear() { parts_.clear(); }

  size_t pending() const;
  size_t sinks() const { return sinks_; }

 private:
  struct Run {
    int64_t first;
    int64_t last;
    uint64_t count;  // messages in [first, last] (offsets may have gaps)
  };
  struct Part {
    std::deque<Run> runs;
    std::deque<uint64_t> needs;  // sinks_ entries per run
  };
  size_t sinks_;
  std::map<int32_t, Part> parts_;
};

// A delivered watermark for a sink whose completions arrive out of order (the dead-letter
// producer's delivery reports): ids are handed out in order; Done() marks one complete; the
// watermark is the highest id such that it and every id before it are done.
class OutOfOrderWatermark {
 public:
  uint64_t NextId() { return ++issued_; }
  void Done(uint64_t id);
  uint64_t watermark() const { return watermark_; }
  uint64_t outstanding() const { return issued_ - watermark_; }

 private:
  uint64_t issued_ = 0;
  uint64_t watermark_ = 0;
  std::vector<uint64_t> done_;  // ids done above the watermark (min-heap)
};

}  // namespace vs::shovel
