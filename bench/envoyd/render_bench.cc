// Render + write cost with many cores (issue 4, Performance): the assignment parse, the template
// data, the shipped v3 template's execution, and the atomic write, each measured on its own so
// that fsync (the disk, not us) is reported apart.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "envoyd/atomic_file.h"
#include "envoyd/daemon.h"
#include "envoyd/model.h"

namespace {

std::string Assignment(int n) {
  std::string s = "{";
  for (int i = 0; i < n; ++i) {
    char slot[16];
    std::snprintf(slot, sizeof(slot), "%04x", i);
    if (i) s += ",";
    s += std::string("\"") + slot + "\":{\"id\":\"vcore_vcore." + std::to_string(i) +
         ".q3l0\",\"host\":\"10." + std::to_string(i / 65536) + "." +
         std::to_string((i / 256) % 256) + "." + std::to_string(i % 256) + "\"}";
  }
  return s + "}";
}

std::string TemplatePath() {
  const char* src = std::getenv("VS_SOURCE_DIR");
  return std::string(src ? src : ".") + "/deploy/envoy/voltha-grpc-proxy.template.json";
}

void BM_Parse(benchmark::State& st) {
  std::string a = Assignment(static_cast<int>(st.range(0)));
  for (auto _ : st) benchmark::DoNotOptimize(vs::envoyd::ParseAssignment(a, 50556));
}
BENCHMARK(BM_Parse)->Arg(3)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_ParseAndRender(benchmark::State& st) {
  std::string a = Assignment(static_cast<int>(st.range(0)));
  auto r = vs::envoyd::LoadTemplateRenderer(TemplatePath());
  if (!r.ok()) {
    st.SkipWithError(r.status().ToString().c_str());
    return;
  }
  size_t bytes = 0;
  for (auto _ : st) {
    auto m = vs::envoyd::ParseAssignment(a, 50556);
    vs::envoyd::TemplateData d{"10.9.9.9:50556", "10.9.9.9", 50556,           "8882",
                               "8443",           "50555",    "/tmp/eds.json", &*m};
    auto out = (*r)->Render(d);
    bytes = out->size();
  }
  st.counters["config_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ParseAndRender)->Arg(3)->Arg(10000)->Unit(benchmark::kMillisecond);

// eds mode: the EDS file is generated without the template engine.
void BM_ParseAndEds(benchmark::State& st) {
  std::string a = Assignment(static_cast<int>(st.range(0)));
  size_t bytes = 0;
  for (auto _ : st) {
    auto m = vs::envoyd::ParseAssignment(a, 50556);
    bytes = vs::envoyd::EdsResponseJson(*m, "vcore", "v1").size();
  }
  st.counters["eds_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ParseAndEds)->Arg(10000)->Unit(benchmark::kMillisecond);

// The atomic write without its fsync time (reported separately as a counter).
void BM_WriteAtomically(benchmark::State& st) {
  std::string dir = std::filesystem::temp_directory_path() / "envoyd_bench_XXXXXX";
  if (!mkdtemp(dir.data())) {
    st.SkipWithError("mkdtemp");
    return;
  }
  std::string content(static_cast<size_t>(st.range(0)), 'x');
  double fsync_s = 0;
  for (auto _ : st) {
    vs::Duration f{0};
    auto t0 = std::chrono::steady_clock::now();
    auto s = vs::envoyd::WriteFileAtomically(dir + "/cfg.json", content, true, &f);
    auto spent = std::chrono::steady_clock::now() - t0;
    if (!s.ok()) st.SkipWithError(s.ToString().c_str());
    st.SetIterationTime(vs::ToSeconds(spent - f));
    fsync_s += vs::ToSeconds(f);
  }
  st.counters["fsync_ms_per_write"] = 1000 * fsync_s / static_cast<double>(st.iterations());
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WriteAtomically)->Arg(2 << 20)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
