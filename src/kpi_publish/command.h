// Runs the --backlog-cmd shell command and captures its stdout, bounded in time and size.
// Contract: Run() returns stdout when the command exits 0 within `timeout`; otherwise an error
// (the command's whole process group is killed on timeout). Output beyond 64 KiB is an error.
// The child gets an empty signal mask and default SIGPIPE even though the daemon blocks
// signals for signalfd. Threads: RealCommandRunner is stateless and thread-safe.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace vs::kpi_publish {

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  virtual StatusOr<std::string> Run(const std::string& command, Duration timeout) = 0;
};

class RealCommandRunner final : public CommandRunner {
 public:
  StatusOr<std::string> Run(const std::string& command, Duration timeout) override;
};

}  // namespace vs::kpi_publish
