#include "kpi_publish/daemon.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cmath>

#include "common/admin_server.h"
#include "common/backoff.h"
#include "common/logging.h"
#include "kv/consul_catalog.h"

namespace vs::kpi_publish {

namespace {

LogLimiter& WarnLimiter() {
  static LogLimiter limiter(10, 60.0);
  return limiter;
}

template <typename... Args>
void LimitedWarn(fmt::format_string<Args...> f, Args&&... args) {
  uint64_t suppressed = 0;
  if (!WarnLimiter().Allow(&suppressed)) return;
  std::string line = fmt::format(f, std::forward<Args>(args)...);
  if (suppressed > 0) line += fmt::format(" ({} warnings suppressed)", suppressed);
  spdlog::warn("{}", line);
}

// Samples published per simulated-device loop pass before signals are looked at again.
constexpr size_t kSimBurst = 1000;

}  // namespace

Daemon::Daemon(Options options, const ProcSource* proc, CommandRunner* runner, const Clock* clock)
    : options_(std::move(options)), proc_(proc), runner_(runner), clock_(clock) {
  ticks_ = metrics_.GetCounter("kpi_publish_ticks_total", "Intervals completed");
  sim_messages_ = metrics_.GetCounter("kpi_publish_simulated_messages_total",
                                      "Simulated-device messages published");
  sim_skipped_ =
      metrics_.GetCounter("kpi_publish_simulated_skipped_total",
                          "Simulated-device messages skipped because --rate was not met");
  consul_failures_ = metrics_.GetCounter("kpi_publish_consul_lookup_failures_total",
                                         "Failed Consul lookups of the Kafka service");
  producer_recreated_ = metrics_.GetCounter("kpi_publish_producer_recreated_total",
                                            "Producers recreated after a fatal error");
  outstanding_ =
      metrics_.GetGauge("kpi_publish_outstanding_messages", "Kafka messages queued or in flight");
}

double Daemon::NowTs() const { return std::floor(clock_->WallSeconds()); }

bool Daemon::WaitForSignal(int signal_fd, Duration d) {
  const int ms = PollTimeoutMs(d, 1000);
  if (signal_fd < 0) {
    if (ms > 0) poll(nullptr, 0, ms);
    return stopping_.load();
  }
  pollfd p{signal_fd, POLLIN, 0};
  int n = poll(&p, 1, ms);
  if (n > 0) {
    signalfd_siginfo info;
    while (read(signal_fd, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
      if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
        spdlog::info("signal {}: shutting down", info.ssi_signo);
        stopping_.store(true);
      }
    }
  }
  return stopping_.load();
}

StatusOr<std::string> Daemon::ResolveBootstrap(int signal_fd) {
  if (options_.kafka.empty() || options_.kafka[0] != '@') return options_.kafka;
  const std::string service = options_.kafka.substr(1);
  Backoff backoff(std::chrono::milliseconds(500), std::chrono::seconds(30));
  for (;;) {
    auto hps = kv::LookupService(options_.consul, service, options_.consul_token);
    if (hps.ok()) {
      std::string b = kv::JoinHostPorts(*hps);
      spdlog::info("kafka @{} is {} (consul {})", service, b, options_.consul);
      return b;
    }
    consul_failures_->Inc();
    Duration wait = backoff.Next();
    LimitedWarn("consul {}: looking up @{}: {}; retrying in {:.1f} s", options_.consul, service,
                hps.status().ToString(), ToSeconds(wait));
    TimePoint until = clock_->Now() + wait;
    while (clock_->Now() < until) {
      if (WaitForSignal(signal_fd, until - clock_->Now())) {
        return Unavailable("stopped while looking up @" + service);
      }
    }
  }
}

Status Daemon::MakePublisher(const std::string& bootstrap) {
  kpi::PublisherOptions po;
  po.client.bootstrap = bootstrap;
  po.client.opts = options_.kafka_opts;
  po.client.config_file = options_.kafka_config;
  po.topic = options_.topic;
  po.writer.shape = options_.shape;
  po.writer.max_message_bytes = options_.max_message_bytes;
  po.shutdown_flush_timeout = Seconds(options_.flush_timeout_s);
  po.enqueue_wait = std::chrono::milliseconds(200);
  auto p = kpi::Publisher::Create(po, &metrics_);
  if (!p.ok()) return p.status();
  publisher_ = std::move(*p);
  return OkStatus();
}

void Daemon::Publish(const std::vector<kpi::Sample>& samples) {
  if (samples.empty()) return;
  kpi::PublishResult r = publisher_->Publish(samples);
  if (!r.status.ok()) LimitedWarn("{}", r.status.ToString());
}

void Daemon::Tick() {
  scratch_.clear();
  const double ts = NowTs();
  CollectErrors errors;
  process_->Collect(ts, &scratch_, &errors);
  if (host_) host_->Collect(ts, &scratch_, &errors);
  if (sim_ && options_.rate == 0) {
    const double now = clock_->WallSeconds();
    for (size_t i = 0; i < sim_->size(); ++i) {
      sim_->DeviceSamples(i, now, ts, &scratch_);
    }
  }
  for (const auto& [source, st] : errors.errors) {
    metrics_
        .GetCounter("kpi_publish_collect_errors_total", "Samples not collected, by source",
                    fmt::format(R"(source="{}")", source))
        ->Inc();
    LimitedWarn("collecting {}: {}", source, st.ToString());
  }
  Publish(scratch_);
  ticks_->Inc();
  auto s = publisher_->stats();
  spdlog::debug("tick: {} samples; delivered {} failed {} dropped {} outstanding {}",
                scratch_.size(), s.samples_delivered, s.samples_failed, s.samples_dropped,
                s.outstanding);
}

void Daemon::PublishSimulated(size_t max_messages) {
  const double elapsed = ToSeconds(clock_->Now() - sim_start_);
  auto due_total = static_cast<uint64_t>(elapsed * options_.rate);
  if (due_total <= sim_sent_) return;
  uint64_t due = due_total - sim_sent_;
  // More than a second behind: skip ahead rather than burst (counted).
  const auto one_second = static_cast<uint64_t>(std::max(1.0, options_.rate));
  if (due > one_second) {
    sim_skipped_->Inc(due - one_second);
    sim_sent_ += due - one_second;
    due = one_second;
  }
  due = std::min<uint64_t>(due, max_messages);
  const double ts = NowTs();
  const double now = clock_->WallSeconds();
  for (uint64_t k = 0; k < due; ++k) {
    scratch_.clear();
    sim_->DeviceSamples(sim_next_, now, ts, &scratch_);
    sim_next_ = (sim_next_ + 1) % sim_->size();
    Publish(scratch_);
    ++sim_sent_;
    sim_messages_->Inc();
  }
}

int Daemon::Run(int signal_fd) {
  AdminServer admin;
  if (!options_.admin.empty()) {
    admin.Handle("/metrics", [this] {
      return HttpReply{200, "text/plain; version=0.0.4", metrics_.Render()};
    });
    admin.Handle("/healthz", [] { return HttpReply{200, "text/plain", "ok\n"}; });
    admin.Handle("/readyz", [this] {
      return ready_.load() ? HttpReply{200, "text/plain", "ready\n"}
                           : HttpReply{503, "text/plain", "not ready\n"};
    });
    Status st = admin.Start(options_.admin);
    if (!st.ok()) {
      spdlog::error("--admin {}: {}", options_.admin, st.ToString());
      return 1;
    }
    spdlog::info("admin on 127.0.0.1:{}", admin.port());
  }

  auto bootstrap = ResolveBootstrap(signal_fd);
  if (!bootstrap.ok()) return 0;  // stopped by a signal while waiting for Consul
  bootstrap_ = *bootstrap;
  if (Status st = MakePublisher(bootstrap_); !st.ok()) {
    spdlog::error("{}", st.ToString());
    return 1;
  }

  const pid_t pid = options_.pid > 0 ? options_.pid : getpid();
  process_ =
      std::make_unique<ProcessCollector>(proc_, runner_, pid, DiagnosticsPrefix(options_),
                                         options_.backlog_cmd, Seconds(options_.backlog_timeout_s));
  if (options_.host_metrics) host_ = std::make_unique<HostCollector>(proc_, HostPrefix(options_));
  if (options_.simulate_devices > 0) {
    sim_ = std::make_unique<DeviceSimulator>(options_.simulate_devices, clock_->WallSeconds(),
                                             options_.sim_seed);
  }
  spdlog::info("publishing to {} topic {} every {} s in the {} shape (pid {}, {}{})", bootstrap_,
               options_.topic, options_.interval_s, kpi::ShapeName(options_.shape), pid,
               DiagnosticsPrefix(options_),
               sim_ ? fmt::format(", {} simulated devices at {} msg/s", sim_->size(), options_.rate)
                    : std::string());

  const Duration interval = Seconds(options_.interval_s);
  TimePoint next_tick = clock_->Now();
  sim_start_ = clock_->Now();
  uint64_t ticks = 0;
  while (!stopping_.load()) {
    TimePoint now = clock_->Now();
    if (now >= next_tick) {
      Tick();
      ++ticks;
      next_tick += interval;
      if (next_tick <= now) next_tick = now + interval;  // fell behind: do not burst
      if (options_.iterations > 0 && ticks >= options_.iterations) break;
    }
    if (sim_ && options_.rate > 0) PublishSimulated(kSimBurst);
    if (publisher_->fatal()) {
      spdlog::error("kafka producer hit a fatal error; recreating it");
      publisher_.reset();
      producer_recreated_->Inc();
      if (Status st = MakePublisher(bootstrap_); !st.ok()) {
        spdlog::error("{}", st.ToString());
        return 1;
      }
    }
    outstanding_->Set(static_cast<double>(publisher_->stats().outstanding));
    ready_.store(publisher_->connected());

    Duration wait = next_tick - clock_->Now();
    if (sim_ && options_.rate > 0) {
      Duration sim_wait = sim_start_ + Seconds((sim_sent_ + 1) / options_.rate) - clock_->Now();
      wait = std::min(wait, sim_wait);
    }
    if (wait > Duration::zero() || signal_fd >= 0) WaitForSignal(signal_fd, wait);
  }

  ready_.store(false);
  Status st = publisher_->Flush(Seconds(options_.flush_timeout_s));
  auto s = publisher_->stats();
  spdlog::info(
      "stopping: {} samples delivered, {} failed, {} dropped on a full queue, {} invalid; {}",
      s.samples_delivered, s.samples_failed, s.samples_dropped, s.samples_invalid,
      st.ok() ? "everything flushed" : st.ToString());
  publisher_.reset();
  admin.Stop();
  return 0;
}

}  // namespace vs::kpi_publish
