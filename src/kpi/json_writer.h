// libkpi write side: serialises samples into Kafka messages in one of the three JSON shapes of
// DESIGN.md 2.1, many samples per message, no message over a byte limit.
//
// Grouping (input order is kept; nothing is sorted):
//   seed, kpievent: one timestamp per message; consecutive samples with the same path share one
//     object; a path or path+metric that would repeat a JSON key in the message starts a new
//     message instead (JSON objects never get duplicate keys).
//   kpievent2: one slice_data entry per run of samples with the same device metadata and
//     timestamp (the entry carries metadata.ts, so one message mixes timestamps); the top-level
//     ts is the first entry's. A plain (non-device) sample is written with its first path level
//     as title and the other levels as context {"001": level2, "002": level3, ...}, so that
//     shovel's rule <title>.<context values sorted by key>.<metric> gives back the same path.
// Keep the samples of one object together to get the fewest, largest messages.
//
// Failure behaviour: samples that fail ValidateSample() are skipped and counted (invalid); a
// sample that alone cannot fit in max_message_bytes is skipped and counted (too_large). Nothing
// throws. Strings are JSON-escaped (quote, backslash, control characters as \u00XX); numbers use
// the shortest representation that reads back to the same double.
// Threads: a JsonWriter is not thread-safe (it reuses its buffer); use one per thread.
#pragma once

#include "common/json.h"
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "kpi/sample.h"

namespace vs::kpi {

enum class Shape { kSeed, kKpiEvent, kKpiEvent2 };
const char* ShapeName(Shape shape);  // "seed", "kpievent", "kpievent2"
StatusOr<Shape> ParseShape(std::string_view name);

struct WriterOptions {
  Shape shape = Shape::kSeed;
  // Kafka's default message.max.bytes is 1 MB; stay well below it by default.
  size_t max_message_bytes = size_t{512} * 1024;
};

struct WriteStats {
  size_t messages = 0;
  size_t samples = 0;    // written into messages
  size_t invalid = 0;    // failed ValidateSample
  size_t too_large = 0;  // could not fit in an empty message
};

using vs::AppendJsonString;  // common/json.h
// Appends the shortest round-trip representation of a finite double.
void AppendJsonNumber(double v, std::string* out);

class JsonWriter {
 public:
  // Called once per complete message; `message` is valid only during the call.
  using Emit = std::function<void(std::string_view message, size_t samples)>;

  explicit JsonWriter(WriterOptions options = {});
  // Serialises `samples` and emits every message (the last one included) before returning.
  WriteStats Write(std::span<const Sample> samples, const Emit& emit);
  // Convenience: the messages as strings.
  std::vector<std::string> WriteAll(std::span<const Sample> samples, WriteStats* stats = nullptr);

  const WriterOptions& options() const { return options_; }

 private:
  struct State {
    size_t mark = 0;
    bool in_message = false;
    bool group_open = false;
    size_t msg_samples = 0;
    size_t group_samples = 0;
    size_t msg_groups = 0;
  };
  bool SameGroup(const Sample& a, const Sample& b) const;
  bool MetricInGroup(std::string_view metric) const;
  // Appends s to the current message; false when that would exceed the limit (state restored).
  bool TryAppend(const Sample& s);
  void OpenMessage(const Sample& s);
  void OpenGroup(const Sample& s);
  void CloseGroup();
  void FinishMessage(const Emit& emit, WriteStats* stats);
  size_t CloseLength() const;

  WriterOptions options_;
  std::string buf_;
  State st_;
  double msg_ts_ = 0;
  const Sample* group_ = nullptr;                // first sample of the open group
  std::vector<std::string_view> group_metrics_;  // metrics of the open group (linear scan)
  std::unordered_set<std::string_view> group_metric_set_;  // the same, once the group is large
  std::unordered_set<std::string_view>
      msg_paths_;  // closed groups of this message (seed, kpievent)
};

}  // namespace vs::kpi
