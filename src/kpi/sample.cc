#include "kpi/sample.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

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

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // ASCII fast path, 8 bytes at a time (names are nearly always ASCII).
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
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
