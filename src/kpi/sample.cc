#include "kpi/sample.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/utf8.h"

namespace vs::kpi {

Sample MakeSample(std::string path, std::string metric, double value, double timestamp) {
  Sample s;
  s.path = std::move(path);
  s.metric = std::move(metric);
  s.value = value;
  s.timestamp = timestamp;
  return s;
}

std::string DevicePath(const DeviceMeta& meta) {
  std::string out;
  auto add = [&out](std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += '.';
    out.append(part);
  };
  add(meta.title);
  add(meta.device_id.empty() ? meta.logical_device_id : meta.device_id);
  for (const auto& [k, v] : meta.context) add(v);
  return out;
}

Sample MakeDeviceSample(DeviceMeta meta, std::string metric, double value, double timestamp) {
  // Stable, so equal keys keep the caller's order (the JSON object then holds both; shovel
  // decides, and the writer never produces such an object from MakeDeviceSample's callers).
  std::stable_sort(meta.context.begin(), meta.context.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Sample s;
  s.path = DevicePath(meta);
  s.metric = std::move(metric);
  s.value = value;
  s.timestamp = timestamp;
  s.has_device = true;
  s.device = std::move(meta);
  return s;
}

namespace {
Status Bad(const Sample& s, std::string_view why) {
  return InvalidArgument(fmt::format("sample {}.{}: {}", s.path, s.metric, why));
}
}  // namespace

Status ValidateSampleValue(const Sample& s) {
  if (!std::isfinite(s.value)) return Bad(s, "value is not finite");
  if (!(s.timestamp > 0) || !std::isfinite(s.timestamp)) {
    return Bad(s, "timestamp is not a positive finite number");
  }
  if (s.metric.empty()) return Bad(s, "empty metric");
  if (!IsValidUtf8(s.metric)) return Bad(s, "metric is not valid UTF-8");
  return OkStatus();
}

Status ValidateSampleObject(const Sample& s) {
  auto bad = [&s](std::string_view why) { return Bad(s, why); };
  if (s.path.empty()) return bad("empty path");
  if (!IsValidUtf8(s.path)) return bad("path is not valid UTF-8");
  if (s.has_device) {
    const DeviceMeta& d = s.device;
    if (!IsValidUtf8(d.title) || !IsValidUtf8(d.logical_device_id) || !IsValidUtf8(d.device_id) ||
        !IsValidUtf8(d.serial_no)) {
      return bad("device metadata is not valid UTF-8");
    }
    for (const auto& [k, v] : d.context) {
      if (!IsValidUtf8(k) || !IsValidUtf8(v)) return bad("device context is not valid UTF-8");
    }
  }
  return OkStatus();
}

Status ValidateSample(const Sample& s) {
  Status st = ValidateSampleValue(s);
  return st.ok() ? ValidateSampleObject(s) : st;
}

}  // namespace vs::kpi
