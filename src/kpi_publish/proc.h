// /proc behind a small interface, and pure parsers for the files kpi-publish reads, so tests run
// on fixture text. Parsers take the whole file text and return values or an InvalidArgument
// naming the file and what was missing; they never throw.
// Threads: ProcSource implementations are stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vs::kpi_publish {

class ProcSource {
 public:
  virtual ~ProcSource() = default;
  // Reads a file below the root, e.g. "loadavg" or "1234/status" (bounded to 1 MiB).
  virtual StatusOr<std::string> Read(const std::string& rel) const = 0;
  // Counts the entries of a directory below the root ("." and ".." excluded), e.g. "1234/fd".
  virtual StatusOr<int> CountEntries(const std::string& rel) const = 0;
};

// Reads the real /proc (or another root with the same layout: tests use fixture directories).
class RealProcSource final : public ProcSource {
 public:
  explicit RealProcSource(std::string root = "/proc") : root_(std::move(root)) {}
  StatusOr<std::string> Read(const std::string& rel) const override;
  // Counting our own fd directory leaves out the descriptor used to list it.
  StatusOr<int> CountEntries(const std::string& rel) const override;

 private:
  std::string root_;
};

// /proc/<pid>/status "VmRSS:  1234 kB" -> bytes.
StatusOr<uint64_t> ParseStatusRssBytes(std::string_view status);
// /proc/<pid>/statm "size resident ..." (pages) -> bytes.
StatusOr<uint64_t> ParseStatmRssBytes(std::string_view statm, uint64_t page_size);

struct CpuTimes {
  uint64_t total = 0;  // user+nice+system+idle+iowait+irq+softirq+steal (jiffies)
  uint64_t idle = 0;   // idle+iowait
};
// The aggregate "cpu " line of /proc/stat.
StatusOr<CpuTimes> ParseProcStat(std::string_view stat);
// Busy share between two readings in percent [0, 100]; 0 when no time passed.
double CpuPercent(const CpuTimes& before, const CpuTimes& after);

struct MemInfo {
  uint64_t total = 0;      // bytes
  uint64_t available = 0;  // bytes (MemAvailable; MemFree+Buffers+Cached on old kernels)
};
StatusOr<MemInfo> ParseMeminfo(std::string_view meminfo);

struct LoadAvg {
  double one = 0, five = 0, fifteen = 0;
};
StatusOr<LoadAvg> ParseLoadavg(std::string_view loadavg);

struct NetDev {
  std::string name;
  uint64_t rx_bytes = 0, rx_packets = 0, tx_bytes = 0, tx_packets = 0;
};
// /proc/net/dev; malformed interface lines are skipped (an error only if the header is wrong).
StatusOr<std::vector<NetDev>> ParseNetDev(std::string_view netdev);

// A backlog command's output: one finite number, surrounding whitespace allowed.
StatusOr<double> ParseNumber(std::string_view text);

}  // namespace vs::kpi_publish
