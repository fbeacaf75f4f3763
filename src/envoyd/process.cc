#include "envoyd/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/net.h"

namespace vs::envoyd {
namespace {

constexpr size_t kMaxLine = 16 << 10;
constexpr size_t kMaxCommandOutput = 64 << 10;

// What runs between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(char* const* argv, int out_fd, int err_fd, int status_fd) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  setpgid(0, 0);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  execvp(argv[0], argv);
  int e = errno;
  ssize_t ignored = write(status_fd, &e, sizeof(e));
  (void)ignored;
  _exit(127);
}

// Forks argv with stdout/stderr on out_fd/err_fd; returns the pid or the exec error.
StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  if (argv.empty()) return InvalidArgument("empty command");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(status_pipe[0]);
    close(status_pipe[1]);
    return ErrnoStatus("fork " + argv[0], e);
  }
  if (pid == 0) {
    close(status_pipe[0]);
    ExecChild(args.data(), out_fd, err_fd, status_pipe[1]);
  }
  close(status_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(status_pipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(status_pipe[0]);
  if (n == sizeof(child_errno)) {
    waitpid(pid, nullptr, 0);
    return ErrnoStatus("exec " + argv[0], child_errno);
  }
  return pid;
}

}  // namespace

std::string DescribeWaitStatus(int st) {
  if (WIFEXITED(st)) return "exit " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) {
    return "signal " + std::to_string(WTERMSIG(st)) + " (" + strsignal(WTERMSIG(st)) + ")";
  }
  return "status " + std::to_string(st);
}

RealProcessRunner::~RealProcessRunner() {
  for (auto& [fd, s] : streams_) close(fd);
}

StatusOr<pid_t> RealProcessRunner::Start(const std::vector<std::string>& argv,
                                         const std::string& tag) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  if (pipe2(err, O_CLOEXEC) != 0) {
    int e = errno;
    close(out[0]);
    close(out[1]);
    return ErrnoStatus("pipe", e);
  }
  // A large pipe gives slack while the loop is busy (a validation run, a slow log sink).
  fcntl(out[1], F_SETPIPE_SZ, 1 << 20);
  fcntl(err[1], F_SETPIPE_SZ, 1 << 20);
  auto pid = Spawn(argv, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  if (!pid.ok()) {
    close(out[0]);
    close(err[0]);
    return pid.status();
  }
  (void)SetNonBlocking(out[0]);
  (void)SetNonBlocking(err[0]);
  streams_[out[0]] = Stream{*pid, tag, false, {}};
  streams_[err[0]] = Stream{*pid, tag, true, {}};
  children_.push_back(*pid);
  return *pid;
}

void RealProcessRunner::Signal(pid_t pid, int sig) {
  if (std::find(children_.begin(), children_.end(), pid) != children_.end()) kill(pid, sig);
}

std::vector<ExitEvent> RealProcessRunner::Reap() {
  std::vector<ExitEvent> out;
  for (auto it = children_.begin(); it != children_.end();) {
    int st = 0;
    pid_t r = waitpid(*it, &st, WNOHANG);
    if (r == *it || (r < 0 && errno == ECHILD)) {
      out.push_back({*it, r == *it ? st : 0});
      it = children_.erase(it);
    } else {
      ++it;
    }
  }
  if (!out.empty()) Pump();  // the last words of an exited child
  return out;
}

void RealProcessRunner::PollFds(std::vector<pollfd>* fds) const {
  for (const auto& [fd, s] : streams_) fds->push_back({fd, POLLIN, 0});
}

void RealProcessRunner::Drain(int fd, Stream* s, bool eof_flush) {
  auto emit = [&](std::string_view line) {
    if (s->is_stderr) {
      spdlog::info("[{}] {}", s->tag, line);
    } else {
      spdlog::info("[{}:out] {}", s->tag, line);
    }
  };
  size_t start = 0;
  for (;;) {
    auto nl = s->partial.find('\n', start);
    if (nl == std::string::npos) break;
    emit(std::string_view(s->partial).substr(start, nl - start));
    start = nl + 1;
  }
  s->partial.erase(0, start);
  while (s->partial.size() >= kMaxLine) {
    emit(std::string_view(s->partial).substr(0, kMaxLine));
    s->partial.erase(0, kMaxLine);
  }
  if (eof_flush && !s->partial.empty()) {
    emit(s->partial);
    s->partial.clear();
  }
}

void RealProcessRunner::Pump() {
  char buf[65536];
  for (auto it = streams_.begin(); it != streams_.end();) {
    int fd = it->first;
    bool eof = false;
    // Bounded per call so one chatty child cannot starve the loop.
    for (int i = 0; i < 16; ++i) {
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n > 0) {
        it->second.partial.append(buf, static_cast<size_t>(n));
        Drain(fd, &it->second, false);
        continue;
      }
      if (n == 0) eof = true;
      if (n < 0 && errno == EINTR) continue;
      break;
    }
    if (eof) {
      Drain(fd, &it->second, true);
      close(fd);
      it = streams_.erase(it);
    } else {
      ++it;
    }
  }
}

bool CommandResult::ok() const { return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0; }

StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv, Duration timeout) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  auto pid = Spawn(argv, p[1], p[1]);
  close(p[1]);
  if (!pid.ok()) {
    close(p[0]);
    return pid.status();
  }
  (void)SetNonBlocking(p[0]);
  CommandResult r;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool eof = false, timed_out = false;
  char buf[8192];
  while (!eof) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{p[0], POLLIN, 0};
    int rc = poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (rc < 0 && errno != EINTR) break;
    for (;;) {
      ssize_t n = read(p[0], buf, sizeof(buf));
      if (n > 0) {
        size_t room = kMaxCommandOutput - std::min(kMaxCommandOutput, r.output.size());
        r.output.append(buf, std::min(room, static_cast<size_t>(n)));
        continue;
      }
      if (n == 0) eof = true;
      if (n < 0 && errno == EINTR) continue;
      break;
    }
  }
  close(p[0]);
  // The pipe may close (the command daemonised its output away) before the process exits.
  while (!timed_out) {
    pid_t w = waitpid(*pid, &r.wait_status, WNOHANG);
    if (w == *pid) return r;
    if (w < 0 && errno != EINTR) return ErrnoStatus("waitpid " + argv[0], errno);
    if (std::chrono::steady_clock::now() >= deadline) break;
    usleep(2000);  // bounded by the deadline; a wait for a child, not a synchronisation sleep
  }
  kill(*pid, SIGKILL);
  waitpid(*pid, nullptr, 0);
  return DeadlineExceeded(argv[0] + " did not finish within " + std::to_string(ToSeconds(timeout)) +
                          " s");
}

StatusOr<std::vector<std::string>> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        cur.push_back(line[++i]);
      } else {
        cur.push_back(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur.push_back(line[++i]);
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur.push_back(c);
      in_word = true;
    }
  }
  if (quote) return InvalidArgument("unclosed quote in command '" + line + "'");
  if (in_word) words.push_back(std::move(cur));
  return words;
}

std::vector<std::string> SubstitutePath(const std::vector<std::string>& argv,
                                        const std::string& path) {
  std::vector<std::string> out;
  bool found = false;
  for (auto w : argv) {
    size_t pos = 0;
    while ((pos = w.find("{}", pos)) != std::string::npos) {
      w.replace(pos, 2, path);
      pos += path.size();
      found = true;
    }
    out.push_back(std::move(w));
  }
  if (!found) out.push_back(path);
  return out;
}

}  // namespace vs::envoyd
