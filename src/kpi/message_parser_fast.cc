// The message parser's fast path: the three JSON shapes read in one pass with JsonScan, with
// no DOM in between. It gives up (returns false) on anything it does not read exactly as the
// simdjson path does: then Parse() rolls back what it added and runs the simdjson path. So it
// only has to be right about what it accepts; the differential tests and the fuzz target
// compare the two paths on every input.
//
// It reads a message in document order, so it gives up where the simdjson path's answer
// depends on what comes later: "type" (it must be "slice") or "ts" after the shape's key, a
// repeated "type", "ts" or shape key, "metrics" before "metadata" in a slice_data entry.
// Producers write the keys in that order (VOLTHA's json.dumps of a dict in insertion order,
// protobuf's JSON in field order); other orders are valid and take the simdjson path.
#include <string_view>

#include "kpi/message_parser_impl.h"

namespace vs::kpi {

bool MessageParser::Impl::FastJson(std::string_view message) {
  JsonScan s(message);
  if (!s.Consume('{') || s.Consume('}')) return false;
  bool has_type = false, has_ts = false, has_shape = false;
  double ts = NAN;  // missing or bad: each datapoint is skipped as bad_timestamp
  do {
    std::string_view key;
    if (!s.Key(&key)) return false;
    if (key == "type") {
      std::string_view type;
      if (has_type || !s.String(&type) || type != "slice") return false;
      has_type = true;
    } else if (key == "ts") {
      bool is_number;
      double v;
      if (has_ts || has_shape || !s.NumberOrOther(&is_number, &v)) return false;
      has_ts = true;
      if (is_number && GoodTimestamp(v)) ts = v;
    } else if (key == "data" || key == "prefixes" || key == "slice_data") {
      if (!has_type || has_shape) return false;
      has_shape = true;
      const bool ok = key == "data"       ? FastData(&s, ts)
                      : key == "prefixes" ? FastPrefixes(&s, ts)
                                          : FastSliceData(&s, ts);
      if (!ok) return false;
    } else if (!s.SkipValue(0)) {
      return false;
    }
  } while (s.Consume(','));
  return s.Consume('}') && s.AtEnd() && has_shape;
}

template <bool kLevels>
bool MessageParser::Impl::FastMetrics(JsonScan* s, double ts, size_t mark) {
  if (!s->Consume('{')) return false;
  if (s->Consume('}')) return true;
  do {
    std::string_view metric;
    bool is_number;
    double v;
    if (!s->Key(&metric) || !s->NumberOrOther(&is_number, &v)) return false;
    PointValue<kLevels>(is_number, v, ts, mark, metric);
  } while (s->Consume(','));
  return s->Consume('}');
}

// Shape 1: "data": {"<object path>": {"<metric>": <number>}}.
bool MessageParser::Impl::FastData(JsonScan* s, double ts) {
  if (!s->Consume('{')) return false;
  if (s->Consume('}')) return true;
  do {
    std::string_view entry;
    if (!s->Key(&entry)) return false;
    path.Truncate(prefix_len);
    path.AppendLevels(entry);
    if (!FastMetrics<true>(s, ts, path.size())) return false;
  } while (s->Consume(','));
  return s->Consume('}');
}

// Shape 2: "prefixes": {"<path>": {"metrics": {"<metric>": <number>}}}.
bool MessageParser::Impl::FastPrefixes(JsonScan* s, double ts) {
  if (!s->Consume('{')) return false;
  if (s->Consume('}')) return true;
  do {
    std::string_view entry;
    if (!s->Key(&entry) || !s->Consume('{') || s->Consume('}')) return false;
    path.Truncate(prefix_len);
    path.AppendLevels(entry);
    const size_t mark = path.size();
    bool has_metrics = false;
    do {
      std::string_view key;
      if (!s->Key(&key)) return false;
      if (key == "metrics") {
        if (has_metrics || !FastMetrics<true>(s, ts, mark)) return false;
        has_metrics = true;
      } else if (!s->SkipValue(0)) {
        return false;
      }
    } while (s->Consume(','));
    if (!s->Consume('}') || !has_metrics) return false;
  } while (s->Consume(','));
  return s->Consume('}');
}

// Shape 3: "slice_data": [{"metadata": {...}, "metrics": {"<metric>": <number>}}].
bool MessageParser::Impl::FastSliceData(JsonScan* s, double ts) {
  if (!s->Consume('[')) return false;
  if (s->Consume(']')) return true;
  do {
    if (!s->Consume('{') || s->Consume('}')) return false;
    double entry_ts = ts;
    bool has_metadata = false, has_metrics = false;
    do {
      std::string_view key;
      if (!s->Key(&key)) return false;
      if (key == "metadata") {
        if (has_metadata) return false;
        has_metadata = true;
        path.Truncate(prefix_len);
        if (!FastMetadata(s, &entry_ts)) return false;
      } else if (key == "metrics") {
        if (!has_metadata || has_metrics) return false;
        has_metrics = true;
        if (!FastMetrics<false>(s, entry_ts, path.size())) return false;
      } else if (!s->SkipValue(0)) {
        return false;
      }
    } while (s->Consume(','));
    if (!s->Consume('}') || !has_metrics) return false;
  } while (s->Consume(','));
  return s->Consume(']');
}

// As SliceEntryPath: title, device id (or logical device id), context values sorted by key;
// metadata.ts overrides the message's ts when it is a good timestamp.
bool MessageParser::Impl::FastMetadata(JsonScan* s, double* ts) {
  if (!s->Consume('{')) return false;
  std::string_view title, device_id, logical_device_id;
  bool has_ctx = false;
  context.clear();
  if (!s->Consume('}')) {
    do {
      std::string_view key;
      if (!s->Key(&key)) return false;
      if (key == "title") {
        if (!s->StringOrNull(&title)) return false;
      } else if (key == "device_id") {
        if (!s->StringOrNull(&device_id)) return false;
      } else if (key == "logical_device_id") {
        if (!s->StringOrNull(&logical_device_id)) return false;
      } else if (key == "context") {
        if (has_ctx) return false;
        has_ctx = true;
        if (s->Null()) continue;
        if (!s->Consume('{')) return false;
        if (s->Consume('}')) continue;
        do {
          std::string_view name, value;
          if (!s->Key(&name) || !s->StringOrNull(&value)) return false;
          context.push_back({name, value, context.size()});
        } while (s->Consume(','));
        if (!s->Consume('}')) return false;
      } else if (key == "ts") {
        bool is_number;
        double v;
        if (!s->NumberOrOther(&is_number, &v)) return false;
        if (is_number && GoodTimestamp(v)) *ts = v;
      } else if (!s->SkipValue(0)) {
        return false;
      }
    } while (s->Consume(','));
    if (!s->Consume('}')) return false;
  }
  path.AppendComponent(title);
  path.AppendComponent(device_id.empty() ? logical_device_id : device_id);
  AppendContext();
  return true;
}

}  // namespace vs::kpi
