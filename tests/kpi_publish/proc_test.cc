// /proc parsing on fixture files (tests/kpi_publish/fixtures/proc), the collectors on a fake
// /proc, the backlog command runner, the device simulator and the command line.
#include "kpi_publish/proc.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>

#include "kpi_publish/collectors.h"
#include "kpi_publish/command.h"
#include "kpi_publish/fake_proc.h"
#include "kpi_publish/options.h"
#include "kpi_publish/simulator.h"
#include "test_common/subprocess.h"

namespace vs::kpi_publish {
namespace {

using testing::FakeProcSource;

std::string FixtureRoot() { return vs::testing::SourceDir() + "/tests/kpi_publish/fixtures/proc"; }

std::map<std::string, double> ByPath(const std::vector<kpi::Sample>& samples) {
  std::map<std::string, double> m;
  for (const auto& s : samples) m[s.GraphitePath()] = s.value;
  return m;
}

TEST(ProcParseTest, Fixtures) {
  RealProcSource proc(FixtureRoot());
  auto status = proc.Read("4242/status");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  auto rss = ParseStatusRssBytes(*status);
  ASSERT_TRUE(rss.ok());
  EXPECT_EQ(*rss, 131072u * 1024);
  auto statm = ParseStatmRssBytes(*proc.Read("4242/statm"), 4096);
  ASSERT_TRUE(statm.ok());
  EXPECT_EQ(*statm, 32768u * 4096);
  auto fds = proc.CountEntries("4242/fd");
  ASSERT_TRUE(fds.ok());
  EXPECT_EQ(*fds, 7);

  auto cpu = ParseProcStat(*proc.Read("stat"));
  ASSERT_TRUE(cpu.ok());
  EXPECT_EQ(cpu->total, 4705u + 356 + 584 + 3699176 + 23060 + 0 + 277 + 0);
  EXPECT_EQ(cpu->idle, 3699176u + 23060);

  auto mem = ParseMeminfo(*proc.Read("meminfo"));
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(mem->total, 8039696ull * 1024);
  EXPECT_EQ(mem->available, 6029772ull * 1024);

  auto load = ParseLoadavg(*proc.Read("loadavg"));
  ASSERT_TRUE(load.ok());
  EXPECT_DOUBLE_EQ(load->one, 0.52);
  EXPECT_DOUBLE_EQ(load->five, 0.58);
  EXPECT_DOUBLE_EQ(load->fifteen, 0.59);

  auto net = ParseNetDev(*proc.Read("net/dev"));
  ASSERT_TRUE(net.ok());
  ASSERT_EQ(net->size(), 3u);  // the malformed "bad0" line is skipped
  EXPECT_EQ((*net)[1].name, "eth0");
  EXPECT_EQ((*net)[1].rx_bytes, 41175132u);
  EXPECT_EQ((*net)[1].rx_packets, 904u);
  EXPECT_EQ((*net)[1].tx_bytes, 48896u);
  EXPECT_EQ((*net)[1].tx_packets, 580u);
  EXPECT_EQ((*net)[2].name, "eth0.100");

  EXPECT_FALSE(proc.Read("nope").ok());
  EXPECT_FALSE(proc.CountEntries("5151/fd").ok());
}

TEST(ProcParseTest, BadInput) {
  EXPECT_FALSE(ParseStatusRssBytes("Name: x\nVmRSSx: 5 kB\n").ok());
  EXPECT_FALSE(ParseStatusRssBytes("VmRSS: lots kB\n").ok());
  EXPECT_FALSE(ParseStatmRssBytes("12", 4096).ok());
  EXPECT_FALSE(ParseProcStat("cpu0 1 2 3 4\n").ok());
  EXPECT_FALSE(ParseProcStat("cpu  1 2 x 4\n").ok());
  EXPECT_FALSE(ParseProcStat("cpu  1 2\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemFree: 5 kB\n").ok());
  EXPECT_FALSE(ParseLoadavg("0.1 0.2\n").ok());
  EXPECT_FALSE(ParseLoadavg("0.1 nan 0.3\n").ok());
  EXPECT_FALSE(ParseNetDev("garbage").ok());
  // Old kernels without MemAvailable.
  auto mem = ParseMeminfo("MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\n");
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(mem->available, 35u * 1024);
}

TEST(ProcParseTest, CpuPercent) {
  EXPECT_DOUBLE_EQ(CpuPercent({1000, 800}, {1100, 850}), 50.0);
  EXPECT_DOUBLE_EQ(CpuPercent({1000, 800}, {1100, 900}), 0.0);
  EXPECT_DOUBLE_EQ(CpuPercent({1000, 800}, {1000, 800}), 0.0);  // no time passed
  EXPECT_DOUBLE_EQ(CpuPercent({1000, 800}, {900, 700}), 0.0);   // counters went back
}

TEST(ProcParseTest, Numbers) {
  EXPECT_EQ(*ParseNumber(" 42\n"), 42);
  EXPECT_EQ(*ParseNumber("-3.5"), -3.5);
  EXPECT_FALSE(ParseNumber("").ok());
  EXPECT_FALSE(ParseNumber("12 apples").ok());
  EXPECT_FALSE(ParseNumber("inf").ok());
  EXPECT_FALSE(ParseNumber("nan").ok());
}

TEST(ProcParseTest, CountsOwnFdsWithoutTheListingFd) {
  RealProcSource proc;
  auto self = proc.CountEntries("self/fd");
  ASSERT_TRUE(self.ok());
  // Open one more descriptor: the count moves by exactly one.
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  auto more = proc.CountEntries(std::to_string(getpid()) + "/fd");
  close(fd);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(*more, *self + 1);
}

class FakeRunner final : public CommandRunner {
 public:
  StatusOr<std::string> result = std::string("17\n");
  int calls = 0;
  StatusOr<std::string> Run(const std::string&, Duration) override {
    ++calls;
    return result;
  }
};

TEST(CollectorTest, ProcessDiagnosticsFromFixtures) {
  RealProcSource proc(FixtureRoot());
  FakeRunner runner;
  ProcessCollector c(&proc, &runner, 4242, "voltha.internal.core1", "count-deferreds",
                     std::chrono::seconds(1));
  std::vector<kpi::Sample> out;
  CollectErrors errors;
  c.Collect(1700000000, &out, &errors);
  EXPECT_TRUE(errors.empty());
  auto m = ByPath(out);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m["voltha.internal.core1.rss-mb"], 128.0);  // 131072 kB is 128 MiB, not 131 or 134
  EXPECT_EQ(m["voltha.internal.core1.open-fds"], 7);
  EXPECT_EQ(m["voltha.internal.core1.deferreds"], 17);
  for (const auto& s : out) EXPECT_EQ(s.timestamp, 1700000000);
  EXPECT_EQ(runner.calls, 1);
}

TEST(CollectorTest, StatmFallbackAndErrors) {
  RealProcSource proc(FixtureRoot());
  FakeRunner runner;
  runner.result = std::string("not a number");
  ProcessCollector c(&proc, &runner, 5151, "p", "x", std::chrono::seconds(1));
  std::vector<kpi::Sample> out;
  CollectErrors errors;
  c.Collect(1, &out, &errors);
  auto m = ByPath(out);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m["p.rss-mb"], 256.0 * sysconf(_SC_PAGESIZE) / (1024 * 1024));
  ASSERT_EQ(errors.errors.size(), 2u);
  EXPECT_EQ(errors.errors[0].first, "fds");
  EXPECT_EQ(errors.errors[1].first, "backlog");

  // No backlog command: no deferreds and no runner call.
  FakeRunner unused;
  ProcessCollector quiet(&proc, &unused, 4242, "p", "", std::chrono::seconds(1));
  out.clear();
  CollectErrors none;
  quiet.Collect(1, &out, &none);
  EXPECT_EQ(ByPath(out).count("p.deferreds"), 0u);
  EXPECT_EQ(unused.calls, 0);
}

TEST(CollectorTest, HostMetrics) {
  FakeProcSource proc;
  proc.files["stat"] = "cpu  100 0 100 800 0 0 0 0\n";
  HostCollector host(&proc, "voltha.host.h1");
  proc.files["stat"] = "cpu  175 0 100 825 0 0 0 0\n";  // 75 busy of 100 jiffies
  proc.files["meminfo"] = "MemTotal: 1048576 kB\nMemAvailable: 262144 kB\n";
  proc.files["loadavg"] = "1.5 0.5 0.25 1/100 7\n";
  proc.files["net/dev"] =
      "Inter-| Receive | Transmit\n face |bytes packets|bytes packets\n"
      "  eth0.7: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n";
  std::vector<kpi::Sample> out;
  CollectErrors errors;
  host.Collect(5, &out, &errors);
  EXPECT_TRUE(errors.empty());
  auto m = ByPath(out);
  EXPECT_EQ(m["voltha.host.h1.cpu.percent"], 75.0);
  EXPECT_EQ(m["voltha.host.h1.memory.total-mb"], 1024.0);
  EXPECT_EQ(m["voltha.host.h1.memory.available-mb"], 256.0);
  EXPECT_EQ(m["voltha.host.h1.memory.used-percent"], 75.0);
  EXPECT_EQ(m["voltha.host.h1.load.1m"], 1.5);
  EXPECT_EQ(m["voltha.host.h1.load.5m"], 0.5);
  EXPECT_EQ(m["voltha.host.h1.load.15m"], 0.25);
  EXPECT_EQ(m["voltha.host.h1.net.eth0_7.rx-bytes"], 10);  // one level, not two
  EXPECT_EQ(m["voltha.host.h1.net.eth0_7.tx-bytes"], 20);
  EXPECT_EQ(m["voltha.host.h1.net.eth0_7.rx-packets"], 1);
  EXPECT_EQ(m["voltha.host.h1.net.eth0_7.tx-packets"], 2);
  EXPECT_EQ(m.size(), 11u);

  // Less than 10 jiffies later: no CPU sample (not a meaningless 0 or 100); files gone: errors.
  proc.files["stat"] = "cpu  178 0 100 826 0 0 0 0\n";
  proc.files.erase("meminfo");
  proc.files["loadavg"] = "garbage";
  out.clear();
  CollectErrors errors2;
  host.Collect(6, &out, &errors2);
  m = ByPath(out);
  EXPECT_EQ(m.count("voltha.host.h1.cpu.percent"), 0u);
  EXPECT_EQ(m.count("voltha.host.h1.net.eth0_7.rx-bytes"), 1u);
  ASSERT_EQ(errors2.errors.size(), 2u);
  EXPECT_EQ(errors2.errors[0].first, "memory");
  EXPECT_EQ(errors2.errors[1].first, "load");
}

TEST(CommandTest, RunsAndBoundsTheCommand) {
  RealCommandRunner r;
  auto ok = r.Run("echo 42", std::chrono::seconds(10));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, "42\n");
  auto failed = r.Run("echo 1; exit 3", std::chrono::seconds(10));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("status 3"), std::string::npos);

  auto t0 = std::chrono::steady_clock::now();
  auto slow = r.Run("sleep 30", std::chrono::milliseconds(300));
  EXPECT_EQ(slow.status().code(), Code::kDeadlineExceeded);
  // A shell that closes stdout and lingers is bounded too.
  auto linger = r.Run("exec >&-; sleep 30", std::chrono::milliseconds(300));
  EXPECT_EQ(linger.status().code(), Code::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));

  auto big = r.Run("head -c 100000 /dev/zero", std::chrono::seconds(10));
  EXPECT_EQ(big.status().code(), Code::kResourceExhausted);
}

TEST(SimulatorTest, MonotonicCountersAndShovelPaths) {
  DeviceSimulator sim(3, 1000, 7);
  ASSERT_EQ(sim.size(), 3u);
  std::vector<kpi::Sample> a, b;
  sim.DeviceSamples(1, 1010, 1010, &a);
  sim.DeviceSamples(1, 1020, 1020, &b);
  sim.DeviceSamples(1, 1015, 1015, &b);  // time going back never decreases a counter
  ASSERT_EQ(a.size(), static_cast<size_t>(DeviceSimulator::kPortsPerDevice *
                                          DeviceSimulator::kCountersPerPort));
  ASSERT_EQ(b.size(), 2 * a.size());
  std::map<std::string, int> titles;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto& s = a[i];
    ASSERT_TRUE(s.has_device);
    EXPECT_TRUE(kpi::ValidateSample(s).ok());
    ++titles[s.device.title];
    EXPECT_EQ(s.device.device_id.size(), 16u);
    EXPECT_EQ(s.device.context.size(), 1u);
    EXPECT_EQ(s.device.context[0].first, "port_no");
    EXPECT_EQ(s.GraphitePath(), s.device.title + "." + s.device.device_id + "." +
                                    s.device.context[0].second + "." + s.metric);
    EXPECT_EQ(b[i].GraphitePath(), s.GraphitePath());
    EXPECT_GE(b[i].value, s.value) << s.GraphitePath();
    EXPECT_GE(b[i + a.size()].value, b[i].value) << s.GraphitePath();
    EXPECT_EQ(s.value, std::floor(s.value));
  }
  EXPECT_EQ(titles["NNI"], 10);
  EXPECT_EQ(titles["PON"], 20);
  EXPECT_EQ(titles["Ethernet"], 20);
  // Traffic flows: packets grow over 10 s, and bytes at least 64 per packet.
  auto find = [](const std::vector<kpi::Sample>& v, const std::string& title,
                 const std::string& m) {
    for (const auto& s : v) {
      if (s.device.title == title && s.metric == m) return s.value;
    }
    return -1.0;
  };
  double dp = find(b, "NNI", "rx_packets") - find(a, "NNI", "rx_packets");
  double db = find(b, "NNI", "rx_bytes") - find(a, "NNI", "rx_bytes");
  EXPECT_GT(dp, 10 * 1000);
  EXPECT_GE(db, 64 * dp);
  EXPECT_LE(db, 1518 * dp);
  // Deterministic for a seed; other seeds give other devices.
  DeviceSimulator again(3, 1000, 7), other(3, 1000, 8);
  std::vector<kpi::Sample> c, d;
  again.DeviceSamples(1, 1010, 1010, &c);
  other.DeviceSamples(1, 1010, 1010, &d);
  EXPECT_EQ(c, a);
  EXPECT_NE(d[0].device.device_id, a[0].device.device_id);
}

ParsedFlags Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "kpi-publish");
  return ParseFlags(static_cast<int>(args.size()), args.data());
}

TEST(OptionsTest, DefaultsFlagsAndEnvironment) {
  unsetenv("KPI_PUBLISH_INTERVAL");
  auto d = Parse({});
  ASSERT_TRUE(d.options);
  EXPECT_EQ(d.options->interval_s, 15);
  EXPECT_EQ(d.options->shape, kpi::Shape::kSeed);
  EXPECT_EQ(d.options->topic, "voltha.kpis");
  EXPECT_EQ(d.options->kafka, "localhost:9092");
  EXPECT_EQ(d.options->pid, 0);
  EXPECT_FALSE(EffectiveInstanceId(*d.options).empty());
  EXPECT_EQ(DiagnosticsPrefix(*d.options), "voltha.internal." + EffectiveInstanceId(*d.options));

  auto f = Parse({"--interval", "2.5", "--shape", "kpievent2", "-K", "@kafka", "-t", "x",
                  "--kafka-opt", "acks=all", "--kafka-opt", "linger.ms=1", "--instance-id", "c1",
                  "--simulate-devices", "20", "--rate", "100"});
  ASSERT_TRUE(f.options);
  EXPECT_EQ(f.options->interval_s, 2.5);
  EXPECT_EQ(f.options->shape, kpi::Shape::kKpiEvent2);
  EXPECT_EQ(f.options->kafka, "@kafka");
  EXPECT_EQ(f.options->topic, "x");
  EXPECT_EQ(f.options->kafka_opts, (std::vector<std::string>{"acks=all", "linger.ms=1"}));
  EXPECT_EQ(DiagnosticsPrefix(*f.options), "voltha.internal.c1");
  EXPECT_EQ(HostPrefix(*f.options), "voltha.host.c1");
  EXPECT_EQ(f.options->simulate_devices, 20);
  EXPECT_EQ(f.options->rate, 100);

  setenv("KPI_PUBLISH_INTERVAL", "7", 1);
  EXPECT_EQ(Parse({}).options->interval_s, 7);
  EXPECT_EQ(Parse({"--interval", "3"}).options->interval_s, 3);  // the flag wins
  unsetenv("KPI_PUBLISH_INTERVAL");

  EXPECT_EQ(Parse({"--bogus"}).exit_code, 2);
  EXPECT_EQ(Parse({"--interval", "0"}).exit_code, 2);
  EXPECT_EQ(Parse({"--shape", "xml"}).exit_code, 2);
  EXPECT_EQ(Parse({"--rate", "-1"}).exit_code, 2);
}

}  // namespace
}  // namespace vs::kpi_publish
