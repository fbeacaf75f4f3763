#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>

namespace vs {

Status SetupLogging(const std::string& name, const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgument("unknown log level '" + level +
                           "' (trace, debug, info, warn, error, critical, off)");
  }
  auto logger =
      spdlog::stderr_logger_mt(name + "-" + std::to_string(reinterpret_cast<uintptr_t>(&lvl)));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ " + name + ": %v");
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return OkStatus();
}

bool LogLimiter::Allow(uint64_t* suppressed) {
  double now =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  std::lock_guard lock(mu_);
  if (now - window_start_ >= interval_s_) {
    window_start_ = now;
    used_ = 0;
  }
  if (used_ < per_) {
    ++used_;
    *suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }
  ++suppressed_;
  return false;
}

}  // namespace vs
