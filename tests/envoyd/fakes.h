// Test doubles for envoyd unit tests: a process runner that records what would be started, a
// renderer with scripted failures, and a command function with scripted exit codes.
#pragma once

#include <sys/wait.h>

#include <map>
#include <string>
#include <vector>

#include "envoyd/engine.h"
#include "envoyd/process.h"

namespace vs::envoyd::testing {

inline int ExitStatus(int code) { return code << 8; }  // as waitpid reports exit(code)
inline int SignalStatus(int sig) { return sig; }       // as waitpid reports death by sig

class FakeRunner : public ProcessRunner {
 public:
  StatusOr<pid_t> Start(const std::vector<std::string>& argv, const std::string& tag) override {
    started.push_back(argv);
    if (fail_starts > 0) {
      --fail_starts;
      return Internal("exec failed (fake)");
    }
    pid_t pid = next_pid++;
    alive[pid] = true;
    return pid;
  }
  void Signal(pid_t pid, int sig) override { signals.push_back({pid, sig}); }
  // The epoch argument of the n-th start.
  std::string EpochOf(size_t n) const {
    const auto& a = started.at(n);
    for (size_t i = 0; i + 1 < a.size(); ++i) {
      if (a[i] == "--restart-epoch") return a[i + 1];
    }
    return "?";
  }
  std::vector<std::vector<std::string>> started;
  std::vector<std::pair<pid_t, int>> signals;
  std::map<pid_t, bool> alive;
  int fail_starts = 0;
  pid_t next_pid = 100;
};

class FakeRenderer : public Renderer {
 public:
  StatusOr<std::string> Render(const TemplateData& d) override {
    ++calls;
    if (fail) return InvalidArgument("template: t:1:2: executing: boom");
    std::string out = "vip=" + d.voltha_vip + " grpc=" + d.grpc_port + " rr=";
    for (const auto& r : d.assignment->rr) out.append(r).push_back(',');
    return out + "\n";
  }
  bool fail = false;
  int calls = 0;
};

struct FakeCommands {
  std::vector<std::vector<std::string>> calls;
  std::vector<std::string> staged_contents;  // what a validator saw at its {} path
  int next_exit = 0;                         // exit code for the following calls
  CommandFn Fn() {
    return [this](const std::vector<std::string>& argv, Duration) -> StatusOr<CommandResult> {
      calls.push_back(argv);
      FILE* f = std::fopen(argv.back().c_str(), "r");
      if (f) {
        char buf[4096];
        size_t n = std::fread(buf, 1, sizeof(buf), f);
        std::fclose(f);
        staged_contents.emplace_back(buf, n);
      }
      CommandResult r;
      r.wait_status = ExitStatus(next_exit);
      r.output = next_exit ? "rejected" : "ok";
      return r;
    };
  }
};

}  // namespace vs::envoyd::testing
