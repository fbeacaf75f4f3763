// The message parser's internals, shared by its simdjson path (message_parser.cc) and its
// one-pass fast path (message_parser_fast.cc). Not part of the kpi API.
#pragma once

#include <simdjson.h>

#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kpi/datapoint.h"
#include "kpi/json_scan.h"
#include "kpi/message_parser.h"
#include "kpi/path_rules.h"

namespace vs::kpi {

namespace dom = simdjson::dom;

inline bool GoodTimestamp(double ts) { return ts > 0 && std::isfinite(ts); }

struct MessageParser::Impl {
  Impl(size_t max_bytes, std::string_view prefix_path)
      : max_message_bytes(max_bytes), prefix(prefix_path), parser(ParserCapacity()) {}

  // simdjson allocates at least 32 bytes of document capacity, so a tiny limit would make it
  // refuse small messages; the size check in Parse() is what enforces the limit.
  size_t ParserCapacity() const { return std::max(max_message_bytes, size_t{4096}); }

  size_t max_message_bytes;
  std::string prefix;
  dom::parser parser;
  // The message copied with simdjson's padding behind it; reused across messages.
  std::unique_ptr<char[]> buf;
  size_t buf_capacity = 0;  // bytes usable before the padding
  PathBuilder path;
  size_t prefix_len = 0;
  struct ContextItem {
    std::string_view key;
    std::string_view value;
    size_t order;
  };
  std::vector<ContextItem> context;
  bool fast_path = true;
  ParseStats* stats = nullptr;
  DatapointBatch* out = nullptr;

  ParseStats Parse(std::string_view message, DatapointBatch* batch);
  MessageReject ParseJson(std::string_view message);
  void ParseText(std::string_view message);
  void ParseLine(std::string_view line, const char* limit);
  void ParseData(dom::element data, double ts);
  void ParsePrefixes(dom::element prefixes, double ts);
  void ParseSliceData(dom::element slice_data, double ts);
  bool SliceEntryPath(dom::object metadata, double* ts);
  template <bool kLevels>
  void Point(dom::element value, double ts, size_t mark, std::string_view metric) {
    double v = 0;
    const bool is_number = !value.get_double().get(v);
    PointValue<kLevels>(is_number, v, ts, mark, metric);
  }
  // One datapoint: the path builder holds the entry's path at `mark`; the metric is added
  // after. A point is counted once, under the first rule it breaks: value, timestamp, path.
  template <bool kLevels>
  void PointValue(bool is_number, double v, double ts, size_t mark, std::string_view metric) {
    if (!is_number || !std::isfinite(v)) return Skip(PointSkip::kBadValue);
    if (std::isnan(ts)) return Skip(PointSkip::kBadTimestamp);
    path.Truncate(mark);
    if constexpr (kLevels) {
      path.AppendLevels(metric, /*repeats=*/true);
    } else {
      path.AppendComponent(metric, /*repeats=*/true);
    }
    if (path.too_long()) return Skip(PointSkip::kPathTooLong);
    if (path.size() == prefix_len) return Skip(PointSkip::kEmptyPath);  // the prefix alone
    out->Add(path.view(), ts, v);
    ++stats->added;
  }
  // Appends the context values sorted by key (a repeated key keeps its last value).
  void AppendContext();

  // The fast path (message_parser_fast.cc): the JSON shapes read in one pass by JsonScan.
  // False when the message is outside what it reads; the caller then rolls back and runs the
  // simdjson path, which gives the result.
  bool FastJson(std::string_view message);
  bool FastData(JsonScan* s, double ts);
  bool FastPrefixes(JsonScan* s, double ts);
  bool FastSliceData(JsonScan* s, double ts);
  bool FastMetadata(JsonScan* s, double* ts);
  template <bool kLevels>
  bool FastMetrics(JsonScan* s, double ts, size_t mark);
  void Skip(PointSkip s) { ++stats->skipped[static_cast<size_t>(s)]; }
  void ResetPath() {
    path.Clear();
    path.AppendLevels(prefix);
    prefix_len = path.size();
  }
  char* Padded(size_t len);
  void ReleaseIfLarge(size_t len);
};

}  // namespace vs::kpi
