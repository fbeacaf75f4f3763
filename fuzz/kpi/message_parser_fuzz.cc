// Fuzzes MessageParser::Parse and checks what it promises on any input: no crash, a reject
// appends nothing, and every datapoint obeys the path rules with a positive finite timestamp
// and a finite value. A reused parser must give the same result as a fresh one (no state
// leaks between messages), and the one-pass fast path must give exactly what simdjson alone
// gives. Violations abort, which libFuzzer and the replay test report.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kpi/message_parser.h"
#include "kpi/path_rules.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

void CheckPath(std::string_view p) {
  Require(!p.empty() && p.size() <= vs::kpi::kMaxPathBytes);
  Require(p.front() != '.' && p.back() != '.');
  for (size_t i = 0; i < p.size(); ++i) {
    const auto b = static_cast<uint8_t>(p[i]);
    if (b == '.') {
      Require(p[i + 1] != '.');  // empty components are dropped
    } else {
      Require(vs::kpi::IsPathByte(b));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vs::kpi::MessageParser reused(1 << 20, "fuzz");
  static vs::kpi::DatapointBatch batch;
  const std::string_view message(reinterpret_cast<const char*>(data), size);

  batch.Clear();
  batch.Add("before", 1, 1);
  const vs::kpi::ParseStats stats = reused.Parse(message, &batch);
  Require(batch.size() == 1 + stats.added);
  if (stats.reject != vs::kpi::MessageReject::kNone) Require(stats.added == 0);
  for (size_t i = 1; i < batch.size(); ++i) {
    CheckPath(batch.path(i));
    Require(batch.path(i).substr(0, 5) == "fuzz.");
    Require(batch.timestamp(i) > 0 && std::isfinite(batch.timestamp(i)));
    Require(std::isfinite(batch.value(i)));
  }

  vs::kpi::MessageParser fresh(1 << 20, "fuzz");
  vs::kpi::DatapointBatch again;
  const vs::kpi::ParseStats stats2 = fresh.Parse(message, &again);
  Require(stats2.reject == stats.reject && stats2.skipped == stats.skipped &&
          stats2.added == stats.added);
  for (size_t i = 0; i < again.size(); ++i) {
    Require(again.path(i) == batch.path(i + 1));
    const bool same_value = again.value(i) == batch.value(i + 1);
    Require(again.timestamp(i) == batch.timestamp(i + 1) && same_value);
  }

  // The fast path and simdjson alone must agree exactly (stats, paths, bits of each number).
  static vs::kpi::MessageParser slow(1 << 20, "fuzz");
  slow.set_fast_path(false);
  vs::kpi::DatapointBatch slow_batch;
  const vs::kpi::ParseStats stats3 = slow.Parse(message, &slow_batch);
  Require(!stats3.fast_path && stats3.reject == stats.reject && stats3.skipped == stats.skipped &&
          stats3.added == stats.added && slow_batch.size() == again.size());
  for (size_t i = 0; i < again.size(); ++i) {
    Require(slow_batch.path(i) == again.path(i));
    Require(std::bit_cast<uint64_t>(slow_batch.value(i)) ==
            std::bit_cast<uint64_t>(again.value(i)));
    Require(std::bit_cast<uint64_t>(slow_batch.timestamp(i)) ==
            std::bit_cast<uint64_t>(again.timestamp(i)));
  }
  return 0;
}
