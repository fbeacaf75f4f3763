// Child processes behind an interface (DESIGN.md 3: the OS behind small interfaces), so the
// supervisor state machine is tested with a fake and driven for real by RealProcessRunner.
//
// RealProcessRunner contract:
//  - Start() fork/execs argv directly (no shell), so envoyd stays the direct parent (Envoy sets
//    PDEATHSIG); in the child the signal mask is emptied and every disposition reset to default
//    (envoyd blocks signals for its signalfd and ignores SIGPIPE; both are inherited otherwise),
//    stdin is /dev/null and the child gets its own process group (a terminal ^C reaches envoyd,
//    which then stops the children gracefully). An exec failure is reported by Start() itself.
//  - stdout/stderr go to non-blocking pipes (1 MiB when the kernel allows) that Pump() drains
//    into the log line by line, so a child is never blocked by envoyd as long as the owner calls
//    Pump() when PollFds() are readable. Lines over 16 KiB are cut.
//  - Reap() collects exits of the children it started (waitpid per pid, never -1, so it never
//    steals another component's child).
// Single-threaded: all calls from the daemon's loop thread.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vs::envoyd {

struct ExitEvent {
  pid_t pid = -1;
  int wait_status = 0;  // as from waitpid
};

// "exit 3", "signal 9 (Killed)".
std::string DescribeWaitStatus(int wait_status);

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Starts a direct child; `tag` prefixes its forwarded output lines.
  virtual StatusOr<pid_t> Start(const std::vector<std::string>& argv, const std::string& tag) = 0;
  virtual void Signal(pid_t pid, int sig) = 0;
};

class RealProcessRunner final : public ProcessRunner {
 public:
  RealProcessRunner() = default;
  ~RealProcessRunner() override;
  StatusOr<pid_t> Start(const std::vector<std::string>& argv, const std::string& tag) override;
  void Signal(pid_t pid, int sig) override;
  // Exits since the last call (non-blocking).
  std::vector<ExitEvent> Reap();
  // Appends the output pipes to poll for.
  void PollFds(std::vector<pollfd>* fds) const;
  // Reads whatever is available on every pipe and logs complete lines.
  void Pump();

 private:
  struct Stream {
    pid_t pid;
    std::string tag;
    bool is_stderr;
    std::string partial;
  };
  void Drain(int fd, Stream* s, bool eof_flush);
  std::map<int, Stream> streams_;  // fd -> stream
  std::vector<pid_t> children_;
};

struct CommandResult {
  int wait_status = 0;
  std::string output;  // stdout+stderr, capped at 64 KiB
  bool ok() const;     // exited with status 0
};

// Runs argv (no shell) to completion, bounded by `timeout` (then SIGKILL: an error). Used for
// -validate-cmd and -reload-cmd. A spawn failure or timeout is a non-ok Status.
StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv, Duration timeout);

// Splits a command line into words without a shell: whitespace separates, '...' and "..."
// quote, backslash escapes the next character. An unclosed quote is an error.
StatusOr<std::vector<std::string>> SplitWords(const std::string& line);

// Replaces every "{}" in each word by `path` (an -validate-cmd placeholder); when no word holds
// "{}", `path` is appended as the last argument.
std::vector<std::string> SubstitutePath(const std::vector<std::string>& argv,
                                        const std::string& path);

}  // namespace vs::envoyd
