// Google Benchmark for the template engine on the inputs bench/tmpl/run.sh writes (directory
// in $VS_TMPL_BENCH_DIR): parse and execute of the VOLTHA-style template with 10,000 cores and
// of a 1 MiB template of small actions. Go's numbers for the same inputs come from go/bench.go.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

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

// envoyd's render (issue 4): the shipped v3 template (deploy/envoy/) against the data envoyd
// builds (src/envoyd/daemon.cc TemplateDataValue): Cores as {Host, Id, Port, Slot} maps (Port a
// float64, as JSON gives it), VolthaRR a list of "host:port" strings. Needs VS_SOURCE_DIR (or
// the current directory at the source root).
vs::tmpl::Value EnvoydData(int cores) {
  using vs::tmpl::Value;
  Value::List list;
  std::vector<std::string> rr;
  for (int i = 0; i < cores; ++i) {
    char host[48], slot[16], id[48];
    std::snprintf(host, sizeof(host), "10.%d.%d.%d", i / 65536, (i / 256) % 256, i % 256);
    std::snprintf(slot, sizeof(slot), "%04x", i + 1);
    std::snprintf(id, sizeof(id), "vcore_vcore.%d.q3l0", i + 1);
    list.push_back(Value::MakeMap({{"Host", Value::String(host)},
                                   {"Id", Value::String(id)},
                                   {"Port", Value::Float(50556)},
                                   {"Slot", Value::String(slot)}}));
    rr.push_back(std::string(host) + ":50556");
  }
  return Value::MakeMap({{"Cores", Value::MakeList(std::move(list))},
                         {"EdsPath", Value::String("/envoy/eds.json")},
                         {"GrpcPort", Value::String("50555")},
                         {"HttpPort", Value::String("8882")},
                         {"HttpsPort", Value::String("8443")},
                         {"VipHost", Value::String("10.0.0.9")},
                         {"VipPort", Value::Float(50556)},
                         {"VolthaRR", Value::StringList(rr)},
                         {"VolthaVip", Value::String("10.0.0.9:50556")}});
}

void ExecuteEnvoyd(benchmark::State& state) {
  const char* src = std::getenv("VS_SOURCE_DIR");
  std::string path = std::string(src ? src : ".") + "/deploy/envoy/voltha-grpc-proxy.template.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    state.SkipWithError(("missing " + path + " (set VS_SOURCE_DIR)").c_str());
    return;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto t = vs::tmpl::Template::Parse("voltha-grpc-proxy.template.json", text);
  if (!t.ok()) {
    state.SkipWithError(t.status().message().c_str());
    return;
  }
  vs::tmpl::Value data = EnvoydData(static_cast<int>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    vs::Status st = t->Execute(data, &out);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["out_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(ExecuteEnvoyd)->Arg(3)->Arg(10000)->Unit(benchmark::kMicrosecond);

BENCHMARK_CAPTURE(Parse, voltha10k, "voltha.tmpl")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Execute, voltha10k, "voltha.tmpl", "voltha10k.json")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Parse, big1MiB, "big.tmpl")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Execute, big1MiB, "big.tmpl", "big.json")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
