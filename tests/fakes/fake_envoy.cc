// fake_envoy: an Envoy test double for envoyd's tests (issue 4). It honours the command line
// envoyd uses and the hot-restart rules of DESIGN.md 2.5, emulated through a state directory
// shared by all epochs ($FAKE_ENVOY_STATE, default /tmp/fake_envoy.<base-id>):
//
//   --mode validate -c FILE   exit 0, or 1 when FILE is missing/empty or holds the reject
//                             marker ($FAKE_ENVOY_REJECT_MARKER, default FAKE_ENVOY_REJECT)
//   --restart-epoch N --config-path FILE (or -c) --base-id B --drain-time-s D
//   --parent-shutdown-time-s P
//       N must be exactly the newest live epoch + 1 (0 when none lives), else exit 1;
//       starting while the newest live epoch is still initializing fails (exit 1);
//       a config holding the reject marker fails (exit 1), as does a file crash.<N> in the
//       state dir (exit 1 during init: "told to crash"); after $FAKE_ENVOY_INIT_MS (200) it is
//       ready (state file epoch.<N>.ready). When ready, it terminates epoch N-2 and tells N-1
//       to exit after P seconds (Envoy drains N-1 and shuts it down).
//   SIGTERM/SIGINT: exit 0 (SIGTERM is ignored with $FAKE_ENVOY_IGNORE_TERM set). SIGUSR1: logged
//   ("log reopen"). The parent dying: SIGTERM (PR_SET_PDEATHSIG, as Envoy).
//   A file notlive.<N> in the state dir keeps epoch N initializing (never LIVE: no ready file,
//   no drain of N-1) for as long as it exists, as an Envoy stuck in init (a cluster that never
//   warms) would be.
// Admin endpoint: as Envoy, the address is the config's admin.address.socket_address (served
// only when it is a 127.x address: the double stays on loopback), or $FAKE_ENVOY_ADMIN
// (host:port). GET /ready answers 200 "LIVE" once the epoch is initialized, 503
// "PRE_INITIALIZING" before, 503 "DRAINING" once told to drain; GET /server_info answers that
// state and command_line_options.restart_epoch as JSON; other paths 404. As Envoy's hot restart
// does (the child's ShutdownAdmin request to its parent, after it has loaded its config), a new
// epoch makes the previous epoch close its admin listener, then binds the address itself; until
// then (at least $FAKE_ENVOY_ADMIN_HANDOFF_MS, default 0) the previous epoch answers.
// Every invocation appends its argv (tab-separated, argv[0] as given) to <state>/argv.log and
// its life events to <state>/events.log, for the tests' assertions.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string g_state;
int g_epoch = -1;
int g_base_id = 0;

void Append(const std::string& file, const std::string& line) {
  int fd = open((g_state + "/" + file).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::string l = line + "\n";
  ssize_t n = write(fd, l.data(), l.size());  // one write: lines of concurrent epochs never mix
  (void)n;
  close(fd);
}

void Event(const std::string& what) {
  Append("events.log",
         "epoch=" + std::to_string(g_epoch) + " pid=" + std::to_string(getpid()) + " " + what);
}

std::string Slurp(const std::string& path, bool* ok) {
  std::ifstream f(path, std::ios::binary);
  *ok = static_cast<bool>(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool Exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

std::string PidFile(int epoch) { return g_state + "/epoch." + std::to_string(epoch) + ".pid"; }
std::string ReadyFile(int epoch) { return g_state + "/epoch." + std::to_string(epoch) + ".ready"; }

pid_t LivePid(int epoch) {
  bool ok;
  std::string s = Slurp(PidFile(epoch), &ok);
  if (!ok || s.empty()) return -1;
  pid_t pid = static_cast<pid_t>(std::atol(s.c_str()));
  if (pid <= 0 || kill(pid, 0) != 0) return -1;
  return pid;
}

void WriteFileNow(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << data;
  }
  rename(tmp.c_str(), path.c_str());
}

void Cleanup() {
  bool ok;
  if (std::atol(Slurp(PidFile(g_epoch), &ok).c_str()) == getpid()) {
    unlink(PidFile(g_epoch).c_str());
    unlink(ReadyFile(g_epoch).c_str());
  }
}

[[noreturn]] void Exit(int code, const std::string& why) {
  Event("exit code=" + std::to_string(code) + " " + why);
  Cleanup();
  std::fprintf(stderr, "fake_envoy epoch %d: exit %d: %s\n", g_epoch, code, why.c_str());
  std::exit(code);
}

// The admin address: $FAKE_ENVOY_ADMIN, else the config's admin.address.socket_address when it
// is on loopback. "" = no admin endpoint.
std::string AdminAddress(const std::string& cfg) {
  if (const char* env = std::getenv("FAKE_ENVOY_ADMIN")) return env;
  size_t admin = cfg.find("\"admin\"");
  if (admin == std::string::npos) return "";
  size_t sa = cfg.find("\"socket_address\"", admin);
  if (sa == std::string::npos) return "";
  size_t open = cfg.find('{', sa), close = cfg.find('}', sa);
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  std::string block = cfg.substr(open, close - open);
  std::smatch host, port;
  if (!std::regex_search(block, host, std::regex(R"re("address"\s*:\s*"([^"]*)")re")) ||
      !std::regex_search(block, port, std::regex(R"re("port_value"\s*:\s*([0-9]+))re"))) {
    return "";
  }
  if (host[1].str().rfind("127.", 0) != 0) {
    Event("admin " + host[1].str() + ":" + port[1].str() + " is not loopback: not served");
    return "";
  }
  return host[1].str() + ":" + port[1].str();
}

int ListenOn(const std::string& hostport) {
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::atoi(hostport.c_str() + colon + 1)));
  if (inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &a.sin_addr) != 1) return -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 16) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// One admin request per connection, answered at once (bounded: 1 s to read the request line).
void ServeAdmin(int listen_fd, const std::string& state) {
  int c = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (c < 0) return;
  std::string req;
  char buf[1024];
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 8192 &&
         std::chrono::steady_clock::now() < until) {
    pollfd p{c, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t n = read(c, buf, sizeof(buf));
    if (n <= 0) break;
    req.append(buf, static_cast<size_t>(n));
  }
  std::string path;
  if (size_t sp = req.find(' '); sp != std::string::npos) {
    path = req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
  }
  int code = 404;
  std::string body = "not found\n";
  std::string type = "text/plain";
  if (path == "/ready") {
    code = state == "LIVE" ? 200 : 503;
    body = state + "\n";
  } else if (path == "/server_info") {
    // admin.v3.ServerInfo as Envoy prints it (primitive fields always present).
    code = 200;
    type = "application/json";
    body = "{\n \"version\": \"fake_envoy/0.0.0\",\n \"state\": \"" + state +
           "\",\n \"hot_restart_version\": \"11.104\",\n \"command_line_options\": {\n"
           "  \"base_id\": \"" +
           std::to_string(g_base_id) + "\",\n  \"restart_epoch\": " + std::to_string(g_epoch) +
           ",\n  \"mode\": \"Serve\"\n }\n}\n";
  }
  std::string resp = "HTTP/1.1 " + std::to_string(code) + (code == 200 ? " OK" : " Error") +
                     "\r\nContent-Type: " + type +
                     "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\n\r\n" + body;
  ssize_t n = write(c, resp.data(), resp.size());
  (void)n;
  close(c);
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = "serve", config;
  int base_id = 0, drain = 600, parent_shutdown = 900;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "fake_envoy: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--restart-epoch")
      g_epoch = std::atoi(next().c_str());
    else if (a == "--config-path" || a == "-c")
      config = next();
    else if (a == "--base-id")
      g_base_id = base_id = std::atoi(next().c_str());
    else if (a == "--drain-time-s")
      drain = std::atoi(next().c_str());
    else if (a == "--parent-shutdown-time-s")
      parent_shutdown = std::atoi(next().c_str());
    else if (a == "--mode")
      mode = next();
    else if (a == "--log-level" || a == "-l")
      next();
    else {
      std::fprintf(stderr, "fake_envoy: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  const char* st = std::getenv("FAKE_ENVOY_STATE");
  g_state = st ? st : "/tmp/fake_envoy." + std::to_string(base_id);
  mkdir(g_state.c_str(), 0755);
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? "\t" : "") + std::string(argv[i]);
  Append("argv.log", line);
  const char* marker_env = std::getenv("FAKE_ENVOY_REJECT_MARKER");
  std::string marker = marker_env ? marker_env : "FAKE_ENVOY_REJECT";
  bool ok = false;
  std::string cfg = config.empty() ? "" : Slurp(config, &ok);

  if (mode == "validate") {
    if (!ok || cfg.empty()) {
      std::fprintf(stderr, "fake_envoy: cannot read config '%s'\n", config.c_str());
      return 1;
    }
    if (cfg.find(marker) != std::string::npos) {
      std::fprintf(stderr, "fake_envoy: config %s rejected (marker)\n", config.c_str());
      return 1;
    }
    std::printf("configuration '%s' OK\n", config.c_str());
    return 0;
  }
  if (mode != "serve") {
    std::fprintf(stderr, "fake_envoy: unknown mode %s\n", mode.c_str());
    return 2;
  }
  if (g_epoch < 0) g_epoch = 0;
  // As Envoy: die with the parent. Checked after the prctl to close the fork race.
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 1;

  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);

  // The hot-restart rules, checked against the live epochs of this base id.
  int newest = -1;
  for (int e = 0; e < 10000; ++e) {
    if (e != g_epoch && LivePid(e) > 0) newest = e;
  }
  if (LivePid(g_epoch) > 0) Exit(1, "epoch " + std::to_string(g_epoch) + " already running");
  if (g_epoch != newest + 1) {
    Exit(1, "restart epoch mismatch: newest live epoch is " + std::to_string(newest));
  }
  if (newest >= 0 && !Exists(ReadyFile(newest))) {
    Exit(1, "previous epoch " + std::to_string(newest) + " is still initializing");
  }
  WriteFileNow(PidFile(g_epoch), std::to_string(getpid()));
  Event("start base_id=" + std::to_string(base_id) + " config=" + config);
  std::printf("fake_envoy epoch %d starting with %s\n", g_epoch, config.c_str());
  std::fflush(stdout);
  if (!ok) Exit(1, "cannot read config " + config);
  if (cfg.find(marker) != std::string::npos) Exit(1, "config rejected (marker)");

  // Admin: the previous epoch gives the address up (SIGUSR2 with -1), then this one binds it.
  int admin_fd = -1;
  std::string admin = AdminAddress(cfg);
  if (!admin.empty()) {
    // Envoy asks its parent for the admin address only after loading its own config: until
    // then the previous epoch answers on it. $FAKE_ENVOY_ADMIN_HANDOFF_MS widens that window.
    if (const char* h = std::getenv("FAKE_ENVOY_ADMIN_HANDOFF_MS"); h && newest >= 0) {
      poll(nullptr, 0, std::atoi(h));
    }
    if (newest >= 0) {
      if (pid_t p = LivePid(newest); p > 0) {
        union sigval v;
        v.sival_int = -1;
        sigqueue(p, SIGUSR2, v);
      }
    }
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while ((admin_fd = ListenOn(admin)) < 0 && std::chrono::steady_clock::now() < give_up) {
      poll(nullptr, 0, 20);  // the previous epoch is closing its listener
    }
    if (admin_fd < 0) Exit(1, "cannot listen on admin " + admin);
    Event("admin on " + admin);
  }
  bool draining = false;
  const std::string notlive = g_state + "/notlive." + std::to_string(g_epoch);

  using Clock = std::chrono::steady_clock;
  const char* init_env = std::getenv("FAKE_ENVOY_INIT_MS");
  auto ready_at = Clock::now() + std::chrono::milliseconds(init_env ? std::atoi(init_env) : 200);
  bool ready = false;
  Clock::time_point exit_at = Clock::time_point::max();
  for (;;) {
    auto now = Clock::now();
    if (!ready && now >= ready_at && !Exists(notlive)) {
      if (Exists(g_state + "/crash." + std::to_string(g_epoch))) Exit(1, "told to crash");
      ready = true;
      WriteFileNow(ReadyFile(g_epoch), "1");
      Event("ready");
      if (g_epoch >= 2) {
        if (pid_t gp = LivePid(g_epoch - 2); gp > 0) {
          Event("terminate epoch=" + std::to_string(g_epoch - 2));
          kill(gp, SIGTERM);
        }
      }
      if (g_epoch >= 1) {
        if (pid_t p = LivePid(g_epoch - 1); p > 0) {
          Event("drain epoch=" + std::to_string(g_epoch - 1) +
                " drain_time_s=" + std::to_string(drain));
          union sigval v;
          v.sival_int = parent_shutdown;
          sigqueue(p, SIGUSR2, v);
        }
      }
    }
    // While held by notlive.<N>, look again every 50 ms.
    if (!ready && now >= ready_at) ready_at = now + std::chrono::milliseconds(50);
    auto deadline = std::min(ready ? exit_at : ready_at, exit_at);
    int ms =
        deadline == Clock::time_point::max()
            ? 1000
            : static_cast<int>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) +
                  1;
    if (ms > 1000) ms = 1000;
    if (ms < 0) ms = 0;
    pollfd p[2] = {{sfd, POLLIN, 0}, {admin_fd, POLLIN, 0}};
    if (poll(p, admin_fd >= 0 ? 2 : 1, ms) > 0) {
      if (admin_fd >= 0 && (p[1].revents & POLLIN)) {
        ServeAdmin(admin_fd, draining ? "DRAINING" : ready ? "LIVE" : "PRE_INITIALIZING");
      }
      signalfd_siginfo info;
      if ((p[0].revents & POLLIN) && read(sfd, &info, sizeof(info)) == sizeof(info)) {
        int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGTERM && std::getenv("FAKE_ENVOY_IGNORE_TERM")) {
          Event("ignoring SIGTERM");
          continue;
        }
        if (sig == SIGTERM || sig == SIGINT) Exit(0, std::string("signal ") + strsignal(sig));
        if (sig == SIGUSR1) {
          Event("usr1 (log reopen)");
        } else if (sig == SIGUSR2 && info.ssi_int < 0) {
          if (admin_fd >= 0) close(admin_fd);
          admin_fd = -1;
          Event("admin shut down (a new epoch takes it)");
        } else if (sig == SIGUSR2) {
          draining = true;
          Event("draining; exit in " + std::to_string(info.ssi_int) + " s");
          exit_at = Clock::now() + std::chrono::seconds(info.ssi_int);
        }
      }
    }
    if (Clock::now() >= exit_at) Exit(0, "parent shutdown time elapsed");
  }
}
