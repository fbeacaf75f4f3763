// Test-only reference reader for the three JSON shapes of DESIGN.md 2.1, independent of
// shovel's parser: gives back (graphite path before sanitising, metric, value, ts) exactly as
// the shapes define them, and fails on invalid JSON or a duplicate key. Not thread-safe.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace vs::kpi::testing {

struct ReadPoint {
  std::string path;  // object path (or derived device path) + "." + metric
  double value = 0;
  double ts = 0;
  bool operator<(const ReadPoint& o) const {
    return std::tie(path, ts, value) < std::tie(o.path, o.ts, o.value);
  }
  bool operator==(const ReadPoint& o) const = default;
};

// Returns false (with *error) when the message is not valid JSON of one of the shapes or has a
// duplicate key in any object.
inline bool ReadMessage(std::string_view msg, std::vector<ReadPoint>* out, std::string* error) {
  using namespace simdjson;
  dom::parser parser;
  dom::element doc;
  padded_string padded(msg);
  if (auto e = parser.parse(padded).get(doc); e) {
    *error = error_message(e);
    return false;
  }
  auto no_dups = [error](dom::object o) {
    std::set<std::string_view> keys;
    for (auto field : o) {
      if (!keys.insert(field.key).second) {
        *error = "duplicate key " + std::string(field.key);
        return false;
      }
    }
    return true;
  };
  dom::object top;
  if (doc.get(top) || !no_dups(top)) {
    if (error->empty()) *error = "not an object";
    return false;
  }
  std::string_view type;
  if (top["type"].get(type) || type != "slice") {
    *error = "type is not slice";
    return false;
  }
  double ts = 0;
  if (top["ts"].get(ts)) {
    *error = "no ts";
    return false;
  }
  auto add_metrics = [&](dom::object metrics, const std::string& prefix, double t) {
    if (!no_dups(metrics)) return false;
    for (auto [m, v] : metrics) {
      double d;
      if (v.get(d)) {
        *error = "value not a number";
        return false;
      }
      out->push_back({prefix.empty() ? std::string(m) : prefix + "." + std::string(m), d, t});
    }
    return true;
  };
  dom::object data;
  dom::array slice_data;
  if (!top["data"].get(data)) {
    if (!no_dups(data)) return false;
    for (auto [path, metrics] : data) {
      dom::object o;
      if (metrics.get(o) || !add_metrics(o, std::string(path), ts)) return false;
    }
    return true;
  }
  if (!top["prefixes"].get(data)) {
    if (!no_dups(data)) return false;
    for (auto [path, entry] : data) {
      dom::object o;
      if (entry["metrics"].get(o) || !add_metrics(o, std::string(path), ts)) return false;
    }
    return true;
  }
  if (!top["slice_data"].get(slice_data)) {
    for (auto entry : slice_data) {
      dom::object meta, metrics;
      if (entry["metadata"].get(meta) || entry["metrics"].get(metrics) || !no_dups(meta)) {
        *error = "bad slice_data entry";
        return false;
      }
      std::string prefix;
      auto add = [&prefix](std::string_view p) {
        if (p.empty()) return;
        if (!prefix.empty()) prefix += '.';
        prefix.append(p);
      };
      std::string_view title, dev, ldev;
      if (meta["title"].get(title)) title = {};
      if (meta["device_id"].get(dev)) dev = {};
      if (meta["logical_device_id"].get(ldev)) ldev = {};
      add(title);
      add(dev.empty() ? ldev : dev);
      dom::object ctx;
      if (!meta["context"].get(ctx)) {
        if (!no_dups(ctx)) return false;
        std::vector<std::pair<std::string_view, std::string_view>> kv;
        for (auto [k, v] : ctx) {
          std::string_view sv;
          if (v.get(sv)) {
            *error = "context value not a string";
            return false;
          }
          kv.emplace_back(k, sv);
        }
        std::sort(kv.begin(), kv.end());
        for (auto& [k, v] : kv) add(v);
      }
      double t = ts;
      double mts;
      if (!meta["ts"].get(mts) && mts > 0) t = mts;
      if (!add_metrics(metrics, prefix, t)) return false;
    }
    return true;
  }
  *error = "no data, prefixes or slice_data";
  return false;
}

}  // namespace vs::kpi::testing
