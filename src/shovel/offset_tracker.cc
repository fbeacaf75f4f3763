#include "shovel/offset_tracker.h"

#include <algorithm>
#include <functional>

namespace vs::shovel {

void OffsetTracker::Add(int32_t partition, int64_t offset, std::span<const uint64_t> need) {
  Part& p = parts_[partition];
  if (!p.runs.empty() &&
      std::equal(need.begin(), need.end(), p.needs.end() - static_cast<std::ptrdiff_t>(sinks_))) {
    p.runs.back().last = offset;
    ++p.runs.back().count;
    return;
  }
  p.runs.push_back({offset, offset, 1});
  p.needs.insert(p.needs.end(), need.begin(), need.end());
}

std::map<int32_t, int64_t> OffsetTracker::Advance(std::span<const uint64_t> delivered) {
  std::map<int32_t, int64_t> out;
  for (auto& [partition, p] : parts_) {
    int64_t last = -1;
    while (!p.runs.empty()) {
      bool done = true;
      for (size_t s = 0; s < sinks_; ++s) {
        if (p.needs[s] > delivered[s]) {
          done = false;
          break;
        }
      }
      if (!done) break;
      last = p.runs.front().last;
      p.runs.pop_front();
      p.needs.erase(p.needs.begin(), p.needs.begin() + static_cast<std::ptrdiff_t>(sinks_));
    }
    if (last >= 0) out[partition] = last + 1;
  }
  return out;
}

std::map<int32_t, int64_t> OffsetTracker::Rewind() {
  std::map<int32_t, int64_t> out;
  for (auto& [partition, p] : parts_) {
    if (!p.runs.empty()) out[partition] = p.runs.front().first;
  }
  parts_.clear();
  return out;
}

size_t OffsetTracker::pending() const {
  size_t n = 0;
  for (const auto& [partition, p] : parts_) {
    for (const Run& r : p.runs) n += r.count;
  }
  return n;
}

void OutOfOrderWatermark::Done(uint64_t id) {
  if (id <= watermark_) return;
  done_.push_back(id);
  std::push_heap(done_.begin(), done_.end(), std::greater<>());
  while (!done_.empty() && done_.front() == watermark_ + 1) {
    std::pop_heap(done_.begin(), done_.end(), std::greater<>());
    done_.pop_back();
    ++watermark_;
  }
}

}  // namespace vs::shovel
