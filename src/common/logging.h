// Logging setup (spdlog to stderr) and a rate limiter for log lines about bad input, so a
// flood of malformed messages cannot flood the log. Thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <mutex>
#include <string>

#include "common/status.h"

namespace vs {

// level: trace, debug, info, warn, error, critical, off. `name` prefixes every line.
Status SetupLogging(const std::string& name, const std::string& level);

// Allows `per_interval` lines every `interval_s` seconds; Allow() returns how many lines were
// suppressed since the last allowed one through `suppressed` (so the caller can say so).
class LogLimiter {
 public:
  LogLimiter(int per_interval, double interval_s) : per_(per_interval), interval_s_(interval_s) {}
  bool Allow(uint64_t* suppressed);

 private:
  std::mutex mu_;
  int per_;
  double interval_s_;
  double window_start_ = -1e18;
  int used_ = 0;
  uint64_t suppressed_ = 0;
};

}  // namespace vs
