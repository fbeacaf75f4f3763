#include "envoyd/supervisor.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <algorithm>

namespace vs::envoyd {

Supervisor::Supervisor(SupervisorOptions opts, ProcessRunner* runner, const Clock* clock,
                       Probe probe)
    : opts_(std::move(opts)),
      runner_(runner),
      clock_(clock),
      probe_(std::move(probe)),
      backoff_(opts_.backoff_initial, opts_.backoff_cap, opts_.backoff_seed) {}

std::vector<std::string> Supervisor::ArgvFor(int epoch) const {
  std::vector<std::string> argv = {opts_.envoy_bin,
                                   "--restart-epoch",
                                   std::to_string(epoch),
                                   "--config-path",
                                   opts_.config_path,
                                   "--base-id",
                                   std::to_string(opts_.base_id),
                                   "--drain-time-s",
                                   std::to_string(opts_.drain_time_s),
                                   "--parent-shutdown-time-s",
                                   std::to_string(opts_.parent_shutdown_time_s)};
  argv.insert(argv.end(), opts_.extra_args.begin(), opts_.extra_args.end());
  return argv;
}

void Supervisor::RequestRestart() {
  if (shutting_down_) return;
  want_start_ = true;
  Tick();
}

int Supervisor::current_epoch() const {
  const Child* n = Newest();
  return n ? n->epoch : -1;
}

bool Supervisor::ProxyUp() const {
  const Child* n = Newest();
  return n && n->up;
}

void Supervisor::StartNext() {
  const Child* newest = Newest();
  int epoch = newest ? newest->epoch + 1 : 0;
  auto argv = ArgvFor(epoch);
  auto pid = runner_->Start(argv, "envoy." + std::to_string(epoch));
  ++stats_.starts;
  if (!pid.ok()) {
    ++stats_.restarts_failed;
    Duration d = backoff_.Next();
    retry_at_ = clock_->Now() + d;
    spdlog::warn("start envoy epoch {}: {}; retrying in {:.1f} s", epoch, pid.status().ToString(),
                 ToSeconds(d));
    return;
  }
  spdlog::info("started envoy epoch {} (pid {})", epoch, *pid);
  children_.push_back({*pid, epoch, clock_->Now(), false});
  want_start_ = false;
}

void Supervisor::Tick() {
  TimePoint now = clock_->Now();
  if (shutting_down_) {
    if (!killed_ && now >= kill_at_ && !children_.empty()) {
      spdlog::warn("{} envoy process(es) still alive after the shutdown timeout: SIGKILL",
                   children_.size());
      for (const auto& c : children_) runner_->Signal(c.pid, SIGKILL);
      killed_ = true;
    }
    return;
  }
  if (Child* n = Newest(); n && !n->up) {
    bool up;
    if (probe_) {
      // At most one probe (an HTTP call) per 100 ms however often the loop wakes.
      up = false;
      if (now - last_probe_ >= std::chrono::milliseconds(100)) {
        last_probe_ = now;
        up = probe_(n->epoch);
      }
    } else {
      up = now - n->started >= opts_.epoch_grace;
    }
    if (up) {
      n->up = true;
      ++stats_.restarts_ok;
      backoff_.Reset();
      spdlog::info("envoy epoch {} is up", n->epoch);
    } else if (now - n->started >= opts_.startup_timeout) {
      spdlog::warn("envoy epoch {} not up after {:.0f} s: killing it", n->epoch,
                   ToSeconds(opts_.startup_timeout));
      runner_->Signal(n->pid, SIGKILL);  // its exit is counted as a failed restart
      n->started = now;                  // kill once per timeout
    }
  }
  if (!want_start_ || now < retry_at_) return;
  if (const Child* n = Newest(); n && !n->up) return;  // never while the newest initializes
  StartNext();
}

Duration Supervisor::NextTickIn() const {
  Duration d = std::chrono::seconds(1);
  TimePoint now = clock_->Now();
  if (shutting_down_) {
    if (!killed_) d = std::min<Duration>(d, std::max<Duration>(Duration(0), kill_at_ - now));
    return d;
  }
  if (const Child* n = Newest(); n && !n->up) {
    // Poll the probe often; without one, wake exactly when the grace ends.
    Duration until = probe_ ? Duration(std::chrono::milliseconds(100))
                            : std::max<Duration>(Duration(0), n->started + opts_.epoch_grace - now);
    d = std::min(d, until);
  }
  if (want_start_) d = std::min<Duration>(d, std::max<Duration>(Duration(0), retry_at_ - now));
  return d;
}

void Supervisor::OnExit(pid_t pid, int wait_status) {
  auto it = std::find_if(children_.begin(), children_.end(),
                         [pid](const Child& c) { return c.pid == pid; });
  if (it == children_.end()) return;
  Child c = *it;
  bool was_newest = std::next(it) == children_.end();
  children_.erase(it);
  std::string how = DescribeWaitStatus(wait_status);
  if (shutting_down_) {
    spdlog::info("envoy epoch {} (pid {}) stopped: {}", c.epoch, pid, how);
    return;
  }
  bool clean = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
  if (was_newest && !c.up) {
    ++stats_.restarts_failed;
    Duration d = backoff_.Next();
    retry_at_ = clock_->Now() + d;
    want_start_ = true;
    spdlog::warn(
        "envoy epoch {} failed before coming up ({}); {} older epoch(s) kept; retrying "
        "in {:.1f} s",
        c.epoch, how, children_.size(), ToSeconds(d));
  } else if (was_newest) {
    ++stats_.crashes;
    Duration d = backoff_.Next();
    retry_at_ = clock_->Now() + d;
    want_start_ = true;
    spdlog::warn("serving envoy epoch {} exited ({}); starting another in {:.1f} s", c.epoch, how,
                 ToSeconds(d));
  } else if (!clean) {
    ++stats_.crashes;
    spdlog::warn("older envoy epoch {} exited ({}); newest epoch {} keeps serving", c.epoch, how,
                 current_epoch());
  } else {
    spdlog::info("older envoy epoch {} retired ({})", c.epoch, how);
  }
  if (children_.empty() && !want_start_) {
    // Everything is gone although the newest had exited cleanly before: start over.
    want_start_ = true;
    retry_at_ = clock_->Now() + backoff_.Next();
  }
  if (children_.empty()) spdlog::warn("no envoy is running; epoch 0 will be started again");
}

void Supervisor::BeginShutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  want_start_ = false;
  kill_at_ = clock_->Now() + opts_.shutdown_timeout;
  for (const auto& c : children_) runner_->Signal(c.pid, SIGTERM);
  spdlog::info("stopping {} envoy process(es) (SIGTERM, SIGKILL after {:.0f} s)", children_.size(),
               ToSeconds(opts_.shutdown_timeout));
}

void Supervisor::Forward(int sig) {
  for (const auto& c : children_) {
    runner_->Signal(c.pid, sig);
    ++stats_.forwarded_signals;
  }
}

}  // namespace vs::envoyd
