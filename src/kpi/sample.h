// libkpi write side: one KPI sample (path, metric, value, timestamp), optionally with the
// KpiEvent2 device metadata (title, device ids, context) of DESIGN.md 2.1.
//
// The Graphite path a sample stands for is what shovel's parser computes for it (issue 2):
//   plain sample:  <path>.<metric>           (the dots of `path` are levels)
//   device sample: <title>.<device_id, else logical_device_id, else nothing>.
//                  <context values, sorted by key>.<metric>
// Samples are plain values: copyable, no hidden state, not synchronised.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vs::kpi {

// The KpiEvent2 `metadata` object of one slice_data entry (without its ts).
struct DeviceMeta {
  std::string title;  // e.g. "PON", "NNI", "Ethernet"
  std::string logical_device_id;
  std::string device_id;
  std::string serial_no;
  std::vector<std::pair<std::string, std::string>> context;  // kept sorted by key (MakeDevice)

  bool operator==(const DeviceMeta&) const = default;
};

struct Sample {
  std::string path;    // object path; for device samples the derived prefix (see above)
  std::string metric;  // one path component
  double value = 0;
  double timestamp = 0;  // Unix seconds, > 0
  bool has_device = false;
  DeviceMeta device;  // meaningful when has_device

  // The Graphite path this sample stands for (before shovel's sanitising).
  std::string GraphitePath() const { return path + "." + metric; }
  bool operator==(const Sample&) const = default;
};

// A plain sample for the seed and KpiEvent shapes (KpiEvent2 writes the path as title + levels).
Sample MakeSample(std::string path, std::string metric, double value, double timestamp);
// A KpiEvent2 sample; sorts meta.context by key and derives `path` from the metadata.
Sample MakeDeviceSample(DeviceMeta meta, std::string metric, double value, double timestamp);
// The object path of a device: title, device id (falling back to the logical id), context
// values sorted by key, joined with '.'; empty parts are left out.
std::string DevicePath(const DeviceMeta& meta);

// Why a sample cannot be written: non-finite value, timestamp not positive and finite, empty
// path or metric, or a string that is not valid UTF-8 (JSON cannot carry it; shovel would reject
// the whole message). The error names the sample.
Status ValidateSample(const Sample& s);
// The two halves of ValidateSample: value, timestamp and metric; path and device metadata (the
// writer checks the latter once per run of samples of the same object).
Status ValidateSampleValue(const Sample& s);
Status ValidateSampleObject(const Sample& s);

}  // namespace vs::kpi
