// Parsers for etcd v3's JSON gateway (DESIGN.md 2.4): the /v3/kv/range answer and the
// newline-delimited messages of the /v3/watch stream. Keys and values are base64; int64
// fields come as JSON strings (numbers are accepted too). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "kv/watcher.h"

namespace vs::kv {

struct EtcdRange {
  int64_t revision = 0;  // header.revision: the store revision the read saw
  Observation obs;       // version = the key's mod_revision
};

// `key` is the raw (decoded) key. Bad JSON, a missing header.revision or bad base64 is
// InvalidArgument; an {"error": ...} answer is Unavailable with etcd's message.
StatusOr<EtcdRange> ParseEtcdRange(std::string_view json, std::string_view key);

struct EtcdWatchMessage {
  int64_t revision = 0;  // header.revision (0 when absent, as in a cancel)
  bool created = false;
  bool canceled = false;
  int64_t compact_revision = 0;  // > 0: the start revision was compacted: read again
  std::string cancel_reason;
  std::vector<Observation> events;  // events on `key` only, in order
};

// One message of the watch stream: {"result": {...}}. An {"error": ...} message is
// Unavailable with etcd's message; bad JSON or base64 is InvalidArgument.
StatusOr<EtcdWatchMessage> ParseEtcdWatchMessage(std::string_view json, std::string_view key);

// Splits a byte stream into lines ('\n', a trailing '\r' dropped, empty lines skipped),
// whatever the chunk boundaries. A line longer than max_line is ResourceExhausted. Not
// thread-safe.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 64 << 20) : max_line_(max_line) {}
  // Calls on_line for each complete line in `chunk` (with the buffered start); the first
  // non-ok Status from on_line is returned and the rest of the chunk is dropped.
  Status Feed(std::string_view chunk, const std::function<Status(std::string_view)>& on_line);
  size_t buffered() const { return buf_.size(); }

 private:
  size_t max_line_;
  std::string buf_;
};

}  // namespace vs::kv
