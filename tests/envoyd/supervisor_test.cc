#include "envoyd/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "envoyd/fakes.h"

namespace vs::envoyd {
namespace {

using testing::ExitStatus;
using testing::FakeRunner;
using testing::SignalStatus;

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorTest() {
    opts.envoy_bin = "/usr/local/bin/envoy";
    opts.config_path = "/envoy/cfg.json";
    opts.base_id = 7;
    opts.drain_time_s = 3;
    opts.parent_shutdown_time_s = 9;
    opts.epoch_grace = std::chrono::seconds(5);
    opts.backoff_initial = std::chrono::seconds(1);
    opts.backoff_cap = std::chrono::seconds(8);
  }
  void Up() {  // lets the newest epoch pass its grace period
    clock.Advance(std::chrono::seconds(5));
    sup->Tick();
  }
  void Make(Supervisor::Probe probe = {}) {
    sup = std::make_unique<Supervisor>(opts, &runner, &clock, std::move(probe));
  }
  pid_t PidOf(size_t n) { return static_cast<pid_t>(100 + n); }

  SupervisorOptions opts;
  FakeRunner runner;
  FakeClock clock;
  std::unique_ptr<Supervisor> sup;
};

TEST_F(SupervisorTest, ExactArgvAndEpochSequence) {
  Make();
  sup->RequestRestart();
  ASSERT_EQ(runner.started.size(), 1u);
  EXPECT_EQ(runner.started[0],
            (std::vector<std::string>{"/usr/local/bin/envoy", "--restart-epoch", "0",
                                      "--config-path", "/envoy/cfg.json", "--base-id", "7",
                                      "--drain-time-s", "3", "--parent-shutdown-time-s", "9"}));
  EXPECT_FALSE(sup->ProxyUp());
  Up();
  EXPECT_TRUE(sup->ProxyUp());
  for (int i = 1; i <= 3; ++i) {
    sup->RequestRestart();
    Up();
  }
  ASSERT_EQ(runner.started.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(runner.EpochOf(i), std::to_string(i));
  EXPECT_EQ(sup->current_epoch(), 3);
  EXPECT_EQ(sup->stats().restarts_ok, 4u);
}

TEST_F(SupervisorTest, NeverStartsWhileTheNewestInitializesAndCoalesces) {
  Make();
  sup->RequestRestart();
  sup->RequestRestart();
  sup->RequestRestart();
  clock.Advance(std::chrono::seconds(4));
  sup->Tick();
  EXPECT_EQ(runner.started.size(), 1u);
  clock.Advance(std::chrono::seconds(1));
  sup->Tick();  // epoch 0 up: the three requests give one epoch 1
  ASSERT_EQ(runner.started.size(), 2u);
  EXPECT_EQ(runner.EpochOf(1), "1");
  Up();
  EXPECT_EQ(runner.started.size(), 2u);
}

TEST_F(SupervisorTest, UsesTheProbeWhenGiven) {
  int live_epoch = -1;
  std::vector<int> asked;
  Make([&](int epoch) {
    asked.push_back(epoch);
    return epoch == live_epoch;
  });
  sup->RequestRestart();
  clock.Advance(std::chrono::seconds(30));
  sup->Tick();
  EXPECT_FALSE(sup->ProxyUp());
  live_epoch = 0;
  clock.Advance(Millis(100));
  sup->Tick();
  EXPECT_TRUE(sup->ProxyUp());
  // Epoch 1: the probe is asked about epoch 1, and epoch 0 still being LIVE does not count.
  sup->RequestRestart();
  sup->Tick();
  ASSERT_EQ(runner.started.size(), 2u);
  clock.Advance(Millis(100));
  sup->Tick();
  EXPECT_FALSE(sup->ProxyUp());
  live_epoch = 1;
  clock.Advance(Millis(100));
  sup->Tick();
  EXPECT_TRUE(sup->ProxyUp());
  ASSERT_GE(asked.size(), 4u);
  EXPECT_EQ(asked.front(), 0);
  EXPECT_EQ(asked.back(), 1);
}

TEST_F(SupervisorTest, ProbeIsRateLimited) {
  int probes = 0;
  Make([&](int) {
    ++probes;
    return false;
  });
  sup->RequestRestart();
  for (int i = 0; i < 50; ++i) sup->Tick();  // a busy loop: one probe
  EXPECT_EQ(probes, 1);
  clock.Advance(Millis(100));
  sup->Tick();
  EXPECT_EQ(probes, 2);
}

TEST_F(SupervisorTest, NewestFailingKeepsThePreviousAndRetriesTheSameEpoch) {
  Make();
  sup->RequestRestart();
  Up();
  sup->RequestRestart();  // epoch 1
  ASSERT_EQ(runner.started.size(), 2u);
  sup->OnExit(PidOf(1), ExitStatus(1));  // epoch 1 dies while initializing
  EXPECT_EQ(sup->current_epoch(), 0);
  EXPECT_TRUE(sup->ProxyUp());          // epoch 0 still serves
  EXPECT_TRUE(runner.signals.empty());  // and nobody was killed
  EXPECT_EQ(sup->stats().restarts_failed, 1u);
  sup->Tick();
  EXPECT_EQ(runner.started.size(), 2u);  // backoff
  clock.Advance(std::chrono::seconds(1));
  sup->Tick();
  ASSERT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(runner.EpochOf(2), "1");  // the same epoch again
  Up();
  EXPECT_EQ(sup->current_epoch(), 1);
}

TEST_F(SupervisorTest, OlderEpochExitsAreNormal) {
  Make();
  sup->RequestRestart();
  Up();
  sup->RequestRestart();
  Up();
  sup->RequestRestart();
  Up();  // epochs 0, 1, 2 alive (0 would be retired by Envoy itself)
  sup->OnExit(PidOf(0), ExitStatus(0));
  sup->OnExit(PidOf(1), SignalStatus(SIGSEGV));  // an older epoch crashing mid-drain
  EXPECT_EQ(sup->live_children(), 1u);
  EXPECT_EQ(sup->current_epoch(), 2);
  EXPECT_TRUE(sup->ProxyUp());
  EXPECT_TRUE(runner.signals.empty());
  clock.Advance(std::chrono::seconds(60));
  sup->Tick();
  EXPECT_EQ(runner.started.size(), 3u);  // nothing restarted
  EXPECT_EQ(sup->stats().crashes, 1u);
}

TEST_F(SupervisorTest, NewestCrashAfterUpStartsAnother) {
  Make();
  sup->RequestRestart();
  Up();
  sup->RequestRestart();
  Up();
  sup->OnExit(PidOf(1), SignalStatus(SIGABRT));  // the serving epoch 1 crashes; 0 still drains
  EXPECT_EQ(sup->stats().crashes, 1u);
  clock.Advance(std::chrono::seconds(1));
  sup->Tick();
  ASSERT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(runner.EpochOf(2), "1");  // newest live (0) + 1
}

TEST_F(SupervisorTest, AllDeadStartsEpochZeroWithBackoff) {
  Make();
  sup->RequestRestart();
  Up();
  sup->RequestRestart();
  Up();
  sup->OnExit(PidOf(0), ExitStatus(0));
  sup->OnExit(PidOf(1), SignalStatus(SIGKILL));
  EXPECT_EQ(sup->live_children(), 0u);
  EXPECT_EQ(sup->current_epoch(), -1);
  sup->Tick();
  EXPECT_EQ(runner.started.size(), 2u);
  clock.Advance(std::chrono::seconds(1));
  sup->Tick();
  ASSERT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(runner.EpochOf(2), "0");
  // It keeps failing: the backoff grows (1, 2, 4, 8 s upper bounds, jittered in [d/2, d]).
  sup->OnExit(PidOf(2), ExitStatus(1));
  clock.Advance(Millis(900));
  sup->Tick();
  EXPECT_EQ(runner.started.size(), 3u);
  clock.Advance(Millis(1200));
  sup->Tick();
  ASSERT_EQ(runner.started.size(), 4u);
  EXPECT_EQ(runner.EpochOf(3), "0");
}

TEST_F(SupervisorTest, ExecFailureIsRetried) {
  Make();
  runner.fail_starts = 2;
  sup->RequestRestart();
  EXPECT_EQ(sup->live_children(), 0u);
  for (int i = 0; i < 10 && sup->live_children() == 0; ++i) {
    clock.Advance(std::chrono::seconds(2));
    sup->Tick();
  }
  EXPECT_EQ(sup->live_children(), 1u);
  EXPECT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(sup->stats().restarts_failed, 2u);
}

TEST_F(SupervisorTest, StartupTimeoutKillsAStuckEpoch) {
  opts.startup_timeout = std::chrono::seconds(20);
  Make([](int) { return false; });
  sup->RequestRestart();
  clock.Advance(std::chrono::seconds(20));
  sup->Tick();
  ASSERT_EQ(runner.signals.size(), 1u);
  EXPECT_EQ(runner.signals[0], std::make_pair(PidOf(0), SIGKILL));
}

TEST_F(SupervisorTest, GracefulShutdownThenKill) {
  opts.shutdown_timeout = std::chrono::seconds(10);
  Make();
  sup->RequestRestart();
  Up();
  sup->RequestRestart();
  Up();
  sup->BeginShutdown();
  ASSERT_EQ(runner.signals.size(), 2u);
  EXPECT_EQ(runner.signals[0].second, SIGTERM);
  EXPECT_EQ(runner.signals[1].second, SIGTERM);
  sup->OnExit(PidOf(0), ExitStatus(0));
  sup->RequestRestart();  // ignored while stopping
  clock.Advance(std::chrono::seconds(9));
  sup->Tick();
  EXPECT_EQ(runner.signals.size(), 2u);
  EXPECT_FALSE(sup->Finished());
  clock.Advance(std::chrono::seconds(1));
  sup->Tick();
  ASSERT_EQ(runner.signals.size(), 3u);
  EXPECT_EQ(runner.signals[2], std::make_pair(PidOf(1), SIGKILL));
  sup->OnExit(PidOf(1), SignalStatus(SIGKILL));
  EXPECT_TRUE(sup->Finished());
  EXPECT_EQ(runner.started.size(), 2u);
}

TEST_F(SupervisorTest, ForwardsSignalsToEveryChild) {
  Make();
  sup->RequestRestart();
  Up();
  sup->RequestRestart();
  sup->Forward(SIGUSR1);
  ASSERT_EQ(runner.signals.size(), 2u);
  EXPECT_EQ(runner.signals[0], std::make_pair(PidOf(0), SIGUSR1));
  EXPECT_EQ(runner.signals[1], std::make_pair(PidOf(1), SIGUSR1));
}

TEST_F(SupervisorTest, NextTickInFollowsTimers) {
  Make();
  EXPECT_EQ(sup->NextTickIn(), std::chrono::seconds(1));
  sup->RequestRestart();
  clock.Advance(Millis(4800));
  EXPECT_EQ(sup->NextTickIn(), Millis(200));
}

}  // namespace
}  // namespace vs::envoyd
