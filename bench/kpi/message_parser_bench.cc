// MessageParser::Parse on typical messages of each shape: 10 metrics, ~400 bytes, 1024
// distinct messages (device ids, values, timestamps vary) parsed in turn into a batch that is
// cleared every 1000 messages, as shovel does. items/s is datapoints per second on one core.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "kpi/message_parser.h"

namespace {

constexpr int kMessages = 1024;
// VOLTHA's PON/NNI port counters.
const char* const kMetrics[10] = {
    "rx_bytes",         "rx_packets", "rx_ucast_packets", "rx_mcast_packets", "rx_bcast_packets",
    "rx_error_packets", "tx_bytes",   "tx_packets",       "tx_ucast_packets", "tx_mcast_packets"};

std::string Hex(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0001%012x", i * 2654435761u);
  return buf;
}

std::string MetricsJson(int i) {
  std::string s = "{";
  for (int m = 0; m < 10; ++m) {
    if (m) s += ',';
    s += "\"" + std::string(kMetrics[m]) + "\":";
    s += m % 3 == 2 ? std::to_string(i * 10 + m) + "." + std::to_string(m * 7 % 10)
                    : std::to_string(1000000 + i * 1000 + m * 37);
  }
  return s + "}";
}

std::string Ts(int i) { return std::to_string(1700000000 + i) + ".0"; }

std::string Seed(int i) {
  return R"({"type":"slice","ts":)" + Ts(i) + R"(,"data":{"voltha.openolt.)" + Hex(i) +
         R"(.pon.0":)" + MetricsJson(i) + "}}";
}
std::string KpiEvent(int i) {
  return R"({"type":"slice","ts":)" + Ts(i) + R"(,"prefixes":{"voltha.openolt.)" + Hex(i) +
         R"(.pon.0":{"metrics":)" + MetricsJson(i) + "}}}";
}
std::string KpiEvent2(int i) {
  return R"({"type":"slice","ts":)" + Ts(i) + R"(,"slice_data":[{"metadata":{"title":"Ethernet",)" +
         R"("ts":)" + Ts(i) + R"(,"logical_device_id":")" + Hex(i + 1) + R"(","device_id":")" +
         Hex(i) + R"(","serial_no":"ALCL)" + std::to_string(10000 + i) +
         R"(","context":{"port_no":")" + std::to_string(i % 16) + R"("}},"metrics":)" +
         MetricsJson(i) + "}]}";
}
std::string Plaintext(int i) {
  std::string s;
  for (int m = 0; m < 10; ++m) {
    s += "voltha.openolt." + Hex(i) + ".pon.0." + kMetrics[m] + " " +
         std::to_string(i * 1000 + m * 37) + " " + std::to_string(1700000000 + i) + "\n";
  }
  return s;
}

// The slow paths, for scale: one number beyond 64 bits (simdjson refuses it: the document is
// rewritten and parsed again), and names that need sanitising (byte-by-byte table).
std::string SeedBigInteger(int i) {
  std::string m = Seed(i);
  const size_t at = m.find("\"tx_bytes\":") + 11;
  return m.replace(at, m.find(',', at) - at, "18446744073709551616");
}
std::string SeedDirtyNames(int i) {
  std::string m = Seed(i);
  for (size_t at = m.find("_packets"); at != std::string::npos; at = m.find("_packets", at)) {
    m[at] = ' ';
  }
  return m;
}

template <std::string (*Make)(int)>
void BM_Parse(benchmark::State& state) {
  std::vector<std::string> messages;
  size_t bytes = 0;
  for (int i = 0; i < kMessages; ++i) {
    messages.push_back(Make(i));
    bytes += messages.back().size();
  }
  vs::kpi::MessageParser parser;
  parser.set_fast_path(state.range(0) != 0);
  vs::kpi::DatapointBatch batch;
  size_t points = 0, parsed = 0, msg_bytes = 0, i = 0, fast = 0;
  for (auto _ : state) {
    const std::string& m = messages[i];
    if (++i == messages.size()) i = 0;
    const vs::kpi::ParseStats st = parser.Parse(m, &batch);
    points += st.added;
    fast += st.fast_path;
    msg_bytes += m.size();
    if (++parsed % 1000 == 0) batch.Clear();
  }
  if (points != parsed * 10) state.SkipWithError("not every datapoint was parsed");
  state.SetItemsProcessed(static_cast<int64_t>(points));
  state.SetBytesProcessed(static_cast<int64_t>(msg_bytes));
  state.counters["msg_bytes"] = static_cast<double>(bytes) / kMessages;
  state.counters["fast_share"] = static_cast<double>(fast) / static_cast<double>(parsed);
}

BENCHMARK_TEMPLATE(BM_Parse, Seed)->Name("Parse/seed_data")->Arg(1)->Arg(0)->ArgNames({"fast"});
BENCHMARK_TEMPLATE(BM_Parse, KpiEvent)
    ->Name("Parse/kpievent_prefixes")
    ->Arg(1)
    ->Arg(0)
    ->ArgNames({"fast"});
BENCHMARK_TEMPLATE(BM_Parse, KpiEvent2)
    ->Name("Parse/kpievent2_slice_data")
    ->Arg(1)
    ->Arg(0)
    ->ArgNames({"fast"});
BENCHMARK_TEMPLATE(BM_Parse, Plaintext)
    ->Name("Parse/graphite_plaintext")
    ->Arg(1)
    ->Arg(0)
    ->ArgNames({"fast"});
BENCHMARK_TEMPLATE(BM_Parse, SeedBigInteger)
    ->Name("Parse/slow_seed_integer_beyond_64_bits")
    ->Arg(1)
    ->Arg(0)
    ->ArgNames({"fast"});
BENCHMARK_TEMPLATE(BM_Parse, SeedDirtyNames)
    ->Name("Parse/slow_seed_names_to_sanitise")
    ->Arg(1)
    ->Arg(0)
    ->ArgNames({"fast"});
// Fixed iteration counts, for instruction counts that do not depend on timing (this
// machine's CPU time varies by 20-40% between identical runs):
//   valgrind --tool=callgrind --toggle-collect='vs::kpi::MessageParser::Parse*'
//     BENCH --benchmark_filter=fixed/seed_data    (one command line)
// gives instructions per message as the collected total divided by 20,000.
BENCHMARK_TEMPLATE(BM_Parse, Seed)->Name("Parse/fixed/seed_data")->Arg(1)->Iterations(20000);
BENCHMARK_TEMPLATE(BM_Parse, KpiEvent2)
    ->Name("Parse/fixed/kpievent2_slice_data")
    ->Arg(1)
    ->Iterations(20000);

}  // namespace

BENCHMARK_MAIN();
