// CONTRACT (shovel depends on it; the kpi owner implements it and may extend it).
//
// Turns one Kafka message into Graphite datapoints. Understands the four shapes of the shovel
// issue (seed `data`, KpiEvent `prefixes`, KpiEvent2 `slice_data`, Graphite plaintext) and the
// path rules (byte-wise sanitising to [A-Za-z0-9_:#@%+=-], empty components dropped, paths over
// 1024 bytes skipped). Never throws, never crashes, bounded memory on any input.
// Not thread-safe: one parser per thread (it reuses buffers).
//
// The exact shapes, path rules, reasons and the decisions on edge cases (leading whitespace,
// duplicate keys, numbers beyond 64 bits or beyond double range, nesting depth) are in
// docs/KPI_FORMATS.md. Memory: the parser keeps buffers sized for the messages it has seen and
// gives them back after any message over 1 MiB, so one huge message does not pin memory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "kpi/datapoint.h"

namespace vs::kpi {

// Why a whole message was rejected (nothing from it lands; it goes to the dead-letter topic).
enum class MessageReject : uint8_t {
  kNone = 0,
  kInvalidJson,  // not valid JSON, including invalid UTF-8 and NaN/Infinity tokens
  kNotObject,    // top level is not an object (e.g. a list)
  kNotSlice,     // "type" missing or not "slice"
  kTooLarge,     // over the configured maximum message size
  kTooDeep,      // nested deeper than 1024 levels (no shape needs more than 5)
  kCount
};
const char* MessageRejectName(MessageReject r);  // "invalid_json", ... (metric label values)

// Why a single datapoint was skipped (the rest of its message still lands).
enum class PointSkip : uint8_t {
  kBadTimestamp = 0,  // ts missing, not a number, not positive or not finite
  kBadValue,          // value not a JSON number (string, bool, null, list, object) or not finite
  kEmptyPath,         // nothing left after sanitising
  kPathTooLong,       // over 1024 bytes after sanitising
  kMalformedLine,     // plaintext: not "path value timestamp"
  kBadShape,          // an entry of the wrong type where an object/list was expected
  kCount
};
const char* PointSkipName(PointSkip s);  // "bad_timestamp", ...

struct ParseStats {
  MessageReject reject = MessageReject::kNone;
  std::array<uint32_t, static_cast<size_t>(PointSkip::kCount)> skipped{};
  uint32_t added = 0;      // datapoints appended to the batch
  bool fast_path = false;  // read by the one-pass fast path (else by simdjson's DOM)
};

class MessageParser {
 public:
  // max_message_bytes: larger messages are rejected whole (kTooLarge) without parsing.
  // prefix: prepended path component(s) (already validated by the caller), may be empty.
  explicit MessageParser(size_t max_message_bytes = 64 << 20, std::string_view prefix = {});
  ~MessageParser();
  // Appends the message's datapoints to *out; on a whole-message reject appends nothing.
  ParseStats Parse(std::string_view message, DatapointBatch* out);
  // The one-pass fast path reads the common JSON messages (printable ASCII without escapes,
  // known keys in the usual order) and gives up on anything else, which simdjson then parses;
  // results are the same either way. Off: every JSON message goes to simdjson (for tests that
  // compare the two, and for benchmarks).
  void set_fast_path(bool on);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vs::kpi
