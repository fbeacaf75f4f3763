// A batch of Graphite datapoints whose paths share one buffer, so the hot path (parse, route,
// encode) allocates nothing per datapoint. Not thread-safe; moved between stages whole.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "common/small_copy.h"

namespace vs::kpi {

struct DatapointRef {
  uint32_t path_offset;
  uint32_t path_length;
  double timestamp;  // positive and finite (the parser guarantees it)
  double value;      // finite
};

class DatapointBatch {
 public:
  size_t size() const { return points_.size(); }
  bool empty() const { return points_.empty(); }
  std::string_view path(size_t i) const {
    return {paths_.get() + points_[i].path_offset, points_[i].path_length};
  }
  double timestamp(size_t i) const { return points_[i].timestamp; }
  double value(size_t i) const { return points_[i].value; }
  const DatapointRef& ref(size_t i) const { return points_[i]; }

  // Adds a complete, already valid path.
  void Add(std::string_view path, double ts, double value) {
    const size_t n = path.size();
    if (n > capacity_ - used_) Grow(n);
    CopySmall(paths_.get() + used_, path.data(), n);
    points_.push_back({static_cast<uint32_t>(used_), static_cast<uint32_t>(n), ts, value});
    used_ += n;
  }

  // Drops the points from index n on (n <= size()), as if they had never been added.
  void Truncate(size_t n) {
    if (n >= points_.size()) return;
    used_ = points_[n].path_offset;
    points_.resize(n);
  }

  void Clear() {
    used_ = 0;
    points_.clear();
  }

 private:
  // Storage for at least n more path bytes; the paths so far are kept.
  void Grow(size_t n) {
    size_t want = capacity_ * 2 > 4096 ? capacity_ * 2 : 4096;
    if (want < used_ + n) want = used_ + n;
    std::unique_ptr<char[]> bigger(new char[want]);
    if (used_ > 0) std::memcpy(bigger.get(), paths_.get(), used_);
    paths_ = std::move(bigger);
    capacity_ = want;
  }

  std::unique_ptr<char[]> paths_;
  size_t used_ = 0;      // path bytes in use
  size_t capacity_ = 0;  // path bytes allocated
  std::vector<DatapointRef> points_;
};

}  // namespace vs::kpi
