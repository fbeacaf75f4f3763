// Render + write cost with many cores (issue 4, Performance). The headline line,
// "render+write 10,000 cores, fsync excluded", runs the daemon's whole path on a change through
// Engine::OnObservation (compare with the last value, parse, VolthaVip, template data, tmpl
// Execute, compare with the config in force, digest, atomic write with .bak) and reports the
// CPU time of the calling thread minus the CPU time spent inside fsync, plus wall time minus
// fsync wall time. The steps are also measured one by one. VolthaVip is a literal IP here so
// the numbers are ours; BM_ResolveVip shows what a getaddrinfo of a name costs on top.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <time.h>

#include <filesystem>

#include "common/metrics.h"
#include "envoyd/atomic_file.h"
#include "envoyd/daemon.h"
#include "envoyd/engine.h"
#include "envoyd/model.h"
#include "tmpl/template.h"
#include "tmpl/value.h"

namespace {

using vs::envoyd::TemplateData;

// n cores in slot order; `variant` 1 changes the last core's host, `variant` 2 every host.
std::string Assignment(int n, int variant = 0) {
  std::string s = "{";
  for (int i = 0; i < n; ++i) {
    char slot[16];
    std::snprintf(slot, sizeof(slot), "%04x", i);
    if (i) s += ",";
    int h = variant == 2 ? i + 70000 : (i == n - 1 ? i + variant * 70000 : i);
    s += std::string("\"") + slot + "\":{\"id\":\"vcore_vcore." + std::to_string(i) +
         ".q3l0\",\"host\":\"10." + std::to_string(h / 65536) + "." +
         std::to_string((h / 256) % 256) + "." + std::to_string(h % 256) + "\"}";
  }
  return s + "}";
}

std::string TemplatePath() {
  const char* src = std::getenv("VS_SOURCE_DIR");
  return std::string(src ? src : ".") + "/deploy/envoy/voltha-grpc-proxy.template.json";
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

TemplateData Data(const vs::envoyd::Assignment* a) {
  return TemplateData{"10.9.9.9:50556", "10.9.9.9", 50556,           "8882",
                      "8443",           "50555",    "/tmp/eds.json", a};
}

std::string TempDir() {
  std::string dir = std::filesystem::temp_directory_path() / "envoyd_bench_XXXXXX";
  if (!mkdtemp(dir.data())) return "";
  return dir;
}

// The headline: one change processed as the daemon does, fsync excluded. range(1) = 0: each
// change moves one core (the usual change: a core restarted elsewhere); 1: every core moves
// (nothing of the previous rendering's template data can be reused).
void BM_RenderWrite(benchmark::State& st) {
  int n = static_cast<int>(st.range(0));
  bool all = st.range(1) != 0;
  std::string dir = TempDir();
  auto r = vs::envoyd::LoadTemplateRenderer(TemplatePath());
  if (dir.empty() || !r.ok()) {
    st.SkipWithError("setup");
    return;
  }
  vs::envoyd::EngineOptions o;
  o.mode = vs::envoyd::Mode::kNone;
  o.config_path = dir + "/envoy.json";
  o.vcore_svc_name = "10.9.9.9";  // a literal: no DNS in the measured path
  vs::Registry metrics;
  auto run = [](const std::vector<std::string>&, vs::Duration) {
    return vs::StatusOr<vs::envoyd::CommandResult>(vs::Internal("no commands in the bench"));
  };
  vs::envoyd::Engine engine(o, r->get(), vs::RealClock::Get(), &metrics, run,
                            vs::envoyd::ResolveFirstAddress, nullptr);
  vs::kv::Observation obs[2];
  for (int v = 0; v < 2; ++v) {
    obs[v].exists = true;
    obs[v].value = Assignment(n, v == 0 ? 0 : (all ? 2 : 1));
  }
  uint64_t applies0 = engine.applies();
  double cpu = 0, fsync_cpu = 0, fsync_wall = 0;
  int i = 0;
  for (auto _ : st) {
    auto f0 = engine.fsync_totals();
    double c0 = ThreadCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    engine.OnObservation(obs[i++ & 1]);
    auto wall = std::chrono::steady_clock::now() - t0;
    double c1 = ThreadCpuSeconds();
    auto f1 = engine.fsync_totals();
    vs::Duration fw = f1.wall - f0.wall, fc = f1.cpu - f0.cpu;
    st.SetIterationTime(vs::ToSeconds(wall - fw));
    cpu += c1 - c0 - vs::ToSeconds(fc);
    fsync_cpu += vs::ToSeconds(fc);
    fsync_wall += vs::ToSeconds(fw);
  }
  if (engine.applies() - applies0 != static_cast<uint64_t>(st.iterations())) {
    st.SkipWithError("a change was not applied");
  }
  double it = static_cast<double>(st.iterations());
  st.counters["cpu_ms_excl_fsync"] = 1000 * cpu / it;
  st.counters["fsync_wall_ms"] = 1000 * fsync_wall / it;
  st.counters["fsync_cpu_ms"] = 1000 * fsync_cpu / it;
  st.counters["config_bytes"] = static_cast<double>(engine.snapshot().config.size());
  st.SetLabel("render+write " + std::to_string(n) + " cores, fsync excluded" +
              (all ? ", every core changed" : ", one core changed"));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RenderWrite)
    ->Args({3, 0})
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_Parse(benchmark::State& st) {
  std::string a = Assignment(static_cast<int>(st.range(0)));
  for (auto _ : st) benchmark::DoNotOptimize(vs::envoyd::ParseAssignment(a, 50556));
}
BENCHMARK(BM_Parse)->Arg(3)->Arg(10000)->Unit(benchmark::kMillisecond);

// Template data from scratch (the first rendering, or every core changed).
void BM_TemplateData(benchmark::State& st) {
  auto a = vs::envoyd::ParseAssignment(Assignment(static_cast<int>(st.range(0))), 50556);
  TemplateData d = Data(&*a);
  for (auto _ : st) benchmark::DoNotOptimize(vs::envoyd::TemplateDataValue(d));
}
BENCHMARK(BM_TemplateData)->Arg(10000)->Unit(benchmark::kMillisecond);

// Template data through the daemon's cache, one core changing at each rendering.
void BM_TemplateDataCached(benchmark::State& st) {
  int n = static_cast<int>(st.range(0));
  auto a0 = vs::envoyd::ParseAssignment(Assignment(n, 0), 50556);
  auto a1 = vs::envoyd::ParseAssignment(Assignment(n, 1), 50556);
  TemplateData d[2] = {Data(&*a0), Data(&*a1)};
  vs::envoyd::TemplateDataCache cache;
  int i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(cache.Build(d[i++ & 1]));
}
BENCHMARK(BM_TemplateDataCached)->Arg(10000)->Unit(benchmark::kMillisecond);

// The tmpl engine alone (owned by tmpl): Execute of the shipped template on prepared data.
void BM_Execute(benchmark::State& st) {
  auto a = vs::envoyd::ParseAssignment(Assignment(static_cast<int>(st.range(0))), 50556);
  auto text = vs::envoyd::ReadWholeFile(TemplatePath());
  auto t = text.ok() ? vs::tmpl::Template::Parse("t", *text) : text.status();
  if (!t.ok()) {
    st.SkipWithError(t.status().ToString().c_str());
    return;
  }
  vs::tmpl::Value data = vs::envoyd::TemplateDataValue(Data(&*a));
  std::string out;
  for (auto _ : st) {
    if (!t->Execute(data, &out).ok()) st.SkipWithError("execute");
  }
  st.counters["config_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_Execute)->Arg(10000)->Unit(benchmark::kMillisecond);

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

void BM_Digest(benchmark::State& st) {
  std::string content(static_cast<size_t>(st.range(0)), 'x');
  for (auto _ : st) benchmark::DoNotOptimize(vs::envoyd::Digest(content));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * st.range(0));
}
BENCHMARK(BM_Digest)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// The atomic write of a config-sized file; time and CPU without fsync, fsync as counters.
void BM_WriteAtomically(benchmark::State& st) {
  std::string dir = TempDir();
  if (dir.empty()) {
    st.SkipWithError("mkdtemp");
    return;
  }
  std::string content(static_cast<size_t>(st.range(0)), 'x');
  double cpu = 0, fsync_wall = 0, fsync_cpu = 0;
  for (auto _ : st) {
    double c0 = ThreadCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    auto staged = vs::envoyd::StageFile(dir + "/cfg.json", content);
    vs::Status s = staged.ok() ? vs::envoyd::CommitFile(&*staged, true) : staged.status();
    auto spent = std::chrono::steady_clock::now() - t0;
    double c1 = ThreadCpuSeconds();
    if (!s.ok()) {
      st.SkipWithError(s.ToString().c_str());
      break;
    }
    st.SetIterationTime(vs::ToSeconds(spent - staged->fsync_time));
    cpu += c1 - c0 - vs::ToSeconds(staged->fsync_cpu);
    fsync_wall += vs::ToSeconds(staged->fsync_time);
    fsync_cpu += vs::ToSeconds(staged->fsync_cpu);
  }
  double it = static_cast<double>(st.iterations());
  st.counters["cpu_ms_excl_fsync"] = 1000 * cpu / it;
  st.counters["fsync_wall_ms"] = 1000 * fsync_wall / it;
  st.counters["fsync_cpu_ms"] = 1000 * fsync_cpu / it;
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WriteAtomically)
    ->Arg(1116380)
    ->Arg(2 << 20)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// getaddrinfo of a name (not a literal), the cost a -vcore-svc-name adds to every render.
void BM_ResolveVip(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(vs::envoyd::ResolveFirstAddress("localhost"));
}
BENCHMARK(BM_ResolveVip)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // one info line per apply would be measured too
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
