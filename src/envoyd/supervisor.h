// The Envoy supervisor (issue 4 point 6, `restart` and `eds` modes): a state machine over a
// ProcessRunner and a Clock that respects Envoy's hot-restart rules (DESIGN.md 2.5).
//
//  - Every Envoy gets `--restart-epoch N --config-path FILE` as separate arguments plus the same
//    --base-id, --drain-time-s and --parent-shutdown-time-s. N is 0 when no Envoy is alive, else
//    exactly the newest live epoch + 1.
//  - A new epoch is never started while the newest one is still initializing (Envoy would
//    refuse it): the restart waits until that epoch is up. An epoch is up when `probe(epoch)`
//    says so (Envoy admin /server_info: that epoch answers LIVE) or, without a probe, once it
//    has lived `epoch_grace`.
//  - The newest epoch dying before it is up is a failed restart: older epochs are left serving
//    and the same epoch is retried after a jittered backoff. An older epoch exiting is normal
//    (Envoy retires N-1 itself; N exits after its parent shutdown time) and changes nothing:
//    unlike Envoy's hot-restarter, one exit never kills the others.
//  - All Envoys dead (not shutting down): epoch 0 again, after backoff.
//  - BeginShutdown(): SIGTERM to every child, SIGKILL to those left after `shutdown_timeout`.
//
// Single-threaded: every call from the daemon loop. The probe is called from Tick() and must be
// bounded (a short HTTP call to the loopback admin port).
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "envoyd/process.h"

namespace vs::envoyd {

struct SupervisorOptions {
  std::string envoy_bin = "envoy";
  std::string config_path;
  int base_id = 0;
  int drain_time_s = 5;
  int parent_shutdown_time_s = 10;
  std::vector<std::string> extra_args;  // appended to every Envoy command line
  Duration epoch_grace = std::chrono::seconds(5);
  Duration startup_timeout = std::chrono::seconds(60);  // not up by then: killed, retried
  Duration shutdown_timeout = std::chrono::seconds(10);
  Duration backoff_initial = std::chrono::milliseconds(500);
  Duration backoff_cap = std::chrono::seconds(30);
  uint64_t backoff_seed = 1;
};

struct SupervisorStats {
  uint64_t starts = 0;           // processes started
  uint64_t restarts_ok = 0;      // epochs that came up
  uint64_t restarts_failed = 0;  // epochs that died or timed out before coming up, exec errors
  uint64_t crashes = 0;          // up epochs that died unexpectedly (non-zero, or the newest)
  uint64_t forwarded_signals = 0;
};

class Supervisor {
 public:
  // Is epoch N (the newest, not yet up) up? Called with that epoch's number.
  using Probe = std::function<bool(int epoch)>;
  Supervisor(SupervisorOptions opts, ProcessRunner* runner, const Clock* clock, Probe probe = {});

  // Asks for a new epoch on the config now in place. Coalesces: several requests before the
  // start give one new epoch.
  void RequestRestart();
  // A child exit (from the runner's reaper).
  void OnExit(pid_t pid, int wait_status);
  // Drives timers: readiness, deferred/backed-off starts, the shutdown SIGKILL.
  void Tick();
  // How long the loop may sleep before the next Tick is useful.
  Duration NextTickIn() const;
  void BeginShutdown();
  bool shutting_down() const { return shutting_down_; }
  // Shutting down and every child has exited.
  bool Finished() const { return shutting_down_ && children_.empty(); }
  // Sends `sig` to every child (SIGUSR1: log reopen).
  void Forward(int sig);

  // The newest live epoch, or -1.
  int current_epoch() const;
  // The newest epoch is up.
  bool ProxyUp() const;
  size_t live_children() const { return children_.size(); }
  const SupervisorStats& stats() const { return stats_; }
  // The argv used for `epoch` (for tests and logs).
  std::vector<std::string> ArgvFor(int epoch) const;

 private:
  struct Child {
    pid_t pid;
    int epoch;
    TimePoint started;
    bool up = false;
  };
  void StartNext();
  Child* Newest() { return children_.empty() ? nullptr : &children_.back(); }
  const Child* Newest() const { return children_.empty() ? nullptr : &children_.back(); }

  SupervisorOptions opts_;
  ProcessRunner* runner_;
  const Clock* clock_;
  Probe probe_;
  Backoff backoff_;
  std::vector<Child> children_;  // ordered by epoch, newest last
  bool want_start_ = false;
  TimePoint retry_at_{};
  TimePoint last_probe_{};
  bool shutting_down_ = false;
  TimePoint kill_at_{};
  bool killed_ = false;
  SupervisorStats stats_;
};

}  // namespace vs::envoyd
