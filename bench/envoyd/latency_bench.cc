// KV write -> new config on disk, through the real envoyd process (issue 4, Performance).
//   envoyd_latency_bench --store file|etcd [--changes 200]   p50/p99/max of the latency
//   envoyd_latency_bench --burst [--changes 1000]            applies for a 1 s burst, -wait
// envoyd runs with -mode none, no validation and no quiescence (except --burst); the config
// is detected with inotify (IN_MOVED_TO of the rename). fsync time is read from envoyd's
// /metrics and reported apart.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/net.h"
#include "envoyd/atomic_file.h"
#include "kv/base64.h"
#include "test_common/subprocess.h"

namespace {

using namespace std::chrono_literals;
using vs::testing::Subprocess;
using vs::testing::TempDir;
using vs::testing::WaitFor;

std::string Value(int i, int cores) {
  std::string s = "{";
  for (int c = 0; c < cores; ++c) {
    if (c) s += ",";
    s += "\"000" + std::to_string(c) + "\":{\"id\":\"c\",\"host\":\"10." + std::to_string(c) + "." +
         std::to_string(i / 250) + "." + std::to_string(i % 250) + "\"}";
  }
  return s + "}";
}

double Metric(uint16_t admin, const std::string& name) {
  vs::HttpRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(admin) + "/metrics";
  auto m = vs::HttpCall(r);
  if (!m.ok()) return -1;
  auto p = m->body.find("\n" + name + " ");
  if (p == std::string::npos) return -1;
  return std::atof(m->body.c_str() + p + name.size() + 2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string store = "file";
  int changes = 200;
  bool burst = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--store" && i + 1 < argc)
      store = argv[++i];
    else if (a == "--changes" && i + 1 < argc)
      changes = std::atoi(argv[++i]);
    else if (a == "--burst")
      burst = true;
  }
  std::string build = argv[0];
  build = build.substr(0, build.rfind("/bench/"));
  std::string envoyd = build + "/src/apps/envoyd";
  TempDir dir;
  std::string tmpl = dir.File("t.tmpl"), kvfile = dir.File("kv.json");
  std::filesystem::create_directories(dir.File("out"));
  std::string cfg = dir.File("out/cfg");
  vs::testing::WriteFile(tmpl, "{{range .VolthaRR}}{{.}}\n{{end}}");
  uint16_t admin = *vs::FreeLoopbackPort();
  std::vector<std::string> args = {envoyd,
                                   "-mode",
                                   "none",
                                   "-envoy-cfg-template",
                                   tmpl,
                                   "-envoy-config",
                                   cfg,
                                   "-vcore-svc-name",
                                   "127.0.0.1",
                                   "-validate-cmd",
                                   "",
                                   "-admin",
                                   "127.0.0.1:" + std::to_string(admin),
                                   "-log-level",
                                   "warn"};
  Subprocess etcd;
  std::string etcd_url;
  auto put = [&](const std::string& v) {
    if (store == "file" && burst) {
      // No fsync: the burst must fit in 1 s on a slow disk; rename keeps it atomic.
      vs::testing::WriteFile(kvfile + ".w", v);
      std::rename((kvfile + ".w").c_str(), kvfile.c_str());
      return;
    }
    if (store == "file") {
      (void)vs::envoyd::WriteFileAtomically(kvfile, v, false);
      return;
    }
    vs::HttpRequest r;
    r.method = "POST";
    r.url = etcd_url + "/v3/kv/put";
    r.body = "{\"key\":\"" + vs::kv::Base64Encode("assignment") + "\",\"value\":\"" +
             vs::kv::Base64Encode(v) + "\"}";
    (void)vs::HttpCall(r);
  };
  if (store == "etcd") {
    uint16_t c = *vs::FreeLoopbackPort(), p = *vs::FreeLoopbackPort();
    etcd_url = "http://127.0.0.1:" + std::to_string(c);
    std::string purl = "http://127.0.0.1:" + std::to_string(p);
    etcd.Start({"etcd", "--name", "b", "--data-dir", dir.File("etcd"), "--listen-client-urls",
                etcd_url, "--advertise-client-urls", etcd_url, "--listen-peer-urls", purl,
                "--initial-advertise-peer-urls", purl, "--initial-cluster", "b=" + purl},
               dir.File("etcd.log"));
    if (!WaitFor([&] { return vs::testing::PortOpen(c); }, 20s)) return 1;
    for (const std::string& a : {std::string("-kv"), std::string("etcd"),
                                 std::string("-assignment-key"), std::string("assignment"),
                                 std::string("-kv-address"), "127.0.0.1:" + std::to_string(c)}) {
      args.push_back(a);
    }
  } else {
    for (const char* a : {"-kv", "file", "-kv-file"}) args.push_back(a);
    args.push_back(kvfile);
  }
  if (burst) {
    args.push_back("-wait");
    args.push_back("200ms:1s");
  }
  put(Value(0, 3));
  Subprocess d;
  d.Start(args, dir.File("envoyd.log"));
  if (!WaitFor([&] { return std::filesystem::exists(cfg); }, 20s)) {
    std::fprintf(stderr, "envoyd did not write: %s\n",
                 vs::testing::ReadFile(dir.File("envoyd.log")).c_str());
    return 1;
  }
  if (burst) {
    double before = Metric(admin, "envoyd_applies_total");
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 1; i <= changes; ++i) {
      put(Value(i, 3));
      auto due = t0 + std::chrono::microseconds(1000000LL * i / changes);
      while (std::chrono::steady_clock::now() < due) {
      }
    }
    double spent = vs::ToSeconds(std::chrono::steady_clock::now() - t0);
    std::string last =
        "10.0." + std::to_string(changes / 250) + "." + std::to_string(changes % 250);
    WaitFor([&] { return vs::testing::ReadFile(cfg).find(last + ":") != std::string::npos; }, 10s);
    double after = Metric(admin, "envoyd_applies_total");
    std::printf("burst: %d changes in %.3f s, -wait 200ms:1s -> %.0f applies\n", changes, spent,
                after - before);
    d.Stop(5s);
    return 0;
  }
  int in = inotify_init1(IN_CLOEXEC);
  inotify_add_watch(in, dir.File("out").c_str(), IN_MOVED_TO);
  std::vector<double> ms;
  char buf[4096];
  for (int i = 1; i <= changes; ++i) {
    std::string marker = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":";
    auto t0 = std::chrono::steady_clock::now();
    put(Value(i, 3));
    bool seen = false;
    while (!seen) {
      pollfd p{in, POLLIN, 0};
      if (poll(&p, 1, 5000) <= 0) break;
      ssize_t n = read(in, buf, sizeof(buf));
      (void)n;
      seen = vs::testing::ReadFile(cfg).find(marker) != std::string::npos;
    }
    if (!seen) {
      std::fprintf(stderr, "change %d not seen within 5 s\n", i);
      return 1;
    }
    ms.push_back(1000 * vs::ToSeconds(std::chrono::steady_clock::now() - t0));
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
  double fsync = Metric(admin, "envoyd_fsync_seconds_total");
  double writes = Metric(admin, "envoyd_writes_total");
  std::printf(
      "store=%s changes=%zu latency ms: p50 %.2f p99 %.2f max %.2f; fsync per write "
      "%.2f ms (included above)\n",
      store.c_str(), ms.size(), pct(0.5), pct(0.99), ms.back(),
      writes > 0 ? 1000 * fsync / writes : -1);
  d.Stop(5s);
  return 0;
}
