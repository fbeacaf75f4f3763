// The kpi-publish daemon: every --interval it collects the process diagnostics and host metrics
// (and, without --rate, one round of every simulated device) and publishes them through a
// kpi::Publisher; with --rate it also publishes one simulated device per message at that rate.
//
// Error policy (DESIGN.md 3): Kafka down, Consul down or "@service" not registered yet, an
// unreadable /proc file or a failing backlog command are expected: counted, logged at warn
// (rate-limited), retried (Consul with jittered backoff, never giving up), never fatal. Bad
// flags or Kafka properties are fatal at startup (exit code 1). SIGTERM/SIGINT end Run() after a
// bounded flush (--flush-timeout). A producer that reports a fatal error is recreated.
// Threads: Run() blocks the calling thread; the admin server and librdkafka have their own.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "kpi/publisher.h"
#include "kpi_publish/collectors.h"
#include "kpi_publish/command.h"
#include "kpi_publish/options.h"
#include "kpi_publish/proc.h"
#include "kpi_publish/simulator.h"

namespace vs::kpi_publish {

class Daemon {
 public:
  // proc, runner and clock must outlive the daemon.
  Daemon(Options options, const ProcSource* proc, CommandRunner* runner, const Clock* clock);
  // Runs until a signal arrives on `signal_fd` (a SignalWatcher's fd; -1: none) or --iterations
  // is reached. Returns the process exit code.
  int Run(int signal_fd);
  Registry& metrics() { return metrics_; }

 private:
  // Waits up to `d` for a terminating signal; true when one arrived.
  bool WaitForSignal(int signal_fd, Duration d);
  StatusOr<std::string> ResolveBootstrap(int signal_fd);
  Status MakePublisher(const std::string& bootstrap);
  void Tick();
  void PublishSimulated(size_t max_messages);
  void Publish(const std::vector<kpi::Sample>& samples);
  double NowTs() const;

  Options options_;
  const ProcSource* proc_;
  CommandRunner* runner_;
  const Clock* clock_;
  Registry metrics_;
  std::string bootstrap_;
  std::unique_ptr<kpi::Publisher> publisher_;
  std::unique_ptr<ProcessCollector> process_;
  std::unique_ptr<HostCollector> host_;
  std::unique_ptr<DeviceSimulator> sim_;
  size_t sim_next_ = 0;
  uint64_t sim_sent_ = 0;
  TimePoint sim_start_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};
  std::vector<kpi::Sample> scratch_;

  Counter* ticks_;
  Counter* sim_messages_;
  Counter* sim_skipped_;
  Counter* consul_failures_;
  Counter* producer_recreated_;
  Gauge* outstanding_;
};

}  // namespace vs::kpi_publish
