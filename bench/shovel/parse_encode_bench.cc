// shovel's per-message hot path without Kafka or sockets: parse a message into datapoints and
// encode them into carbon pickle frames, as Shovel::Impl::Process does. One core.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "graphite/encoder.h"
#include "kpi/message_parser.h"

namespace {

std::vector<std::string> Messages(int shape) {
  std::vector<std::string> out;
  for (int i = 0; i < 256; ++i) {
    std::string m;
    if (shape == 1) {
      m = fmt::format(R"({{"type":"slice","ts":{},"data":{{"voltha.bench.dev{}":{{)",
                      1700000000 + i, i);
      for (int k = 0; k < 10; ++k)
        m += fmt::format(R"({}"metric_{}":{}.5)", k ? "," : "", k, i + k);
      m += "}}}";
    } else {
      m = fmt::format(
          R"({{"type":"slice","ts":{}.0,"slice_data":[{{"metadata":{{"title":"Ethernet",)"
          R"("ts":{}.0,"logical_device_id":"0001a82f1f5c6f21","device_id":"onu{}",)"
          R"("serial_no":"BRCM0001","context":{{"port_no":"1"}}}},"metrics":{{)",
          1700000000 + i, 1700000000 + i, i);
      for (int k = 0; k < 10; ++k) m += fmt::format(R"({}"counter_{}":{})", k ? "," : "", k, i * k);
      m += "}}]}";
    }
    out.push_back(std::move(m));
  }
  return out;
}

void BM_ParseEncode(benchmark::State& state) {
  std::vector<std::string> msgs = Messages(static_cast<int>(state.range(0)));
  vs::kpi::MessageParser parser;
  vs::kpi::DatapointBatch batch;
  vs::graphite::FrameEncoder enc(vs::graphite::Protocol::kPickle, 256 * 1024);
  size_t points = 0, bytes = 0, i = 0;
  for (auto _ : state) {
    const std::string& m = msgs[i++ & 255];
    batch.Clear();
    parser.Parse(m, &batch);
    for (size_t p = 0; p < batch.size(); ++p) {
      if (!enc.Append(batch.path(p), batch.timestamp(p), batch.value(p))) {
        // Handed back as CarbonSender does once a frame is written, so frames reuse storage.
        std::string frame = enc.Finish();
        bytes += frame.size();
        enc.Recycle(std::move(frame));
        enc.Append(batch.path(p), batch.timestamp(p), batch.value(p));
      }
    }
    points += batch.size();
  }
  bytes += enc.Finish().size();
  state.counters["datapoints/s"] =
      benchmark::Counter(static_cast<double>(points), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseEncode)->Arg(1)->Arg(3)->ArgNames({"shape"});
// A fixed iteration count, for instruction counts that do not depend on timing:
//   valgrind --tool=callgrind --toggle-collect='*BM_ParseEncode*' BENCH --benchmark_filter=fixed
BENCHMARK(BM_ParseEncode)
    ->Name("BM_ParseEncode/fixed")
    ->Arg(1)
    ->Arg(3)
    ->ArgNames({"shape"})
    ->Iterations(20000);

}  // namespace

BENCHMARK_MAIN();
