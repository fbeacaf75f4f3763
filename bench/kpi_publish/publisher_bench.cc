// Producer throughput of libkpi's write side (issue 5: >= 1,000,000 samples/s into the mock
// cluster on one core). Samples are the simulator's KpiEvent2 OLT port counters (50 per
// device), or plain diagnostics-like samples (20 metrics per object), built before timing.
//   BM_Serialize/<shape>/<kind>: JsonWriter alone.
//   BM_PublishMock/<shape>/<kind>: Publisher into an in-process mock cluster (8 partitions),
//     each iteration publishing 1,000,000 samples in batches of 10,000 and waiting for every
//     delivery report (Flush), so samples/s counts only delivered samples;
//     samples_per_process_cpu_s divides them by the CPU time of every thread of the process.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "kafka/mock_cluster.h"
#include "kpi/json_writer.h"
#include "kpi/publisher.h"
#include "kpi_publish/simulator.h"

namespace {

using vs::kpi::Sample;

// CPU seconds of the whole process (every thread: ours, librdkafka's, the mock broker's).
double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
using vs::kpi::Shape;

constexpr size_t kBatch = 10000;

// kind 0: simulated devices (KpiEvent2 metadata); kind 1: plain samples.
const std::vector<Sample>& Samples(int kind) {
  static std::vector<Sample> cache[2];
  if (cache[kind].empty()) {
    if (kind == 0) {
      vs::kpi_publish::DeviceSimulator sim(200, 1.7e9, 1);
      for (size_t i = 0; i < sim.size(); ++i)
        sim.DeviceSamples(i, 1.7e9 + 15, 1.7e9 + 15, &cache[0]);
    } else {
      for (int obj = 0; obj < 500; ++obj) {
        for (int m = 0; m < 20; ++m) {
          cache[1].push_back(vs::kpi::MakeSample("voltha.internal.core" + std::to_string(obj),
                                                 "metric-" + std::to_string(m), obj * 20 + m + 0.5,
                                                 1.7e9 + 15));
        }
      }
    }
  }
  return cache[kind];
}

void BM_Serialize(benchmark::State& state) {
  const auto shape = static_cast<Shape>(state.range(0));
  const auto& samples = Samples(static_cast<int>(state.range(1)));
  vs::kpi::JsonWriter w({.shape = shape});
  size_t bytes = 0;
  for (auto _ : state) {
    auto st = w.Write(samples, [&](std::string_view m, size_t) { bytes += m.size(); });
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * samples.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(vs::kpi::ShapeName(shape));
}

void BM_PublishMock(benchmark::State& state) {
  const auto shape = static_cast<Shape>(state.range(0));
  const auto& pool = Samples(static_cast<int>(state.range(1)));
  auto mc = vs::kafka::MockCluster::Start(1);
  if (!mc.ok() || !(*mc)->CreateTopic("bench", 8).ok()) {
    state.SkipWithError("mock cluster");
    return;
  }
  vs::kpi::PublisherOptions po;
  po.client.bootstrap = (*mc)->bootstrap();
  po.topic = "bench";
  po.writer.shape = shape;
  po.enqueue_wait = std::chrono::seconds(30);
  auto pub = vs::kpi::Publisher::Create(po);
  if (!pub.ok()) {
    state.SkipWithError(pub.status().ToString().c_str());
    return;
  }
  const size_t per_iter = 1000000;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    size_t sent = 0, at = 0;
    while (sent < per_iter) {
      if (at + kBatch > pool.size()) at = 0;
      auto r = (*pub)->Publish(std::span<const Sample>(pool.data() + at, kBatch));
      if (!r.status.ok()) state.SkipWithError(r.status.ToString().c_str());
      sent += kBatch;
      at += kBatch;
    }
    if (!(*pub)->Flush(std::chrono::seconds(60)).ok()) state.SkipWithError("flush");
  }
  const double cpu = ProcessCpuSeconds() - cpu0;
  auto s = (*pub)->stats();
  if (s.samples_failed != 0 || s.samples_dropped != 0) state.SkipWithError("samples lost");
  state.SetItemsProcessed(static_cast<int64_t>(s.samples_delivered));
  state.counters["messages"] = static_cast<double>(s.messages_delivered);
  // Samples per CPU-second of the whole process: on a shared core this is what one core does
  // when it is ours alone (wall-clock items_per_second also counts other processes' time).
  state.counters["samples_per_process_cpu_s"] = static_cast<double>(s.samples_delivered) / cpu;
  state.SetLabel(vs::kpi::ShapeName(shape));
}

void Args(benchmark::internal::Benchmark* b) {
  for (int shape = 0; shape < 3; ++shape) {
    for (int kind = 0; kind < 2; ++kind) b->Args({shape, kind});
  }
  b->ArgNames({"shape", "devices0_plain1"});
}

BENCHMARK(BM_Serialize)->Apply(Args);
BENCHMARK(BM_PublishMock)->Apply(Args)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
