#include "kv/etcd_json.h"

#include <simdjson.h>

#include <charconv>

#include "kv/base64.h"

namespace vs::kv {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// An int64 field that grpc-gateway writes as a string; a number is accepted too. Absent: 0.
Status GetInt(object obj, std::string_view field, int64_t* out) {
  *out = 0;
  element e;
  if (obj[field].get(e)) return OkStatus();
  int64_t v = 0;
  if (!e.get_int64().get(v)) {
    *out = v;
    return OkStatus();
  }
  std::string_view s;
  if (e.get_string().get(s)) return InvalidArgument(std::string(field) + " is not an integer");
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
    return InvalidArgument(std::string(field) + " is not an integer");
  }
  *out = v;
  return OkStatus();
}

StatusOr<std::string> GetB64(object obj, std::string_view field) {
  element e;
  if (obj[field].get(e) || e.is_null()) return std::string();  // proto3 omits empty bytes
  std::string_view s;
  if (e.get_string().get(s)) return InvalidArgument(std::string(field) + " is not a string");
  auto dec = Base64Decode(s);
  if (!dec.ok()) return dec.status().WithContext(std::string(field));
  return std::move(*dec);
}

// {"error": "...", "message": "...", "code": N} (grpc-gateway) or {"error": {...}}.
Status ErrorOf(element doc) {
  std::string_view msg;
  if (!doc["message"].get_string().get(msg)) return Unavailable("etcd: " + std::string(msg));
  if (!doc["error"].get_string().get(msg)) return Unavailable("etcd: " + std::string(msg));
  if (!doc["error"]["message"].get_string().get(msg)) {
    return Unavailable("etcd: " + std::string(msg));
  }
  return Unavailable("etcd: error answer");
}

// A kv object ({"key", "value", "mod_revision", ...}) as an Observation if it is `key`.
StatusOr<bool> KvFor(object kv, std::string_view key, Observation* obs) {
  auto k = GetB64(kv, "key");
  if (!k.ok()) return k.status().WithContext("etcd kv");
  if (*k != key) return false;
  auto v = GetB64(kv, "value");
  if (!v.ok()) return v.status().WithContext("etcd kv");
  int64_t mod = 0;
  if (Status st = GetInt(kv, "mod_revision", &mod); !st.ok()) return st.WithContext("etcd kv");
  obs->exists = true;
  obs->value = std::move(*v);
  obs->version = std::to_string(mod);
  return true;
}

}  // namespace

StatusOr<EtcdRange> ParseEtcdRange(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc)) {
    return InvalidArgument(std::string("etcd range answer: ") + simdjson::error_message(err));
  }
  object root;
  if (doc.get_object().get(root)) return InvalidArgument("etcd range answer: not an object");
  element unused;
  if (!root["error"].get(unused)) return ErrorOf(doc);
  object header;
  if (root["header"].get_object().get(header)) {
    return InvalidArgument("etcd range answer: no header");
  }
  EtcdRange out;
  if (Status st = GetInt(header, "revision", &out.revision); !st.ok()) {
    return st.WithContext("etcd range answer header");
  }
  if (out.revision <= 0) return InvalidArgument("etcd range answer: no header.revision");
  simdjson::dom::array kvs;
  if (!root["kvs"].get_array().get(kvs)) {
    for (auto e : kvs) {
      object kv;
      if (e.get_object().get(kv)) return InvalidArgument("etcd range answer: kv not an object");
      auto found = KvFor(kv, key, &out.obs);
      if (!found.ok()) return found.status();
      if (*found) break;
    }
  }
  return out;
}

StatusOr<EtcdWatchMessage> ParseEtcdWatchMessage(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc)) {
    return InvalidArgument(std::string("etcd watch message: ") + simdjson::error_message(err));
  }
  object root;
  if (doc.get_object().get(root)) return InvalidArgument("etcd watch message: not an object");
  object result;
  if (root["result"].get_object().get(result)) {
    element unused;
    if (!root["error"].get(unused)) return ErrorOf(doc);
    return InvalidArgument("etcd watch message: no result");
  }
  EtcdWatchMessage m;
  object header;
  if (!result["header"].get_object().get(header)) {
    if (Status st = GetInt(header, "revision", &m.revision); !st.ok()) {
      return st.WithContext("etcd watch header");
    }
  }
  bool b = false;
  if (!result["created"].get_bool().get(b)) m.created = b;
  if (!result["canceled"].get_bool().get(b)) m.canceled = b;
  if (Status st = GetInt(result, "compact_revision", &m.compact_revision); !st.ok()) {
    return st.WithContext("etcd watch message");
  }
  std::string_view reason;
  if (!result["cancel_reason"].get_string().get(reason)) m.cancel_reason = reason;
  simdjson::dom::array events;
  if (!result["events"].get_array().get(events)) {
    for (auto e : events) {
      object ev, kv;
      if (e.get_object().get(ev) || ev["kv"].get_object().get(kv)) {
        return InvalidArgument("etcd watch event: no kv object");
      }
      Observation obs;
      auto found = KvFor(kv, key, &obs);
      if (!found.ok()) return found.status();
      if (!*found) continue;
      std::string_view type = "PUT";  // the default enum value is omitted
      if (!ev["type"].get_string().get(type) && type == "DELETE") {
        obs.exists = false;
        obs.value.clear();
      } else if (type != "PUT") {
        return InvalidArgument("etcd watch event: unknown type '" + std::string(type) + "'");
      }
      m.events.push_back(std::move(obs));
    }
  }
  return m;
}

Status LineSplitter::Feed(std::string_view chunk,
                          const std::function<Status(std::string_view)>& on_line) {
  while (!chunk.empty()) {
    auto nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      if (buf_.size() + chunk.size() > max_line_) {
        buf_.clear();
        return ResourceExhausted("line over " + std::to_string(max_line_) + " bytes");
      }
      buf_.append(chunk);
      return OkStatus();
    }
    std::string_view line;
    if (buf_.empty()) {
      line = chunk.substr(0, nl);
    } else {
      if (buf_.size() + nl > max_line_) {
        buf_.clear();
        return ResourceExhausted("line over " + std::to_string(max_line_) + " bytes");
      }
      buf_.append(chunk.substr(0, nl));
      line = buf_;
    }
    if (line.size() > max_line_) {
      buf_.clear();
      return ResourceExhausted("line over " + std::to_string(max_line_) + " bytes");
    }
    chunk.remove_prefix(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Status st = line.empty() ? OkStatus() : on_line(line);
    buf_.clear();
    if (!st.ok()) return st;
  }
  return OkStatus();
}

}  // namespace vs::kv
