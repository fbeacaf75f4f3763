// A batch of Graphite datapoints whose paths share one buffer, so the hot path (parse, route,
// encode) allocates nothing per datapoint. Not thread-safe; moved between stages whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
    return std::string_view(paths_).substr(points_[i].path_offset, points_[i].path_length);
  }
  double timestamp(size_t i) const { return points_[i].timestamp; }
  double value(size_t i) const { return points_[i].value; }
  const DatapointRef& ref(size_t i) const { return points_[i]; }

  // Adds a complete, already valid path.
  void Add(std::string_view path, double ts, double value) {
    uint32_t off = static_cast<uint32_t>(paths_.size());
    paths_.append(path);
    points_.push_back({off, static_cast<uint32_t>(path.size()), ts, value});
  }
  // For builders that write the path in place: append to path_buffer() from mark = MarkPath(),
  // then CommitPath(mark, ...) or DropPath(mark).
  std::string& path_buffer() { return paths_; }
  size_t MarkPath() const { return paths_.size(); }
  void CommitPath(size_t mark, double ts, double value) {
    points_.push_back(
        {static_cast<uint32_t>(mark), static_cast<uint32_t>(paths_.size() - mark), ts, value});
  }
  void DropPath(size_t mark) { paths_.resize(mark); }

  // Drops the points from index n on (n <= size()), as if they had never been added.
  void Truncate(size_t n) {
    if (n >= points_.size()) return;
    paths_.resize(points_[n].path_offset);
    points_.resize(n);
  }

  void Clear() {
    paths_.clear();
    points_.clear();
  }
  size_t path_bytes() const { return paths_.size(); }

 private:
  std::string paths_;
  std::vector<DatapointRef> points_;
};

}  // namespace vs::kpi
