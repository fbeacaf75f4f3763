#include "kpi/json_writer.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace vs::kpi {

namespace {

constexpr size_t kLinearMetrics = 16;  // above this a group's metrics go into a hash set

// Splits a plain path into its non-empty levels (shovel drops empty components).
template <typename F>
void ForEachLevel(std::string_view path, F&& f) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    if (dot > start) f(path.substr(start, dot - start));
    start = dot + 1;
  }
}

}  // namespace

const char* ShapeName(Shape shape) {
  switch (shape) {
    case Shape::kSeed:
      return "seed";
    case Shape::kKpiEvent:
      return "kpievent";
    case Shape::kKpiEvent2:
      return "kpievent2";
  }
  return "?";
}

StatusOr<Shape> ParseShape(std::string_view name) {
  if (name == "seed") return Shape::kSeed;
  if (name == "kpievent") return Shape::kKpiEvent;
  if (name == "kpievent2") return Shape::kKpiEvent2;
  return InvalidArgument(fmt::format("unknown shape '{}' (seed, kpievent, kpievent2)", name));
}

void AppendJsonNumber(double v, std::string* out) {
  char tmp[40];
  auto r = std::to_chars(tmp, tmp + sizeof(tmp), v);
  if (std::fabs(v) >= 1e15 || v == 0) {
    std::string_view digits(tmp, r.ptr - tmp);
    if (digits.find_first_of(".e") == std::string_view::npos) {
      // A bare integer literal: readers may take it as an int64 and fail past 2^63 or lose the
      // sign of -0, so write those as doubles.
      if (v == 0) {
        out->append(std::signbit(v) ? "-0.0" : "0");
        return;
      }
      r = std::to_chars(tmp, tmp + sizeof(tmp), v, std::chars_format::scientific);
    }
  }
  out->append(tmp, r.ptr);
}

JsonWriter::JsonWriter(WriterOptions options) : options_(options) {
  buf_.reserve(options_.max_message_bytes + 1024);
}

size_t JsonWriter::CloseLength() const {
  // group close + message footer: seed "}" "}}", kpievent "}}" "}}", kpievent2 "}}" "]}".
  size_t group = st_.group_open ? (options_.shape == Shape::kSeed ? 1 : 2) : 0;
  return group + 2;
}

bool JsonWriter::SameGroup(const Sample& a, const Sample& b) const {
  if (a.path != b.path || a.has_device != b.has_device) return false;
  if (options_.shape != Shape::kKpiEvent2) return true;  // ts is per message there
  return a.timestamp == b.timestamp && (!a.has_device || a.device == b.device);
}

bool JsonWriter::MetricInGroup(std::string_view metric) const {
  if (group_metrics_.size() <= kLinearMetrics) {
    for (auto m : group_metrics_) {
      if (m == metric) return true;
    }
    return false;
  }
  return group_metric_set_.count(metric) != 0;
}

void JsonWriter::OpenMessage(const Sample& s) {
  buf_.append(R"({"type":"slice","ts":)");
  AppendJsonNumber(s.timestamp, &buf_);
  switch (options_.shape) {
    case Shape::kSeed:
      buf_.append(R"(,"data":{)");
      break;
    case Shape::kKpiEvent:
      buf_.append(R"(,"prefixes":{)");
      break;
    case Shape::kKpiEvent2:
      buf_.append(R"(,"slice_data":[)");
      break;
  }
  st_.in_message = true;
  st_.msg_samples = 0;
  st_.msg_groups = 0;
}

void JsonWriter::OpenGroup(const Sample& s) {
  if (st_.msg_groups > 0) buf_.push_back(',');
  switch (options_.shape) {
    case Shape::kSeed:
      AppendJsonString(s.path, &buf_);
      buf_.append(":{");
      break;
    case Shape::kKpiEvent:
      AppendJsonString(s.path, &buf_);
      buf_.append(R"(:{"metrics":{)");
      break;
    case Shape::kKpiEvent2:
      buf_.append(R"({"metadata":{"title":)");
      if (s.has_device) {
        const DeviceMeta& d = s.device;
        AppendJsonString(d.title, &buf_);
        buf_.append(R"(,"ts":)");
        AppendJsonNumber(s.timestamp, &buf_);
        buf_.append(R"(,"logical_device_id":)");
        AppendJsonString(d.logical_device_id, &buf_);
        buf_.append(R"(,"device_id":)");
        AppendJsonString(d.device_id, &buf_);
        buf_.append(R"(,"serial_no":)");
        AppendJsonString(d.serial_no, &buf_);
        buf_.append(R"(,"context":{)");
        bool first = true;
        for (const auto& [k, v] : d.context) {
          if (!first) buf_.push_back(',');
          first = false;
          AppendJsonString(k, &buf_);
          buf_.push_back(':');
          AppendJsonString(v, &buf_);
        }
        buf_.push_back('}');
      } else {
        int level = 0;
        ForEachLevel(s.path, [&](std::string_view part) {
          if (level == 0) {
            AppendJsonString(part, &buf_);
            buf_.append(R"(,"ts":)");
            AppendJsonNumber(s.timestamp, &buf_);
            buf_.append(R"(,"context":{)");
          } else {
            if (level > 1) buf_.push_back(',');
            // Zero-padded so that sorting the keys keeps the level order (a 1024-byte path has
            // at most 512 levels).
            buf_.append(fmt::format(R"("{:03d}":)", level));
            AppendJsonString(part, &buf_);
          }
          ++level;
        });
        if (level == 0) {  // no level at all: ValidateSample lets "." through; keep it valid
          buf_.append(R"("",)"
                      R"("ts":)");
          AppendJsonNumber(s.timestamp, &buf_);
          buf_.append(R"(,"context":{)");
        }
        buf_.push_back('}');
      }
      buf_.append(R"(},"metrics":{)");
      break;
  }
  st_.group_open = true;
  st_.group_samples = 0;
  ++st_.msg_groups;
}

void JsonWriter::CloseGroup() {
  if (!st_.group_open) return;
  buf_.append(options_.shape == Shape::kSeed ? "}" : "}}");
  st_.group_open = false;
  if (options_.shape != Shape::kKpiEvent2 && group_ != nullptr) msg_paths_.insert(group_->path);
  group_ = nullptr;
  group_metrics_.clear();
  group_metric_set_.clear();
}

void JsonWriter::FinishMessage(const Emit& emit, WriteStats* stats) {
  if (!st_.in_message) return;
  CloseGroup();
  buf_.append(options_.shape == Shape::kKpiEvent2 ? "]}" : "}}");
  emit(buf_, st_.msg_samples);
  ++stats->messages;
  stats->samples += st_.msg_samples;
  buf_.clear();
  st_ = State{};
  msg_paths_.clear();
}

bool JsonWriter::TryAppend(const Sample& s) {
  State saved = st_;
  saved.mark = buf_.size();
  bool opened_group = false;
  if (!st_.in_message) OpenMessage(s);
  if (!st_.group_open) {
    OpenGroup(s);
    opened_group = true;
  }
  if (st_.group_samples > 0) buf_.push_back(',');
  AppendJsonString(s.metric, &buf_);
  buf_.push_back(':');
  AppendJsonNumber(s.value, &buf_);
  if (buf_.size() + CloseLength() > options_.max_message_bytes) {
    buf_.resize(saved.mark);
    st_ = saved;
    return false;
  }
  ++st_.group_samples;
  ++st_.msg_samples;
  if (opened_group) group_ = &s;
  if (st_.msg_samples == 1) msg_ts_ = s.timestamp;
  group_metrics_.push_back(s.metric);
  if (group_metrics_.size() > kLinearMetrics) {
    if (group_metric_set_.empty()) {
      group_metric_set_.insert(group_metrics_.begin(), group_metrics_.end());
    } else {
      group_metric_set_.insert(s.metric);
    }
  }
  return true;
}

WriteStats JsonWriter::Write(std::span<const Sample> samples, const Emit& emit) {
  WriteStats stats;
  buf_.clear();
  st_ = State{};
  group_ = nullptr;
  group_metrics_.clear();
  group_metric_set_.clear();
  msg_paths_.clear();
  const bool per_message_ts = options_.shape != Shape::kKpiEvent2;
  const Sample* validated = nullptr;  // last sample whose object (path, device) was validated
  for (const Sample& s : samples) {
    if (!ValidateSampleValue(s).ok()) {
      ++stats.invalid;
      continue;
    }
    const bool same_group = group_ != nullptr && SameGroup(*group_, s);
    if (!same_group && !(validated != nullptr && SameGroup(*validated, s))) {
      if (!ValidateSampleObject(s).ok()) {
        ++stats.invalid;
        continue;
      }
    }
    validated = &s;
    if (st_.in_message) {
      if (per_message_ts && s.timestamp != msg_ts_) {
        FinishMessage(emit, &stats);
      } else if (same_group) {
        if (MetricInGroup(s.metric)) {
          // A repeated key: a new entry (kpievent2) or a new message (the others).
          if (per_message_ts) {
            FinishMessage(emit, &stats);
          } else {
            CloseGroup();
          }
        }
      } else {
        CloseGroup();
        if (per_message_ts && msg_paths_.count(s.path) != 0) FinishMessage(emit, &stats);
      }
    }
    if (TryAppend(s)) continue;
    if (st_.msg_samples > 0) {
      FinishMessage(emit, &stats);
      if (TryAppend(s)) continue;
    }
    // Alone in an empty message and still too large.
    ++stats.too_large;
    buf_.clear();
    st_ = State{};
    group_ = nullptr;
    group_metrics_.clear();
    group_metric_set_.clear();
    msg_paths_.clear();
  }
  FinishMessage(emit, &stats);
  return stats;
}

std::vector<std::string> JsonWriter::WriteAll(std::span<const Sample> samples, WriteStats* stats) {
  std::vector<std::string> out;
  WriteStats st = Write(samples, [&out](std::string_view m, size_t) { out.emplace_back(m); });
  if (stats) *stats = st;
  return out;
}

}  // namespace vs::kpi
