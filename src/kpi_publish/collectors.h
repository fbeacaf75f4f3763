// The samples kpi-publish collects each interval:
//   ProcessCollector: <prefix>.rss-mb (resident memory in MiB = 2^20 bytes), .open-fds, and
//     .deferreds when a backlog command is set and prints a number. prefix is
//     "voltha.internal.<instance_id>" as in the original diagnostics.
//   HostCollector: under <host_prefix>: cpu.percent (busy share since the previous reading,
//     published once at least 10 jiffies of CPU time passed since it),
//     memory.{total-mb,available-mb,used-percent}, load.{1m,5m,15m}, and per interface
//     net.<iface>.{rx-bytes,tx-bytes,rx-packets,tx-packets} (monotonic counters; dots in interface
//     names become '_' so that they stay one level).
// Failure behaviour: a source that cannot be read or parsed is skipped for this round; Collect()
// appends what it could and returns the errors joined (the caller counts and logs them).
// Threads: not thread-safe (HostCollector keeps the previous CPU reading); one caller.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "kpi/sample.h"
#include "kpi_publish/command.h"
#include "kpi_publish/proc.h"

namespace vs::kpi_publish {

// Collected errors of one round, by source ("rss", "fds", "backlog", "cpu", ...).
struct CollectErrors {
  std::vector<std::pair<std::string, Status>> errors;
  void Add(std::string source, Status s) { errors.emplace_back(std::move(source), std::move(s)); }
  bool empty() const { return errors.empty(); }
};

class ProcessCollector {
 public:
  // `proc` and `runner` must outlive the collector; runner may be null when backlog_cmd is empty.
  ProcessCollector(const ProcSource* proc, CommandRunner* runner, pid_t pid, std::string prefix,
                   std::string backlog_cmd, Duration backlog_timeout);
  void Collect(double ts, std::vector<kpi::Sample>* out, CollectErrors* errors);

 private:
  const ProcSource* proc_;
  CommandRunner* runner_;
  pid_t pid_;
  std::string prefix_;
  std::string backlog_cmd_;
  Duration backlog_timeout_;
};

class HostCollector {
 public:
  // Takes a first CPU reading now, so that the first Collect() can report CPU use.
  HostCollector(const ProcSource* proc, std::string prefix);
  void Collect(double ts, std::vector<kpi::Sample>* out, CollectErrors* errors);

 private:
  const ProcSource* proc_;
  std::string prefix_;
  bool have_cpu_ = false;
  CpuTimes last_cpu_;
};

}  // namespace vs::kpi_publish
