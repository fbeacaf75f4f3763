#include "kpi_publish/collectors.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace vs::kpi_publish {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
// All CPUs together: 10 jiffies is 0.1 s of one CPU at USER_HZ=100.
constexpr uint64_t kMinCpuJiffies = 10;
}  // namespace

ProcessCollector::ProcessCollector(const ProcSource* proc, CommandRunner* runner, pid_t pid,
                                   std::string prefix, std::string backlog_cmd,
                                   Duration backlog_timeout)
    : proc_(proc),
      runner_(runner),
      pid_(pid),
      prefix_(std::move(prefix)),
      backlog_cmd_(std::move(backlog_cmd)),
      backlog_timeout_(backlog_timeout) {}

void ProcessCollector::Collect(double ts, std::vector<kpi::Sample>* out, CollectErrors* errors) {
  const std::string dir = std::to_string(pid_);
  // rss-mb: VmRSS from status; statm (pages) when status has no VmRSS line.
  StatusOr<uint64_t> rss = InvalidArgument("unread");
  auto status = proc_->Read(dir + "/status");
  if (status.ok()) rss = ParseStatusRssBytes(*status);
  if (!rss.ok()) {
    auto statm = proc_->Read(dir + "/statm");
    rss = statm.ok() ? ParseStatmRssBytes(*statm, static_cast<uint64_t>(sysconf(_SC_PAGESIZE)))
                     : statm.status();
  }
  if (rss.ok()) {
    out->push_back(kpi::MakeSample(prefix_, "rss-mb", static_cast<double>(*rss) / kMiB, ts));
  } else {
    errors->Add("rss", rss.status().WithContext(fmt::format("pid {}", pid_)));
  }

  auto fds = proc_->CountEntries(dir + "/fd");
  if (fds.ok()) {
    out->push_back(kpi::MakeSample(prefix_, "open-fds", *fds, ts));
  } else {
    errors->Add("fds", fds.status().WithContext(fmt::format("pid {}", pid_)));
  }

  if (!backlog_cmd_.empty() && runner_ != nullptr) {
    auto text = runner_->Run(backlog_cmd_, backlog_timeout_);
    StatusOr<double> n = text.ok() ? ParseNumber(*text) : StatusOr<double>(text.status());
    if (n.ok()) {
      out->push_back(kpi::MakeSample(prefix_, "deferreds", *n, ts));
    } else {
      errors->Add("backlog", n.status().WithContext("--backlog-cmd"));
    }
  }
}

HostCollector::HostCollector(const ProcSource* proc, std::string prefix)
    : proc_(proc), prefix_(std::move(prefix)) {
  auto stat = proc_->Read("stat");
  if (stat.ok()) {
    auto t = ParseProcStat(*stat);
    if (t.ok()) {
      last_cpu_ = *t;
      have_cpu_ = true;
    }
  }
}

void HostCollector::Collect(double ts, std::vector<kpi::Sample>* out, CollectErrors* errors) {
  auto stat = proc_->Read("stat");
  StatusOr<CpuTimes> cpu = stat.ok() ? ParseProcStat(*stat) : StatusOr<CpuTimes>(stat.status());
  if (cpu.ok()) {
    // Too few jiffies since the last reading give a meaningless share (0 or 100): wait for more.
    if (!have_cpu_ || cpu->total < last_cpu_.total) {
      last_cpu_ = *cpu;
      have_cpu_ = true;
    } else if (cpu->total - last_cpu_.total >= kMinCpuJiffies) {
      out->push_back(kpi::MakeSample(prefix_ + ".cpu", "percent", CpuPercent(last_cpu_, *cpu), ts));
      last_cpu_ = *cpu;
    }
  } else {
    errors->Add("cpu", cpu.status());
  }

  auto mi = proc_->Read("meminfo");
  StatusOr<MemInfo> mem = mi.ok() ? ParseMeminfo(*mi) : StatusOr<MemInfo>(mi.status());
  if (mem.ok()) {
    const std::string p = prefix_ + ".memory";
    out->push_back(kpi::MakeSample(p, "total-mb", static_cast<double>(mem->total) / kMiB, ts));
    out->push_back(
        kpi::MakeSample(p, "available-mb", static_cast<double>(mem->available) / kMiB, ts));
    double used =
        mem->total == 0
            ? 0
            : 100.0 * (1.0 - static_cast<double>(mem->available) / static_cast<double>(mem->total));
    out->push_back(kpi::MakeSample(p, "used-percent", used, ts));
  } else {
    errors->Add("memory", mem.status());
  }

  auto la = proc_->Read("loadavg");
  StatusOr<LoadAvg> load = la.ok() ? ParseLoadavg(*la) : StatusOr<LoadAvg>(la.status());
  if (load.ok()) {
    const std::string p = prefix_ + ".load";
    out->push_back(kpi::MakeSample(p, "1m", load->one, ts));
    out->push_back(kpi::MakeSample(p, "5m", load->five, ts));
    out->push_back(kpi::MakeSample(p, "15m", load->fifteen, ts));
  } else {
    errors->Add("load", load.status());
  }

  auto nd = proc_->Read("net/dev");
  auto net = nd.ok() ? ParseNetDev(*nd) : StatusOr<std::vector<NetDev>>(nd.status());
  if (net.ok()) {
    for (const NetDev& d : *net) {
      std::string name = d.name;
      std::replace(name.begin(), name.end(), '.', '_');
      const std::string p = prefix_ + ".net." + name;
      out->push_back(kpi::MakeSample(p, "rx-bytes", static_cast<double>(d.rx_bytes), ts));
      out->push_back(kpi::MakeSample(p, "tx-bytes", static_cast<double>(d.tx_bytes), ts));
      out->push_back(kpi::MakeSample(p, "rx-packets", static_cast<double>(d.rx_packets), ts));
      out->push_back(kpi::MakeSample(p, "tx-packets", static_cast<double>(d.tx_packets), ts));
    }
  } else {
    errors->Add("net", net.status());
  }
}

}  // namespace vs::kpi_publish
