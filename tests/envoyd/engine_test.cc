#include "envoyd/engine.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "envoyd/atomic_file.h"
#include "envoyd/fakes.h"
#include "envoyd/supervisor.h"
#include "test_common/subprocess.h"

namespace vs::envoyd {
namespace {

using testing::FakeCommands;
using testing::FakeRenderer;
using testing::FakeRunner;
using vs::testing::ReadFile;
using vs::testing::TempDir;

const char kA[] = R"({"0001":{"id":"a","host":"10.0.0.1"},"0002":{"id":"b","host":"10.0.0.2"}})";
const char kB[] = R"({"0001":{"id":"a","host":"10.0.0.1"},"0002":{"id":"c","host":"10.0.0.3"}})";

kv::Observation Obs(const std::string& v) { return {true, v, "1"}; }

StatusOr<std::string> Vip(const std::string&) { return std::string("10.9.9.9"); }

class EngineTest : public ::testing::Test {
 protected:
  EngineOptions Opts(Mode mode) {
    EngineOptions o;
    o.mode = mode;
    o.config_path = dir.File("envoy.json");
    o.eds_path = dir.File("eds.json");
    o.retry_initial = std::chrono::seconds(1);
    o.retry_cap = std::chrono::seconds(4);
    return o;
  }
  std::unique_ptr<Engine> Make(EngineOptions o, Supervisor* sup = nullptr) {
    return std::make_unique<Engine>(std::move(o), &renderer, &clock, &metrics, commands.Fn(), Vip,
                                    sup);
  }
  double Metric(const std::string& name, const std::string& labels = "") {
    return metrics.Value(name, labels);
  }
  std::string Config() { return ReadFile(dir.File("envoy.json")); }
  size_t FilesInDir() {
    size_t n = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++n;
    return n;
  }

  TempDir dir;
  FakeClock clock;
  Registry metrics;
  FakeRenderer renderer;
  FakeCommands commands;
};

TEST_F(EngineTest, WritesOnlyWhenTheRenderingChanges) {
  auto e = Make(Opts(Mode::kNone));
  e->OnObservation(Obs(kA));
  EXPECT_EQ(Config(), "vip=10.9.9.9:50556 grpc=50555 rr=10.0.0.1:50556,10.0.0.2:50556,\n");
  EXPECT_EQ(e->applies(), 1u);
  e->OnObservation(Obs(kA));  // a bare index move: same value
  EXPECT_EQ(Metric("envoyd_kv_unchanged_total"), 1);
  // A different value that renders the same bytes (order, ids, null slots) is no change either.
  e->OnObservation(Obs(R"({"0009":null,"0002":{"id":"x","host":"10.0.0.2"},
                           "0001":{"host":"10.0.0.1"}})"));
  EXPECT_EQ(e->applies(), 1u);
  EXPECT_EQ(Metric("envoyd_renders_total", R"(outcome="unchanged")"), 1);
  EXPECT_EQ(Metric("envoyd_writes_total"), 1);
  e->OnObservation(Obs(kB));
  EXPECT_EQ(e->applies(), 2u);
  EXPECT_NE(Config().find("10.0.0.3"), std::string::npos);
  EXPECT_NE(ReadFile(dir.File("envoy.json.bak")).find("10.0.0.2"), std::string::npos);
  EXPECT_TRUE(e->ready());
  EXPECT_EQ(e->snapshot().digest, Digest(Config()));
}

TEST_F(EngineTest, KeepsLastGoodConfig) {
  auto e = Make(Opts(Mode::kNone));
  e->OnObservation(Obs(kA));
  const std::string good = Config();
  e->OnObservation({false, "", "7"});  // deleted key
  e->OnObservation(Obs("{not json"));
  e->OnObservation(Obs("{}"));
  e->OnObservation(Obs(R"({"0001":null})"));
  e->OnObservation(Obs(R"(["10.0.0.1"])"));
  renderer.fail = true;
  e->OnObservation(Obs(kB));
  EXPECT_EQ(Config(), good);
  EXPECT_EQ(e->applies(), 1u);
  EXPECT_EQ(Metric("envoyd_kv_missing_total"), 1);
  EXPECT_EQ(Metric("envoyd_renders_total", R"(outcome="invalid_assignment")"), 2);
  EXPECT_EQ(Metric("envoyd_renders_total", R"(outcome="empty_assignment")"), 2);
  EXPECT_EQ(Metric("envoyd_renders_total", R"(outcome="render_error")"), 1);
  // The next change is tried afresh.
  renderer.fail = false;
  e->OnObservation(Obs(kA));
  e->OnObservation(Obs(kB));
  EXPECT_NE(Config().find("10.0.0.3"), std::string::npos);
  EXPECT_EQ(FilesInDir(), 2u);  // envoy.json and .bak: no temp file left behind
}

TEST_F(EngineTest, ValidationWithPlaceholderAndRejection) {
  auto o = Opts(Mode::kNone);
  o.validate_argv = {"envoy", "--mode", "validate", "-c", "{}"};
  auto e = Make(o);
  e->OnObservation(Obs(kA));
  ASSERT_EQ(commands.calls.size(), 1u);
  const auto& argv = commands.calls[0];
  ASSERT_EQ(argv.size(), 5u);
  EXPECT_NE(argv[4], dir.File("envoy.json"));  // the staged file, not the live one
  EXPECT_EQ(argv[4].rfind(dir.path() + "/.envoy.json.tmp.", 0), 0u) << argv[4];
  EXPECT_NE(commands.staged_contents.at(0).find("10.0.0.2"), std::string::npos);
  const std::string good = Config();
  commands.next_exit = 1;
  e->OnObservation(Obs(kB));
  EXPECT_EQ(Config(), good);
  EXPECT_EQ(Metric("envoyd_validation_failures_total"), 1);
  EXPECT_EQ(FilesInDir(), 1u);  // the rejected temp file is gone (and no .bak was made)
  commands.next_exit = 0;
  e->OnObservation(Obs(kA));  // same as in force
  EXPECT_EQ(e->applies(), 1u);
}

TEST_F(EngineTest, QuiescenceCoalescesABurst) {
  auto o = Opts(Mode::kNone);
  o.wait_min = std::chrono::seconds(1);
  o.wait_max = std::chrono::seconds(4);
  auto e = Make(o);
  // 10 changes 100 ms apart: nothing until the value has been stable for 1 s.
  for (int i = 0; i < 10; ++i) {
    e->OnObservation(Obs(i % 2 ? kA : kB));
    clock.Advance(Millis(100));
    e->Tick();
  }
  EXPECT_EQ(e->applies(), 0u);
  EXPECT_LE(e->NextTickIn(), std::chrono::seconds(1));
  clock.Advance(Millis(900));
  e->Tick();
  EXPECT_EQ(e->applies(), 1u);
  EXPECT_NE(Config().find("10.0.0.2"), std::string::npos);  // the last value of the burst (kA)
}

TEST_F(EngineTest, QuiescenceMaxBoundsTheDelay) {
  auto o = Opts(Mode::kNone);
  o.wait_min = std::chrono::seconds(1);
  o.wait_max = std::chrono::seconds(4);
  auto e = Make(o);
  // A change every 500 ms for 12 s: never quiet for 1 s, so `max` fires every 4 s.
  std::vector<double> apply_times;
  for (int i = 0; i < 24; ++i) {
    std::string v = std::string(R"({"1":{"host":"10.1.0.)") + std::to_string(i) + "\"}}";
    e->OnObservation(Obs(v));
    for (int t = 0; t < 5; ++t) {
      clock.Advance(Millis(100));
      uint64_t before = e->applies();
      e->Tick();
      if (e->applies() != before) apply_times.push_back((i * 500 + (t + 1) * 100) / 1000.0);
    }
  }
  ASSERT_EQ(apply_times.size(), 3u);
  EXPECT_DOUBLE_EQ(apply_times[0], 4.0);
  EXPECT_DOUBLE_EQ(apply_times[1], 8.0);
  EXPECT_DOUBLE_EQ(apply_times[2], 12.0);
}

TEST_F(EngineTest, CommandModeRetriesAFailedReload) {
  auto o = Opts(Mode::kCommand);
  o.reload_argv = {"haproxy-reload", "now"};
  auto e = Make(o);
  commands.next_exit = 3;
  e->OnObservation(Obs(kA));
  ASSERT_EQ(commands.calls.size(), 1u);
  EXPECT_EQ(commands.calls[0], (std::vector<std::string>{"haproxy-reload", "now"}));
  EXPECT_FALSE(e->ready());
  EXPECT_EQ(Metric("envoyd_reloads_total", R"(outcome="failed")"), 1);
  e->Tick();
  EXPECT_EQ(commands.calls.size(), 1u);  // backing off
  clock.Advance(std::chrono::seconds(5));
  commands.next_exit = 0;
  e->Tick();
  EXPECT_EQ(commands.calls.size(), 2u);
  EXPECT_TRUE(e->ready());
  EXPECT_EQ(Metric("envoyd_reloads_total", R"(outcome="ok")"), 1);
}

TEST_F(EngineTest, RestartModeStartsEpochsOnChangesAndHup) {
  FakeRunner runner;
  SupervisorOptions so;
  so.envoy_bin = "envoy";
  so.config_path = dir.File("envoy.json");
  so.epoch_grace = std::chrono::seconds(2);
  Supervisor sup(so, &runner, &clock);
  auto e = Make(Opts(Mode::kRestart), &sup);
  e->OnObservation(Obs(kA));
  ASSERT_EQ(runner.started.size(), 1u);
  EXPECT_EQ(runner.EpochOf(0), "0");
  // A change while epoch 0 initializes waits for it to be up.
  e->OnObservation(Obs(kB));
  sup.Tick();
  EXPECT_EQ(runner.started.size(), 1u);
  clock.Advance(std::chrono::seconds(2));
  sup.Tick();
  ASSERT_EQ(runner.started.size(), 2u);
  EXPECT_EQ(runner.EpochOf(1), "1");
  // Unchanged value: no restart. SIGHUP: forced re-render and a new epoch.
  e->OnObservation(Obs(kB));
  clock.Advance(std::chrono::seconds(2));
  sup.Tick();
  EXPECT_EQ(runner.started.size(), 2u);
  e->ForceReapply();
  sup.Tick();
  ASSERT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(runner.EpochOf(2), "2");
}

TEST_F(EngineTest, EdsModeWritesEndpointsWithoutRestart) {
  FakeRunner runner;
  SupervisorOptions so;
  so.config_path = dir.File("envoy.json");
  Supervisor sup(so, &runner, &clock);
  auto e = Make(Opts(Mode::kEds), &sup);
  e->OnObservation(Obs(kA));
  EXPECT_EQ(runner.started.size(), 1u);
  std::string boot = Config();
  EXPECT_NE(ReadFile(dir.File("eds.json")).find("\"10.0.0.2\""), std::string::npos);
  clock.Advance(std::chrono::seconds(10));
  sup.Tick();
  e->OnObservation(Obs(kB));
  sup.Tick();
  EXPECT_EQ(runner.started.size(), 1u);  // no restart
  EXPECT_EQ(Config(), boot);             // bootstrap rendered once
  std::string eds = ReadFile(dir.File("eds.json"));
  EXPECT_NE(eds.find("\"10.0.0.3\""), std::string::npos);
  EXPECT_EQ(eds.find("\"10.0.0.2\""), std::string::npos);
  EXPECT_EQ(renderer.calls, 1);
}

TEST_F(EngineTest, UnresolvableVipIsRetried) {
  int lookups = 0;
  bool dns_up = false;
  auto o = Opts(Mode::kNone);
  Engine e(
      o, &renderer, &clock, &metrics, commands.Fn(),
      [&](const std::string&) -> StatusOr<std::string> {
        ++lookups;
        if (!dns_up) return Unavailable("resolve 'vcore': temporary failure");
        return std::string("fd00::9");
      },
      nullptr);
  e.OnObservation(Obs(kA));
  EXPECT_EQ(e.applies(), 0u);
  dns_up = true;
  e.Tick();
  EXPECT_EQ(e.applies(), 0u);  // backing off
  clock.Advance(std::chrono::seconds(2));
  e.Tick();
  EXPECT_EQ(e.applies(), 1u);
  EXPECT_EQ(Config().rfind("vip=[fd00::9]:50556 ", 0), 0u) << Config();
  // Later failures reuse the last address.
  dns_up = false;
  e.OnObservation(Obs(kB));
  EXPECT_EQ(e.applies(), 2u);
  EXPECT_EQ(lookups, 3);
}

}  // namespace
}  // namespace vs::envoyd
