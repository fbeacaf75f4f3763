#include "kpi/publisher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/logging.h"

namespace vs::kpi {

namespace {

uint64_t Load(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }
void Bump(std::atomic<uint64_t>& a, uint64_t n) { a.fetch_add(n, std::memory_order_relaxed); }
void Bump(Counter* c, uint64_t n) {
  if (c != nullptr) c->Inc(n);
}

// librdkafka's own log lines go through spdlog (debug: the error callback reports what matters).
void OnLog(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  spdlog::debug("librdkafka {} {}: {}", level, fac, buf);
}

// " (N similar lines suppressed)" when N > 0.
std::string Suppressed(uint64_t n) {
  return n == 0 ? std::string() : fmt::format(" ({} similar lines suppressed)", n);
}

LogLimiter& ErrorLogLimiter() {
  static LogLimiter limiter(5, 10.0);
  return limiter;
}

}  // namespace

kafka::Properties DefaultProducerProperties() {
  return {
      {"enable.idempotence", "true"},  // implies acks=all and in-order, exactly-once retries
      {"queue.buffering.max.messages", "100000"},
      {"queue.buffering.max.kbytes", "65536"},
      {"linger.ms", "10"},
      {"batch.size", "1000000"},
      {"message.timeout.ms", "300000"},
      {"log_level", "4"},
  };
}

Publisher::Publisher(const PublisherOptions& options)
    : options_(options), writer_(options.writer) {}

StatusOr<std::unique_ptr<Publisher>> Publisher::Create(const PublisherOptions& options,
                                                       Registry* metrics) {
  if (options.topic.empty()) return InvalidArgument("empty Kafka topic");
  if (options.writer.max_message_bytes < 256) {
    return InvalidArgument("max message bytes must be at least 256");
  }
  auto props = kafka::CollectProperties(DefaultProducerProperties(), options.client);
  if (!props.ok()) return props.status();
  auto conf = kafka::BuildConf(*props);
  if (!conf.ok()) return conf.status();

  std::unique_ptr<Publisher> p(new Publisher(options));
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &Publisher::OnDelivery);
  rd_kafka_conf_set_error_cb(conf->get(), &Publisher::OnError);
  rd_kafka_conf_set_log_cb(conf->get(), &OnLog);
  rd_kafka_conf_set_opaque(conf->get(), p.get());
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), err, sizeof(err));
  if (rk == nullptr) return InvalidArgument(fmt::format("kafka producer: {}", err));
  (void)conf->release();  // rd_kafka_new took ownership
  p->rk_.reset(rk);
  p->rkt_ = rd_kafka_topic_new(rk, options.topic.c_str(), nullptr);
  if (p->rkt_ == nullptr) {
    return Internal(
        fmt::format("kafka topic {}: {}", options.topic, rd_kafka_err2str(rd_kafka_last_error())));
  }
  if (metrics != nullptr) {
    const std::string& pre = options.metrics_prefix;
    const std::string samples = pre + "_samples_total";
    const std::string help = "KPI samples by outcome";
    p->m_delivered_ = metrics->GetCounter(samples, help, R"(result="delivered")");
    p->m_failed_ = metrics->GetCounter(samples, help, R"(result="failed")");
    p->m_dropped_ = metrics->GetCounter(samples, help, R"(result="dropped_queue_full")");
    p->m_invalid_ = metrics->GetCounter(samples, help, R"(result="invalid")");
    p->m_too_large_ = metrics->GetCounter(samples, help, R"(result="too_large")");
    const std::string msgs = pre + "_messages_total";
    p->m_messages_ =
        metrics->GetCounter(msgs, "Kafka messages by delivery outcome", R"(result="delivered")");
    p->m_messages_failed_ =
        metrics->GetCounter(msgs, "Kafka messages by delivery outcome", R"(result="failed")");
    p->m_kafka_errors_ =
        metrics->GetCounter(pre + "_kafka_errors_total", "librdkafka error callbacks");
  }
  p->poller_ = std::thread([raw = p.get()] { raw->PollLoop(); });
  return p;
}

Publisher::~Publisher() {
  stop_.store(true);
  if (poller_.joinable()) poller_.join();
  if (rk_) {
    Status st = Flush(options_.shutdown_flush_timeout);
    if (!st.ok()) spdlog::warn("publisher shutdown: {}", st.ToString());
  }
  if (rkt_ != nullptr) rd_kafka_topic_destroy(rkt_);
  rk_.reset();  // purges what is left; their delivery reports are not served any more
}

void Publisher::PollLoop() {
  while (!stop_.load()) rd_kafka_poll(rk_.get(), 100);
}

void Publisher::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* p = static_cast<Publisher*>(opaque);
  auto n = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m->_private));
  if (m->err) {
    Bump(p->messages_failed_, 1);
    Bump(p->samples_failed_, n);
    Bump(p->m_messages_failed_, 1);
    Bump(p->m_failed_, n);
    p->connected_.store(false);
    uint64_t suppressed = 0;
    if (ErrorLogLimiter().Allow(&suppressed)) {
      spdlog::warn("kafka delivery to {} failed ({} samples): {}{}", p->options_.topic, n,
                   rd_kafka_err2str(m->err), Suppressed(suppressed));
    }
  } else {
    Bump(p->messages_delivered_, 1);
    Bump(p->samples_delivered_, n);
    Bump(p->m_messages_, 1);
    Bump(p->m_delivered_, n);
    p->connected_.store(true);
  }
}

void Publisher::OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* p = static_cast<Publisher*>(opaque);
  Bump(p->m_kafka_errors_, 1);
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) p->connected_.store(false);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    rd_kafka_fatal_error(rk, buf, sizeof(buf));
    p->fatal_.store(true);
    spdlog::error("kafka producer fatal error: {}", buf);
    return;
  }
  uint64_t suppressed = 0;
  if (ErrorLogLimiter().Allow(&suppressed)) {
    spdlog::warn("kafka: {}: {}{}", rd_kafka_err2name(code), reason, Suppressed(suppressed));
  }
}

bool Publisher::Enqueue(std::string_view message, size_t samples, TimePoint deadline) {
  for (;;) {
    int rc = rd_kafka_produce(rkt_, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                              const_cast<char*>(message.data()), message.size(), nullptr, 0,
                              reinterpret_cast<void*>(static_cast<uintptr_t>(samples)));
    if (rc == 0) return true;
    rd_kafka_resp_err_t e = rd_kafka_last_error();
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      uint64_t suppressed = 0;
      if (ErrorLogLimiter().Allow(&suppressed)) {
        spdlog::warn("kafka produce to {}: {}{}", options_.topic, rd_kafka_err2str(e),
                     Suppressed(suppressed));
      }
      return false;
    }
    if (RealClock::Get()->Now() >= deadline) return false;
    // Room appears as delivery reports are served (by the poll thread, and here).
    rd_kafka_poll(rk_.get(), 5);
  }
}

PublishResult Publisher::Publish(std::span<const Sample> samples) {
  std::lock_guard lock(publish_mu_);
  PublishResult r;
  const TimePoint deadline = RealClock::Get()->Now() + options_.enqueue_wait;
  bool full = false;
  WriteStats ws = writer_.Write(samples, [&](std::string_view msg, size_t n) {
    if (!full && Enqueue(msg, n, deadline)) {
      ++r.messages;
      r.samples += n;
      return;
    }
    full = true;  // keep the batch's order: once one message is dropped, drop the rest
    Bump(samples_dropped_, n);
    Bump(m_dropped_, n);
  });
  Bump(messages_queued_, r.messages);
  Bump(samples_queued_, r.samples);
  Bump(samples_invalid_, ws.invalid);
  Bump(samples_too_large_, ws.too_large);
  Bump(m_invalid_, ws.invalid);
  Bump(m_too_large_, ws.too_large);
  if (full) {
    r.status = ResourceExhausted(fmt::format("kafka queue for {} full: dropped {} samples",
                                             options_.topic, ws.samples - r.samples));
  }
  return r;
}

Status Publisher::Flush(Duration timeout) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  rd_kafka_flush(rk_.get(), static_cast<int>(std::max<int64_t>(ms, 0)));
  int left = rd_kafka_outq_len(rk_.get());
  if (left > 0) {
    return DeadlineExceeded(fmt::format(
        "kafka flush to {}: {} messages still outstanding after {} ms", options_.topic, left, ms));
  }
  return OkStatus();
}

PublisherStats Publisher::stats() const {
  PublisherStats s;
  s.messages_queued = Load(messages_queued_);
  s.messages_delivered = Load(messages_delivered_);
  s.messages_failed = Load(messages_failed_);
  s.samples_queued = Load(samples_queued_);
  s.samples_delivered = Load(samples_delivered_);
  s.samples_failed = Load(samples_failed_);
  s.samples_dropped = Load(samples_dropped_);
  s.samples_invalid = Load(samples_invalid_);
  s.samples_too_large = Load(samples_too_large_);
  int q = rd_kafka_outq_len(rk_.get());
  s.outstanding = q > 0 ? static_cast<uint64_t>(q) : 0;
  return s;
}

}  // namespace vs::kpi
