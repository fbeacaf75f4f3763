// FrameEncoder (pickle and plaintext) and ConsistentHashRing::Route throughput on one core.
// Route is compared with a binary search over the same ring (what carbon's bisect does) to
// show what the 64 Ki-entry lookup table buys.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "graphite/encoder.h"
#include "graphite/hashing.h"
#include "graphite/md5.h"

namespace vs::graphite {
namespace {

// Paths shaped like shovel's KpiEvent2 output (~60 bytes).
const std::vector<std::string>& Paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> p;
    const char* metrics[] = {"tx_packets", "rx_packets", "tx_bytes", "rx_bytes", "rx_errors"};
    for (int i = 0; i < 4096; ++i) {
      p.push_back("voltha.Ethernet.000115929ed7" + std::to_string(1000 + i % 97) + "." +
                  std::to_string(i % 16) + "." + metrics[i % 5]);
    }
    return p;
  }();
  return paths;
}

void EncodeLoop(benchmark::State& state, Protocol proto) {
  const auto& paths = Paths();
  FrameEncoder enc(proto, 512 * 1024);
  size_t i = 0, bytes = 0;
  double ts = 1700000000;
  for (auto _ : state) {
    const std::string& p = paths[i & 4095];
    // Mixed values: integral counters and fractional gauges.
    double v = (i & 1) ? static_cast<double>(i) : static_cast<double>(i) * 0.37;
    if (!enc.Append(p, ts + static_cast<double>(i >> 12), v)) {
      std::string frame = enc.Finish();
      bytes += frame.size();
      benchmark::DoNotOptimize(frame.data());
      enc.Append(p, ts, v);
    }
    ++i;
  }
  bytes += enc.Finish().size();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_EncodePickle(benchmark::State& state) { EncodeLoop(state, Protocol::kPickle); }
void BM_EncodePlaintext(benchmark::State& state) { EncodeLoop(state, Protocol::kPlaintext); }
BENCHMARK(BM_EncodePickle);
BENCHMARK(BM_EncodePlaintext);

std::vector<Destination> Dests(int n) {
  std::vector<Destination> d;
  for (int i = 0; i < n; ++i) d.push_back({"10.0.0." + std::to_string(i + 1), 2004, ""});
  return d;
}

void BM_Route(benchmark::State& state) {
  ConsistentHashRing ring(Dests(static_cast<int>(state.range(0))));
  const auto& paths = Paths();
  size_t i = 0, sum = 0;
  for (auto _ : state) sum += ring.Route(paths[i++ & 4095]);
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Route)->Arg(1)->Arg(3)->Arg(5)->Arg(20);

// Route through a RouteCache: the paths repeat, as KPI paths do every interval.
void BM_RouteCached(benchmark::State& state) {
  ConsistentHashRing ring(Dests(static_cast<int>(state.range(0))));
  RouteCache cache(&ring);
  const auto& paths = Paths();
  size_t i = 0, sum = 0;
  for (auto _ : state) sum += cache.Route(paths[i++ & 4095]);
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RouteCached)->Arg(3)->Arg(5);

// The same routing as carbon computes it: md5 then bisect_left over the sorted ring.
void BM_RouteBisect(benchmark::State& state) {
  ConsistentHashRing ring(Dests(static_cast<int>(state.range(0))));
  const auto& r = ring.ring();
  const auto& paths = Paths();
  size_t i = 0, sum = 0;
  for (auto _ : state) {
    uint32_t pos = Md5Prefix16(paths[i++ & 4095]);
    auto it = std::lower_bound(r.begin(), r.end(), pos,
                               [](const auto& e, uint32_t p) { return e.first < p; });
    sum += (it == r.end() ? r.front() : *it).second;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RouteBisect)->Arg(3)->Arg(5)->Arg(20);

void BM_Md5Path(benchmark::State& state) {
  const auto& paths = Paths();
  size_t i = 0;
  uint32_t sum = 0;
  for (auto _ : state) sum += Md5Prefix16(paths[i++ & 4095]);
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Md5Path);

}  // namespace
}  // namespace vs::graphite
