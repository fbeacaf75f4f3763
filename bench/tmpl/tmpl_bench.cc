// Google Benchmark for the template engine on the inputs bench/tmpl/run.sh writes (directory
// in $VS_TMPL_BENCH_DIR): parse and execute of the VOLTHA-style template with 10,000 cores and
// of a 1 MiB template of small actions. Go's numbers for the same inputs come from go/bench.go.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "tmpl/template.h"

namespace {

std::string Slurp(const std::string& name) {
  const char* dir = std::getenv("VS_TMPL_BENCH_DIR");
  std::string path = std::string(dir ? dir : ".") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "missing %s (run bench/tmpl/run.sh)\n", path.c_str());
    std::exit(1);
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void Parse(benchmark::State& state, const char* tmpl) {
  std::string text = Slurp(tmpl);
  for (auto _ : state) {
    auto t = vs::tmpl::Template::Parse("t", text);
    if (!t.ok()) state.SkipWithError(t.status().message().c_str());
    benchmark::DoNotOptimize(t);
  }
}

void Execute(benchmark::State& state, const char* tmpl, const char* json) {
  std::string text = Slurp(tmpl);
  auto data = vs::tmpl::ParseJson(Slurp(json));
  auto t = vs::tmpl::Template::Parse("t", text);
  if (!data.ok() || !t.ok()) {
    state.SkipWithError("bad input");
    return;
  }
  std::string out;
  for (auto _ : state) {
    vs::Status st = t->Execute(*data, &out);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["out_bytes"] = static_cast<double>(out.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}

BENCHMARK_CAPTURE(Parse, voltha10k, "voltha.tmpl")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Execute, voltha10k, "voltha.tmpl", "voltha10k.json")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Parse, big1MiB, "big.tmpl")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Execute, big1MiB, "big.tmpl", "big.json")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
