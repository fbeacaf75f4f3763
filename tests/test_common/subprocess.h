// Test helpers: child processes, temp dirs and bounded waits. Used by integration tests to run
// real servers (carbon-cache, etcd, the daemons) on loopback. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace vs::testing {

// A child process with stdout+stderr appended to `log_path`. The destructor kills it
// (SIGKILL) and reaps it if it is still running.
class Subprocess {
 public:
  Subprocess() = default;
  Subprocess(Subprocess&& o) noexcept;
  Subprocess& operator=(Subprocess&& o) noexcept;
  ~Subprocess();
  // argv[0] is looked up on PATH. env entries "K=V" are added to the environment.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::vector<std::string>& env = {});
  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int sig);
  // Waits up to `timeout` for exit; returns the exit status as from waitpid, or -1 if the
  // process is still running.
  int Wait(std::chrono::milliseconds timeout);
  // SIGTERM, wait up to timeout, then SIGKILL. Returns the wait status.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// A fresh directory under $TMPDIR, removed with its contents by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `pred` every `every` until it is true or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
             std::chrono::milliseconds every = std::chrono::milliseconds(20));

// True when something accepts TCP connections on 127.0.0.1:port.
bool PortOpen(int port);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& data);

// The build directory (for our own binaries) and the source directory, from ctest's env.
std::string BuildDir();
std::string SourceDir();
// Runs a shell command and returns its stdout; sets *exit_code when given.
std::string Run(const std::string& cmd, int* exit_code = nullptr);

}  // namespace vs::testing
