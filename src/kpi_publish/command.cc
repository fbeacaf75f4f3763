#include "kpi_publish/command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vs::kpi_publish {

namespace {
constexpr size_t kMaxOutput = size_t{64} * 1024;
}

StatusOr<std::string> RealCommandRunner::Run(const std::string& command, Duration timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills the whole pipeline
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return ErrnoStatus("spawn /bin/sh -c " + command, rc);
  }

  std::string out;
  Status error;
  const TimePoint deadline = RealClock::Get()->Now() + timeout;
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - RealClock::Get()->Now());
    if (left.count() <= 0) {
      error = DeadlineExceeded(fmt::format("command timed out after {:.1f} s", ToSeconds(timeout)));
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) {
      error = ErrnoStatus("poll", errno);
      break;
    }
    if (n <= 0) continue;
    char buf[4096];
    ssize_t r = read(fds[0], buf, sizeof(buf));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;  // EOF (or an error: the exit status tells)
    out.append(buf, static_cast<size_t>(r));
    if (out.size() > kMaxOutput) {
      error = ResourceExhausted("command printed more than 64 KiB");
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  if (error.ok()) {
    // stdout is closed; the shell may still run (bounded by the same deadline).
    for (;;) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) break;
      if (w < 0 && errno != EINTR) break;
      if (RealClock::Get()->Now() >= deadline) {
        error =
            DeadlineExceeded(fmt::format("command timed out after {:.1f} s", ToSeconds(timeout)));
        break;
      }
      poll(nullptr, 0, 5);
    }
  }
  if (!error.ok()) {
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (!error.ok()) return error.WithContext(command);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Unavailable(fmt::format("{}: exited with {}", command,
                                   WIFEXITED(status) ? fmt::format("status {}", WEXITSTATUS(status))
                                                     : fmt::format("signal {}", WTERMSIG(status))));
  }
  return out;
}

}  // namespace vs::kpi_publish
