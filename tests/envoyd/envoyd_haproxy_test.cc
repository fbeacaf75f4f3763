// Real traffic through envoyd's `command` mode (issue 4, Tests): haproxy (master-worker, reloaded
// with SIGUSR2 by -reload-cmd) in front of 4 small HTTP backends started by the test, each on
// its own loopback address 127.0.0.1x with one shared port (envoyd joins every core host with
// -vcore-port). The assignment lives in a real etcd. A client loops on haproxy during 20 changes
// of the key: it must see zero failed requests, and after each change traffic must reach
// exactly the new set of backends.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/net.h"
#include "test_common/subprocess.h"

namespace {

using namespace std::chrono_literals;
using vs::testing::BuildDir;
using vs::testing::ReadFile;
using vs::testing::Subprocess;
using vs::testing::TempDir;
using vs::testing::WaitFor;
using vs::testing::WriteFile;

// A tiny HTTP/1.0 server answering "backend-<n>" on 127.0.0.<n>:port.
class Backend {
 public:
  Backend(int n, uint16_t port) : n_(n) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl((127u << 24) | static_cast<uint32_t>(n));
    ok_ = bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 && listen(fd_, 128) == 0;
    stop_ = eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { Loop(); });
  }
  ~Backend() {
    uint64_t one = 1;
    ssize_t w = write(stop_, &one, sizeof(one));
    (void)w;
    thread_.join();
    close(fd_);
    close(stop_);
  }
  bool ok() const { return ok_; }

 private:
  void Loop() {
    for (;;) {
      pollfd p[2] = {{fd_, POLLIN, 0}, {stop_, POLLIN, 0}};
      if (poll(p, 2, 1000) < 0) continue;
      if (p[1].revents) return;
      if (!(p[0].revents & POLLIN)) continue;
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      timeval tv{2, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
        ssize_t r = read(c, buf, sizeof(buf));
        if (r <= 0) break;
        req.append(buf, static_cast<size_t>(r));
      }
      std::string body = "backend-" + std::to_string(n_);
      std::string resp = "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nConnection: close\r\n\r\n" + body;
      ssize_t w = write(c, resp.data(), resp.size());
      (void)w;
      close(c);
    }
  }
  int n_;
  int fd_ = -1, stop_ = -1;
  bool ok_ = false;
  std::thread thread_;
};

// One request through the proxy; returns the backend number, or -1 on any failure.
int Request(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int result = -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    std::string req = "GET / HTTP/1.0\r\nHost: proxy\r\n\r\n";
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      std::string resp;
      char buf[4096];
      for (;;) {
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r <= 0) break;
        resp.append(buf, static_cast<size_t>(r));
      }
      auto pos = resp.find("\r\n\r\nbackend-");
      if (resp.rfind("HTTP/1.0 200", 0) == 0 && pos != std::string::npos) {
        result = std::atoi(resp.c_str() + pos + 12);
      }
    }
  }
  close(fd);
  return result;
}

TEST(EnvoydHaproxy, TwentyChangesWithZeroFailedRequests) {
  if (vs::testing::Run("command -v haproxy").empty()) GTEST_FAIL() << "haproxy not installed";
  if (vs::testing::Run("command -v etcd").empty()) GTEST_FAIL() << "etcd not installed";
  TempDir dir;
  uint16_t backend_port = *vs::FreeLoopbackPort();
  uint16_t fe_port = *vs::FreeLoopbackPort();
  std::vector<std::unique_ptr<Backend>> backends;
  for (int n = 11; n <= 14; ++n) {
    backends.push_back(std::make_unique<Backend>(n, backend_port));
    ASSERT_TRUE(backends.back()->ok()) << "bind 127.0.0." << n << ":" << backend_port;
  }
  // etcd holds the assignment.
  uint16_t client = *vs::FreeLoopbackPort(), peer = *vs::FreeLoopbackPort();
  std::string curl = "http://127.0.0.1:" + std::to_string(client);
  std::string purl = "http://127.0.0.1:" + std::to_string(peer);
  Subprocess etcd;
  ASSERT_TRUE(
      etcd.Start({"etcd", "--name", "t", "--data-dir", dir.File("etcd"), "--listen-client-urls",
                  curl, "--advertise-client-urls", curl, "--listen-peer-urls", purl,
                  "--initial-advertise-peer-urls", purl, "--initial-cluster", "t=" + purl},
                 dir.File("etcd.log")));
  const std::string key = "service/voltha/data/core/assignment";
  auto assignment = [](const std::set<int>& set) {
    std::string s = "{";
    for (int n : set) {
      if (s.size() > 1) s += ",";
      s += "\"00" + std::to_string(n) + "\":{\"id\":\"c" + std::to_string(n) +
           "\",\"host\":\"127.0.0." + std::to_string(n) + "\"}";
    }
    return s + "}";
  };
  auto put = [&](const std::set<int>& set) {
    int rc = -1;
    vs::testing::Run("ETCDCTL_API=3 etcdctl --endpoints " + curl + " put " + key + " '" +
                         assignment(set) + "' >/dev/null 2>&1",
                     &rc);
    return rc == 0;
  };
  ASSERT_TRUE(WaitFor([&] { return put({11, 12}); }, 20s));

  std::string tmpl = dir.File("haproxy.tmpl"), cfg = dir.File("haproxy.cfg");
  WriteFile(tmpl,
            "global\n  log stderr format raw local0 notice\n"
            "defaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n"
            "  timeout server 10s\n  retries 3\n  option redispatch\n"
            "frontend fe\n  bind 127.0.0.1:{{.GrpcPort}}\n  default_backend be\n"
            "backend be\n  balance roundrobin\n"
            "{{range .Cores}}  server s{{.Slot}} {{.Host}}:{{.Port}}\n{{end}}");
  std::vector<std::string> common = {BuildDir() + "/src/apps/envoyd",
                                     "-kv",
                                     "etcd",
                                     "-kv-address",
                                     "127.0.0.1:" + std::to_string(client),
                                     "-envoy-cfg-template",
                                     tmpl,
                                     "-envoy-config",
                                     cfg,
                                     "-vcore-svc-name",
                                     "127.0.0.1",
                                     "-vcore-port",
                                     std::to_string(backend_port),
                                     "-grpc-port",
                                     std::to_string(fe_port),
                                     "-validate-cmd",
                                     "haproxy -c -q -f {}"};
  // `once` writes the first config, haproxy starts on it, then the daemon keeps it in step.
  {
    auto once = common;
    once.push_back("-mode");
    once.push_back("none");
    once.push_back("once");
    Subprocess p;
    ASSERT_TRUE(p.Start(once, dir.File("once.log")));
    int st = p.Wait(30s);
    ASSERT_EQ(st, 0) << ReadFile(dir.File("once.log"));
  }
  Subprocess haproxy;
  ASSERT_TRUE(haproxy.Start({"haproxy", "-W", "-db", "-f", cfg}, dir.File("haproxy.log")));
  ASSERT_TRUE(WaitFor([&] { return vs::testing::PortOpen(fe_port); }, 10s))
      << ReadFile(dir.File("haproxy.log"));
  auto daemon = common;
  for (std::string a : {"-mode", "command", "-reload-cmd"}) daemon.push_back(a);
  // haproxy's master re-executes itself on SIGUSR2 and loses a second SIGUSR2 that arrives
  // meanwhile, so the reload command waits until the master reports the new load (bounded).
  std::string hlog = dir.File("haproxy.log"), pid = std::to_string(haproxy.pid());
  daemon.push_back("sh -c 'n=$(grep -c \"Loading success\" " + hlog + "); kill -USR2 " + pid +
                   "; i=0; while [ $(grep -c \"Loading success\" " + hlog +
                   ") -le $n ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; "
                   "[ $i -lt 100 ]'");
  Subprocess envoyd;
  ASSERT_TRUE(envoyd.Start(daemon, dir.File("envoyd.log")));

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::jthread loop([&] {
    while (!stop) {
      if (Request(fe_port) > 0) {
        ++ok;
      } else {
        ++failed;
      }
    }
  });
  // On any failure: stop the client first and show what the daemons said.
  struct OnExit {
    std::function<void()> f;
    ~OnExit() { f(); }
  } on_exit{[&] {
    stop = true;
    if (loop.joinable()) loop.join();
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "---- envoyd ----\n%s\n---- haproxy ----\n%s\n",
                   ReadFile(dir.File("envoyd.log")).c_str(),
                   ReadFile(dir.File("haproxy.log")).c_str());
    }
  }};
  // Traffic reaches exactly `set`: 24 consecutive answers all from it, covering all of it.
  std::string last_seen;
  auto serves_exactly = [&](const std::set<int>& set) {
    std::set<int> seen;
    last_seen.clear();
    for (int i = 0; i < 24; ++i) {
      int b = Request(fe_port);
      last_seen += std::to_string(b) + " ";
      if (!set.count(b)) return false;
      seen.insert(b);
    }
    return seen == set;
  };
  ASSERT_TRUE(WaitFor([&] { return serves_exactly({11, 12}); }, 20s));
  const std::vector<std::set<int>> sets = {{13, 14}, {11}, {11, 12, 13, 14}, {12, 14}, {13}};
  for (int change = 0; change < 20; ++change) {
    const auto& set = sets[change % sets.size()];
    ASSERT_TRUE(put(set));
    ASSERT_TRUE(WaitFor([&] { return serves_exactly(set); }, 20s))
        << "change " << change << " last answers: " << last_seen;
  }
  stop = true;
  loop.join();
  std::printf("client: %d requests answered, %d failed, over 20 changes\n", ok.load(),
              failed.load());
  EXPECT_EQ(failed.load(), 0) << "of " << ok.load() + failed.load() << " requests";
  EXPECT_GT(ok.load(), 100);
  std::string log = ReadFile(dir.File("envoyd.log"));
  EXPECT_EQ(log.find("reload command"), std::string::npos) << log;  // no failed reload
  envoyd.Stop(10s);
  haproxy.Stop(10s);
}

}  // namespace
