// The kpi-publish binary end to end against librdkafka's mock cluster (in this process) and a
// fake Consul catalog (an AdminServer): "-K @kafka" is resolved after Consul first fails, the
// diagnostics, host metrics and simulated devices arrive with the right values, /readyz and
// /metrics answer, and SIGTERM flushes: the consumer reads exactly as many samples as the
// daemon reports delivered.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cmath>
#include <map>
#include <regex>

#include "common/admin_server.h"
#include "common/http_client.h"
#include "common/net.h"
#include "kafka/mock_cluster.h"
#include "kpi/json_writer.h"
#include "kpi_publish/consumer.h"
#include "kpi_publish/json_reader.h"
#include "test_common/subprocess.h"

namespace vs::kpi {
namespace {

using kpi::testing::ConsumeUntil;
using kpi::testing::ReadMessage;
using kpi::testing::ReadPoint;
using vs::testing::Subprocess;
using vs::testing::TempDir;
using vs::testing::WaitFor;

std::vector<ReadPoint> Points(const std::vector<std::string>& msgs) {
  std::vector<ReadPoint> pts;
  for (const auto& m : msgs) {
    std::string err;
    EXPECT_TRUE(ReadMessage(m, &pts, &err)) << err;
  }
  return pts;
}

std::string Binary() { return vs::testing::BuildDir() + "/src/apps/kpi-publish"; }

long HttpStatus(uint16_t port, const std::string& path) {
  auto r = HttpCall({.url = fmt::format("http://127.0.0.1:{}{}", port, path),
                     .timeout = std::chrono::seconds(2)});
  return r.ok() ? r->status : -1;
}

// The number in "stopping: N samples delivered" of the daemon's last log line.
long DeliveredFromLog(const std::string& log) {
  std::smatch m;
  std::regex re("stopping: ([0-9]+) samples delivered, 0 failed, 0 dropped");
  if (!std::regex_search(log, m, re)) return -1;
  return std::stol(m[1]);
}

class DaemonTest : public ::testing::TestWithParam<Shape> {};

TEST_P(DaemonTest, PublishesDiagnosticsHostAndDevicesThenFlushesOnSigterm) {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok());
  ASSERT_TRUE((*mc)->CreateTopic("voltha.kpis", 4).ok());

  // Fake Consul: the first two lookups fail (not registered yet), then Kafka is there.
  std::atomic<int> lookups{0};
  const std::string bootstrap = (*mc)->bootstrap();
  auto colon = bootstrap.rfind(':');
  AdminServer consul;
  consul.Handle("/v1/catalog/service/kafka", [&] {
    if (++lookups <= 2) return HttpReply{200, "application/json", "[]"};
    return HttpReply{200, "application/json",
                     fmt::format(R"([{{"Address":"10.0.0.9","ServiceAddress":"{}",)"
                                 R"("ServicePort":{}}}])",
                                 bootstrap.substr(0, colon), bootstrap.substr(colon + 1))};
  });
  ASSERT_TRUE(consul.Start("127.0.0.1:0").ok());
  auto admin_port = FreeLoopbackPort();
  ASSERT_TRUE(admin_port.ok());

  TempDir dir;
  Subprocess daemon;
  ASSERT_TRUE(
      daemon.Start({Binary(), "-K", "@kafka", "-c", fmt::format("127.0.0.1:{}", consul.port()),
                    "--shape", ShapeName(GetParam()), "--instance-id", "itest", "--backlog-cmd",
                    "echo 5", "--simulate-devices", "3", "--admin",
                    fmt::format("127.0.0.1:{}", *admin_port), "--log-level", "debug"},
                   dir.File("kpi-publish.log"), {"KPI_PUBLISH_INTERVAL=0.3"}));

  EXPECT_TRUE(
      WaitFor([&] { return HttpStatus(*admin_port, "/readyz") == 200; }, std::chrono::seconds(30)))
      << vs::testing::ReadFile(dir.File("kpi-publish.log"));
  EXPECT_EQ(HttpStatus(*admin_port, "/healthz"), 200);
  EXPECT_GE(lookups.load(), 3);

  // Three rounds of diagnostics.
  auto diag_rounds = [](const std::vector<std::string>& msgs) {
    int n = 0;
    for (const auto& p : Points(msgs)) n += p.path == "voltha.internal.itest.deferreds";
    return n;
  };
  auto msgs = ConsumeUntil(
      bootstrap, "voltha.kpis", 4,
      [&](const std::vector<std::string>& m) { return diag_rounds(m) >= 3; },
      std::chrono::seconds(30));
  auto pts = Points(msgs);
  std::map<std::string, std::vector<ReadPoint>> series;
  for (const auto& p : pts) series[p.path].push_back(p);
  ASSERT_GE(series["voltha.internal.itest.deferreds"].size(), 3u);
  for (const auto& p : series["voltha.internal.itest.deferreds"]) EXPECT_EQ(p.value, 5);
  for (const auto& p : series["voltha.internal.itest.rss-mb"]) {
    EXPECT_GT(p.value, 1);    // MiB: a C++ daemon with librdkafka is more than 1 MiB
    EXPECT_LT(p.value, 500);  // and not kB or bytes
  }
  for (const auto& p : series["voltha.internal.itest.open-fds"]) {
    EXPECT_GE(p.value, 3);
    EXPECT_EQ(p.value, std::floor(p.value));
  }
  EXPECT_FALSE(series["voltha.host.itest.memory.total-mb"].empty());
  EXPECT_FALSE(series["voltha.host.itest.load.1m"].empty());
  EXPECT_FALSE(series["voltha.host.itest.net.lo.rx-bytes"].empty());
  // 3 devices x 5 ports x 10 counters, each a monotonic counter over time.
  int device_series = 0;
  for (auto& [path, v] : series) {
    if (path.rfind("PON.", 0) != 0 && path.rfind("NNI.", 0) != 0 &&
        path.rfind("Ethernet.", 0) != 0) {
      continue;
    }
    ++device_series;
    std::map<double, std::pair<double, double>> by_ts;  // ts -> min, max value
    for (const auto& p : v) {
      auto [it, fresh] = by_ts.try_emplace(p.ts, p.value, p.value);
      if (!fresh) {
        it->second.first = std::min(it->second.first, p.value);
        it->second.second = std::max(it->second.second, p.value);
      }
    }
    double prev_max = -1;
    for (const auto& [ts, mm] : by_ts) {
      EXPECT_GE(mm.first, prev_max) << path;
      prev_max = mm.second;
    }
  }
  EXPECT_EQ(device_series, 150);

  auto metrics = HttpCall({.url = fmt::format("http://127.0.0.1:{}/metrics", *admin_port)});
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("kpi_publish_samples_total{result=\"delivered\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("kpi_publish_consul_lookup_failures_total 2"), std::string::npos)
      << metrics->body;

  daemon.Signal(SIGTERM);
  int status = daemon.Wait(std::chrono::seconds(20));
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string log = vs::testing::ReadFile(dir.File("kpi-publish.log"));
  EXPECT_NE(log.find("everything flushed"), std::string::npos) << log;
  long delivered = DeliveredFromLog(log);
  ASSERT_GT(delivered, 0) << log;
  // Everything the daemon counted as delivered is in Kafka, once.
  auto all = ConsumeUntil(
      bootstrap, "voltha.kpis", 4,
      [&](const std::vector<std::string>& m) {
        return static_cast<long>(Points(m).size()) >= delivered;
      },
      std::chrono::seconds(30));
  EXPECT_EQ(static_cast<long>(Points(all).size()), delivered);
}

INSTANTIATE_TEST_SUITE_P(Shapes, DaemonTest,
                         ::testing::Values(Shape::kSeed, Shape::kKpiEvent, Shape::kKpiEvent2),
                         [](const auto& info) { return std::string(ShapeName(info.param)); });

// A metric's value from a Prometheus text page; -1 when absent.
double MetricValue(const std::string& page, const std::string& name) {
  std::smatch m;
  std::regex re("(^|\n)" + std::regex_replace(name, std::regex(R"([{}"])"), R"(\$&)") +
                " ([-0-9.e+]+)");
  if (!std::regex_search(page, m, re)) return -1;
  return std::stod(m[2]);
}

double DaemonMetric(uint16_t port, const std::string& name) {
  auto r = HttpCall({.url = fmt::format("http://127.0.0.1:{}/metrics", port),
                     .timeout = std::chrono::seconds(2)});
  return r.ok() ? MetricValue(r->body, name) : -1;
}

TEST(DaemonFaultTest, BrokerDownAndUpLosesNoSample) {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok());
  ASSERT_TRUE((*mc)->CreateTopic("voltha.kpis", 2).ok());
  auto admin_port = FreeLoopbackPort();
  ASSERT_TRUE(admin_port.ok());
  TempDir dir;
  Subprocess daemon;
  ASSERT_TRUE(daemon.Start(
      {Binary(), "-K", (*mc)->bootstrap(), "--interval", "0.2", "--instance-id", "fault",
       "--simulate-devices", "2", "--admin", fmt::format("127.0.0.1:{}", *admin_port),
       "--kafka-opt", "reconnect.backoff.max.ms=500"},
      dir.File("kpi-publish.log")));
  ASSERT_TRUE(
      WaitFor([&] { return HttpStatus(*admin_port, "/readyz") == 200; }, std::chrono::seconds(30)));
  ASSERT_TRUE((*mc)->SetBrokerDown(1, true).ok());
  // The daemon notices (not ready) and keeps collecting while Kafka is away.
  EXPECT_TRUE(
      WaitFor([&] { return HttpStatus(*admin_port, "/readyz") == 503; }, std::chrono::seconds(20)));
  const double ticks = DaemonMetric(*admin_port, "kpi_publish_ticks_total");
  ASSERT_GT(ticks, 0);
  EXPECT_TRUE(
      WaitFor([&] { return DaemonMetric(*admin_port, "kpi_publish_ticks_total") >= ticks + 5; },
              std::chrono::seconds(20)));
  EXPECT_GT(DaemonMetric(*admin_port, "kpi_publish_outstanding_messages"), 0);
  ASSERT_TRUE((*mc)->SetBrokerDown(1, false).ok());
  EXPECT_TRUE(
      WaitFor([&] { return HttpStatus(*admin_port, "/readyz") == 200; }, std::chrono::seconds(30)));
  daemon.Signal(SIGTERM);
  int status = daemon.Wait(std::chrono::seconds(20));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::string log = vs::testing::ReadFile(dir.File("kpi-publish.log"));
  long delivered = DeliveredFromLog(log);  // requires "0 failed, 0 dropped"
  ASSERT_GT(delivered, 0) << log;
  auto all = ConsumeUntil((*mc)->bootstrap(), "voltha.kpis", 2,
                          [&](const std::vector<std::string>& m) {
                            return static_cast<long>(Points(m).size()) >= delivered;
                          },
                          std::chrono::seconds(30));
  EXPECT_EQ(static_cast<long>(Points(all).size()), delivered);
  // Every round is there: rss-mb once per tick, ticks during the outage included.
  int rounds = 0;
  for (const auto& p : Points(all)) rounds += p.path == "voltha.internal.fault.rss-mb";
  EXPECT_GE(rounds, ticks + 5);
}

TEST(DaemonRateTest, RateSetsSimulatedMessagesPerSecond) {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok());
  ASSERT_TRUE((*mc)->CreateTopic("load", 2).ok());
  TempDir dir;
  Subprocess daemon;
  ASSERT_TRUE(daemon.Start({Binary(), "-K", (*mc)->bootstrap(), "-t", "load", "--interval", "3600",
                            "--host-metrics", "false", "--instance-id", "gen", "--simulate-devices",
                            "4", "--rate", "40", "--shape", "kpievent2"},
                           dir.File("kpi-publish.log")));
  // 80 simulated messages at 40/s take about 2 s.
  const auto t0 = std::chrono::steady_clock::now();
  auto msgs = ConsumeUntil((*mc)->bootstrap(), "load", 2,
                           [](const std::vector<std::string>& m) { return m.size() >= 1 + 80; },
                           std::chrono::seconds(30));
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_GE(msgs.size(), 81u);
  EXPECT_GT(elapsed, 80 / 40.0 * 0.5);  // not a burst
  EXPECT_LT(elapsed, 80 / 40.0 * 4);    // and not starved
  int device_msgs = 0;
  for (const auto& m : msgs) {
    std::vector<ReadPoint> pts;
    std::string err;
    ASSERT_TRUE(ReadMessage(m, &pts, &err)) << err;
    if (pts.size() == 50) ++device_msgs;  // one device: 5 ports x 10 counters
  }
  EXPECT_GE(device_msgs, 80);
  daemon.Signal(SIGTERM);
  int status = daemon.Wait(std::chrono::seconds(20));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << vs::testing::ReadFile(dir.File("kpi-publish.log"));
}

TEST(DaemonFlagsTest, BadFlagExitsTwoAndVersionZero) {
  int code = -1;
  vs::testing::Run(Binary() + " --no-such-flag 2>/dev/null", &code);
  EXPECT_EQ(code, 2);
  std::string out = vs::testing::Run(Binary() + " --version", &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("kpi-publish"), std::string::npos);
}

}  // namespace
}  // namespace vs::kpi
