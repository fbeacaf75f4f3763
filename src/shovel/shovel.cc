#include "shovel/shovel.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <set>

#include "common/admin_server.h"
#include "common/backoff.h"
#include "common/logging.h"
#include "kafka/config.h"
#include "kpi/message_parser.h"
#include "kv/consul_catalog.h"
#include "shovel/carbon_sender.h"
#include "shovel/offset_tracker.h"

namespace vs::shovel {
namespace {

using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t,
                                      decltype(&rd_kafka_topic_partition_list_destroy)>;

PartitionList NewList(int size) {
  return PartitionList(rd_kafka_topic_partition_list_new(size),
                       &rd_kafka_topic_partition_list_destroy);
}

// How long a clean group leave may take at shutdown, after delivery is done.
constexpr int kCloseTimeoutS = 5;

spdlog::level::level_enum SyslogToSpd(int level) {
  if (level <= 3) return spdlog::level::err;
  if (level == 4) return spdlog::level::warn;
  if (level <= 6) return spdlog::level::info;
  return spdlog::level::debug;
}

}  // namespace

struct Shovel::Impl {
  Impl(Options o, Registry* r, const Clock* c)
      : opt(std::move(o)),
        m(r),
        clock(c),
        parser(opt.max_message_bytes, opt.prefix),
        tracker(opt.destinations.size() + 1) {}

  // --- set-up ---
  Status ResolveKafka(SignalWatcher* signals, std::string* bootstrap, bool* stop);
  Status CreateConsumer(const std::string& bootstrap);
  Status CreateDeadLetterProducer(const std::string& bootstrap);
  void CreateMetrics();
  // --- loop ---
  void ConsumeAvailable(bool* more);
  void Process(const rd_kafka_message_t* msg);
  void ProduceDeadLetter(const rd_kafka_message_t* msg, uint64_t id);
  void HandleLosses();
  void AdvanceAndCommit(bool force, bool sync);
  void CommitNow(bool sync);
  void UpdatePause();
  void SetPaused(bool pause);
  // Leaves the group (revoke, commit) within `limit`; false when that did not finish.
  bool CloseConsumer(Duration limit);
  void LogStats();
  void UpdateReadiness();
  // --- librdkafka callbacks (run on this thread, inside consume/poll calls) ---
  void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
  void OnStats(const char* json, size_t len);
  void OnDeadLetterReport(const rd_kafka_message_t* msg);

  Options opt;
  Registry* m;
  const Clock* clock;
  kafka::HandlePtr consumer;
  kafka::HandlePtr dlq;
  rd_kafka_queue_t* queue = nullptr;
  int event_pipe[2] = {-1, -1};
  std::vector<std::unique_ptr<CarbonSender>> senders;
  std::unique_ptr<graphite::ConsistentHashRing> ring;
  kpi::MessageParser parser;
  kpi::DatapointBatch batch;
  OffsetTracker tracker;
  OutOfOrderWatermark dlq_mark;
  std::vector<uint64_t> need;
  std::vector<uint64_t> delivered;
  std::map<int32_t, int64_t> to_commit;
  std::set<int32_t> assigned;
  bool paused = false;
  TimePoint paused_since{};
  TimePoint next_commit{};
  TimePoint next_stats{};
  std::atomic<bool> kafka_up{false};
  bool closing = false;  // shutting down: never block on a broker that may be gone
  std::atomic<bool> ready{false};
  std::atomic<int> connected{0};
  LogLimiter reject_log{5, 10.0};
  LogLimiter kafka_log{5, 10.0};

  Counter* consumed = nullptr;
  Counter* consumed_bytes = nullptr;
  Counter* parsed_fast = nullptr;
  Counter* points = nullptr;
  Counter* kafka_errors = nullptr;
  Counter* commits = nullptr;
  Counter* commit_failures = nullptr;
  Counter* rewinds = nullptr;
  Counter* rebalances = nullptr;
  Counter* dlq_ok = nullptr;
  Counter* dlq_failed = nullptr;
  Counter* frame_skips = nullptr;
  Counter* wakeups = nullptr;
  Gauge* paused_gauge = nullptr;
  Gauge* paused_seconds = nullptr;
  Gauge* lag = nullptr;
  Gauge* inflight = nullptr;
  std::vector<Counter*> rejects;
  std::vector<Counter*> skips;
};

void Shovel::Impl::CreateMetrics() {
  consumed = m->GetCounter("shovel_messages_consumed_total", "Kafka messages consumed");
  parsed_fast =
      m->GetCounter("shovel_messages_parsed_fast_total",
                    "Messages read by the parser's one-pass fast path (the rest: simdjson)");
  consumed_bytes = m->GetCounter("shovel_message_bytes_consumed_total", "Kafka payload bytes");
  points = m->GetCounter("shovel_datapoints_total", "Datapoints parsed and queued for carbon");
  kafka_errors = m->GetCounter("shovel_kafka_errors_total", "Errors reported by librdkafka");
  commits = m->GetCounter("shovel_offset_commits_total", "Offset commits issued");
  commit_failures = m->GetCounter("shovel_offset_commit_failures_total", "Offset commits failed");
  rewinds = m->GetCounter("shovel_rewinds_total",
                          "Times undelivered messages were consumed again after a carbon loss");
  rebalances = m->GetCounter("shovel_rebalances_total", "Consumer group rebalances");
  wakeups = m->GetCounter("shovel_loop_wakeups_total",
                          "Turns of the main loop (a busy loop shows as a fast rise)");
  dlq_ok = m->GetCounter("shovel_dead_letter_total", "Messages produced to the dead-letter topic",
                         R"(result="ok")");
  dlq_failed = m->GetCounter("shovel_dead_letter_total", "", R"(result="failed")");
  frame_skips = m->GetCounter("shovel_datapoints_skipped_total", "Datapoints skipped, by reason",
                              R"(reason="frame_limit")");
  paused_gauge = m->GetGauge("shovel_paused", "1 while consumption is paused (carbon slow/down)");
  paused_seconds = m->GetGauge("shovel_paused_seconds_total", "Seconds spent paused");
  lag = m->GetGauge("shovel_consumer_lag", "Messages behind the partition ends (librdkafka stats)");
  inflight = m->GetGauge("shovel_inflight_bytes", "Bytes held for carbon (queued and open frames)");
  for (size_t i = 1; i < static_cast<size_t>(kpi::MessageReject::kCount); ++i) {
    rejects.push_back(m->GetCounter(
        "shovel_messages_rejected_total", "Messages rejected whole, by reason",
        fmt::format("reason=\"{}\"", kpi::MessageRejectName(static_cast<kpi::MessageReject>(i)))));
  }
  for (size_t i = 0; i < static_cast<size_t>(kpi::PointSkip::kCount); ++i) {
    skips.push_back(m->GetCounter(
        "shovel_datapoints_skipped_total", "Datapoints skipped, by reason",
        fmt::format("reason=\"{}\"", kpi::PointSkipName(static_cast<kpi::PointSkip>(i)))));
  }
}

Status Shovel::Impl::ResolveKafka(SignalWatcher* signals, std::string* bootstrap, bool* stop) {
  if (opt.kafka[0] != '@') {
    *bootstrap = opt.kafka;
    return OkStatus();
  }
  std::string name = opt.kafka.substr(1);
  const char* token = std::getenv("CONSUL_HTTP_TOKEN");
  Backoff backoff(std::chrono::milliseconds(500), std::chrono::seconds(30));
  Counter* failures = m->GetCounter("shovel_consul_lookup_failures_total",
                                    "Failed Consul lookups of the Kafka service");
  for (;;) {
    auto hps = kv::LookupService(opt.consul, name, token ? token : "");
    if (hps.ok()) {
      *bootstrap = kv::JoinHostPorts(*hps);
      spdlog::info("kafka @{} resolved through consul {}: {}", name, opt.consul, *bootstrap);
      return OkStatus();
    }
    failures->Inc();
    Duration wait = backoff.Next();
    spdlog::warn("{}; retrying in {:.1f} s", hps.status().message(), ToSeconds(wait));
    pollfd p{signals->fd(), POLLIN, 0};
    poll(&p, 1, PollTimeoutMs(wait));
    for (int sig; (sig = signals->Read()) != 0;) {
      if (sig == SIGTERM || sig == SIGINT) {
        *stop = true;
        return OkStatus();
      }
    }
  }
}

kafka::Properties ConsumerDefaults(const Options& opt) {
  return {
      {"group.id", opt.group},
      {"client.id", "shovel"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", opt.from_beginning ? "earliest" : "latest"},
      // Prefetched messages are most of our memory. librdkafka 2.0 refills a full queue only
      // about once a second, so the queue must hold ~1 s of traffic to keep up (measured in
      // PERFORMANCE.md). A fetch response's buffer stays allocated until its last message is
      // consumed, so responses are capped at 2 MiB: at 4 MiB the 10x-backlog peak RSS was
      // 57-72 MiB in ten runs, at 2 MiB 52-62 in five, with the same CPU and rate.
      {"queued.max.messages.kbytes", "16384"},
      {"fetch.max.bytes", "2097152"},
      // A broker that does not answer a fetch early when data arrives (librdkafka's mock does
      // not) would otherwise add up to 500 ms of latency; 25 ms costs ~40 idle fetches/s.
      {"fetch.wait.max.ms", "25"},
      {"statistics.interval.ms", "5000"},
      {"log_level", "6"},
  };
}

Status Shovel::Impl::CreateConsumer(const std::string& bootstrap) {
  const kafka::Properties defaults = ConsumerDefaults(opt);
  auto props = kafka::CollectProperties(
      defaults, {.bootstrap = bootstrap, .opts = opt.kafka_opts, .config_file = opt.kafka_config});
  if (!props.ok()) return props.status();
  auto conf = kafka::BuildConf(*props);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), this);
  rd_kafka_conf_set_rebalance_cb(
      conf->get(),
      [](rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
         void* opaque) { static_cast<Impl*>(opaque)->OnRebalance(rk, err, parts); });
  rd_kafka_conf_set_stats_cb(conf->get(), [](rd_kafka_t*, char* json, size_t len, void* opaque) {
    static_cast<Impl*>(opaque)->OnStats(json, len);
    return 0;
  });
  rd_kafka_conf_set_error_cb(
      conf->get(), [](rd_kafka_t*, int err, const char* reason, void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        self->kafka_errors->Inc();
        if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) self->kafka_up = false;
        uint64_t suppressed;
        if (self->kafka_log.Allow(&suppressed)) {
          spdlog::warn("kafka: {} ({}){}", reason,
                       rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)),
                       suppressed ? fmt::format(" [{} similar suppressed]", suppressed) : "");
        }
      });
  rd_kafka_conf_set_offset_commit_cb(
      conf->get(),
      [](rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*, void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
          self->commit_failures->Inc();
          spdlog::warn("kafka: offset commit failed: {}", rd_kafka_err2str(err));
        }
      });
  rd_kafka_conf_set_log_cb(conf->get(),
                           [](const rd_kafka_t*, int level, const char* fac, const char* buf) {
                             spdlog::log(SyslogToSpd(level), "librdkafka {}: {}", fac, buf);
                           });
  char err[512];
  consumer.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf->release(), err, sizeof(err)));
  if (!consumer) return InvalidArgument(std::string("kafka consumer: ") + err);
  rd_kafka_poll_set_consumer(consumer.get());
  queue = rd_kafka_queue_get_consumer(consumer.get());
  if (pipe2(event_pipe, O_NONBLOCK | O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  rd_kafka_queue_io_event_enable(queue, event_pipe[1], "1", 1);
  auto topics = NewList(1);
  rd_kafka_topic_partition_list_add(topics.get(), opt.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (auto e = rd_kafka_subscribe(consumer.get(), topics.get())) {
    return InvalidArgument(fmt::format("subscribe {}: {}", opt.topic, rd_kafka_err2str(e)));
  }
  spdlog::info("kafka {}: consuming {} as group {}", bootstrap, opt.topic, opt.group);
  return OkStatus();
}

Status Shovel::Impl::CreateDeadLetterProducer(const std::string& bootstrap) {
  if (opt.dead_letter_topic.empty()) return OkStatus();
  kafka::Properties defaults = {
      {"client.id", "shovel-dead-letter"},
      {"enable.idempotence", "true"},
      {"linger.ms", "20"},
      // A rejected message goes out unchanged, whatever its size.
      {"message.max.bytes",
       std::to_string(std::min<size_t>(opt.max_message_bytes + 65536, 1000000000))},
      {"log_level", "4"}};
  // Consumer-only properties from the shared file would only produce warnings here.
  auto props = kafka::CollectProperties(
      defaults, {.bootstrap = bootstrap, .opts = {}, .config_file = opt.kafka_config});
  if (!props.ok()) return props.status();
  for (const auto& s : opt.kafka_opts) {
    auto kv = kafka::ParseProperty(s);
    if (kv.ok() && (kv->first.rfind("security.", 0) == 0 || kv->first.rfind("sasl.", 0) == 0 ||
                    kv->first.rfind("ssl.", 0) == 0)) {
      props->push_back(*kv);
    }
  }
  auto conf = kafka::BuildConf(*props);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf->get(),
                              [](rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
                                static_cast<Impl*>(opaque)->OnDeadLetterReport(msg);
                              });
  char err[512];
  dlq.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf->release(), err, sizeof(err)));
  if (!dlq) return InvalidArgument(std::string("dead-letter producer: ") + err);
  return OkStatus();
}

void Shovel::Impl::OnDeadLetterReport(const rd_kafka_message_t* msg) {
  if (msg->err) {
    dlq_failed->Inc();
    spdlog::error("dead-letter {}: message lost: {}", opt.dead_letter_topic,
                  rd_kafka_err2str(msg->err));
  } else {
    dlq_ok->Inc();
  }
  // Either way the message is finished with: a dead-letter topic that stays broken must not
  // stop every later offset from being committed.
  dlq_mark.Done(reinterpret_cast<uint64_t>(msg->_private));
}

void Shovel::Impl::ProduceDeadLetter(const rd_kafka_message_t* msg, uint64_t id) {
  rd_kafka_resp_err_t e = rd_kafka_producev(
      dlq.get(), RD_KAFKA_V_TOPIC(opt.dead_letter_topic.c_str()),
      RD_KAFKA_V_VALUE(msg->payload, msg->len), RD_KAFKA_V_KEY(msg->key, msg->key_len),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(id)),
      RD_KAFKA_V_END);
  if (e) {
    dlq_failed->Inc();
    spdlog::error("dead-letter {}: produce failed: {}", opt.dead_letter_topic, rd_kafka_err2str(e));
    dlq_mark.Done(id);
  }
}

void Shovel::Impl::Process(const rd_kafka_message_t* msg) {
  consumed->Inc();
  consumed_bytes->Inc(msg->len);
  batch.Clear();
  std::string_view payload(static_cast<const char*>(msg->payload), msg->payload ? msg->len : 0);
  kpi::ParseStats st = parser.Parse(payload, &batch);
  if (st.fast_path) parsed_fast->Inc();
  std::fill(need.begin(), need.end(), 0);
  for (size_t i = 0; i < st.skipped.size(); ++i) {
    if (st.skipped[i]) skips[i]->Inc(st.skipped[i]);
  }
  if (st.reject != kpi::MessageReject::kNone) {
    rejects[static_cast<size_t>(st.reject) - 1]->Inc();
    uint64_t suppressed;
    if (reject_log.Allow(&suppressed)) {
      spdlog::warn("{} [{}] offset {}: message rejected: {} ({} bytes){}",
                   rd_kafka_topic_name(msg->rkt), msg->partition, msg->offset,
                   kpi::MessageRejectName(st.reject), msg->len,
                   suppressed ? fmt::format(" [{} similar suppressed]", suppressed) : "");
    }
    if (dlq) {
      uint64_t id = dlq_mark.NextId();
      need.back() = id;
      ProduceDeadLetter(msg, id);
    }
  }
  size_t n = batch.size();
  for (size_t i = 0; i < n; ++i) {
    std::string_view path = batch.path(i);
    size_t d = ring ? ring->Route(path) : 0;
    uint64_t seq = senders[d]->Append(path, batch.timestamp(i), batch.value(i));
    if (seq == 0) {
      frame_skips->Inc();
    } else {
      need[d] = seq;
    }
  }
  points->Inc(n);
  tracker.Add(msg->partition, msg->offset, need);
}

void Shovel::Impl::ConsumeAvailable(bool* more) {
  constexpr size_t kBatch = 1024;
  rd_kafka_message_t* msgs[kBatch];
  ssize_t n = rd_kafka_consume_batch_queue(queue, 0, msgs, kBatch);
  *more = n == static_cast<ssize_t>(kBatch);
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* msg = msgs[i];
    if (msg->err) {
      if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        kafka_errors->Inc();
        uint64_t suppressed;
        if (kafka_log.Allow(&suppressed)) {
          spdlog::warn("kafka: {}", rd_kafka_message_errstr(msg));
        }
      }
    } else {
      kafka_up = true;
      Process(msg);
    }
    rd_kafka_message_destroy(msg);
  }
}

void Shovel::Impl::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* parts) {
  rebalances->Inc();
  bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i) assigned.insert(parts->elems[i].partition);
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, parts);
    }
    if (paused) rd_kafka_pause_partitions(rk, parts);
    kafka_up = true;
    spdlog::info("kafka: assigned {} partition(s) of {}", parts->cnt, opt.topic);
    return;
  }
  // Revoked (or lost): commit what is delivered; the rest is re-consumed by the next owner.
  AdvanceAndCommit(true, !closing && kafka_up);
  for (int i = 0; i < parts->cnt; ++i) {
    tracker.Drop(parts->elems[i].partition);
    assigned.erase(parts->elems[i].partition);
    to_commit.erase(parts->elems[i].partition);
  }
  if (cooperative) {
    if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
  spdlog::info("kafka: revoked {} partition(s): {}", parts->cnt, rd_kafka_err2name(err));
}

void Shovel::Impl::OnStats(const char* json, size_t len) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(json, len).get(doc)) return;
  int64_t total = 0;
  bool known = false;
  simdjson::dom::object topics;
  if (!doc["topics"].get_object().get(topics)) {
    for (auto [tname, topic] : topics) {
      simdjson::dom::object parts;
      if (topic["partitions"].get_object().get(parts)) continue;
      for (auto [pid, part] : parts) {
        if (pid == "-1") continue;
        int64_t l;
        if (!part["consumer_lag"].get_int64().get(l) && l >= 0) {
          total += l;
          known = true;
        }
      }
    }
  }
  if (known) lag->Set(static_cast<double>(total));
  simdjson::dom::object brokers;
  bool up = false;
  if (!doc["brokers"].get_object().get(brokers)) {
    for (auto [bname, b] : brokers) {
      std::string_view state;
      int64_t nodeid = -1;
      if (!b["state"].get_string().get(state) && state == "UP" &&
          !b["nodeid"].get_int64().get(nodeid) && nodeid >= 0) {
        up = true;
      }
    }
  }
  kafka_up = up;
}

void Shovel::Impl::HandleLosses() {
  std::vector<CarbonSender*> lost;
  for (auto& s : senders) {
    if (s->TakeLoss()) lost.push_back(s.get());
  }
  if (lost.empty()) return;
  rewinds->Inc();
  // Commit what was delivered before forgetting everything pending.
  AdvanceAndCommit(true, false);
  std::map<int32_t, int64_t> seeks = tracker.Rewind();
  for (CarbonSender* s : lost) s->DiscardAll();
  auto list = NewList(static_cast<int>(seeks.size()));
  for (const auto& [partition, offset] : seeks) {
    if (!assigned.count(partition)) continue;
    rd_kafka_topic_partition_list_add(list.get(), opt.topic.c_str(), partition)->offset = offset;
  }
  if (list->cnt > 0) {
    if (rd_kafka_error_t* e = rd_kafka_seek_partitions(consumer.get(), list.get(), 0)) {
      spdlog::error("kafka: seek after carbon loss failed: {}", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  }
  spdlog::warn(
      "carbon {}: undelivered frames lost with the connection; re-consuming {} "
      "partition(s) from the first undelivered message",
      lost.front()->name(), list->cnt);
}

void Shovel::Impl::AdvanceAndCommit(bool force, bool sync) {
  for (size_t i = 0; i < senders.size(); ++i) delivered[i] = senders[i]->delivered();
  delivered.back() = dlq_mark.watermark();
  for (const auto& [partition, next] : tracker.Advance(delivered)) to_commit[partition] = next;
  if (to_commit.empty()) return;
  if (!force && clock->Now() < next_commit) return;
  CommitNow(sync);
}

void Shovel::Impl::CommitNow(bool sync) {
  auto list = NewList(static_cast<int>(to_commit.size()));
  for (const auto& [partition, next] : to_commit) {
    if (!assigned.count(partition)) continue;
    rd_kafka_topic_partition_list_add(list.get(), opt.topic.c_str(), partition)->offset = next;
  }
  to_commit.clear();
  next_commit = clock->Now() + Seconds(opt.commit_interval_s);
  if (list->cnt == 0) return;
  commits->Inc();
  rd_kafka_resp_err_t e = rd_kafka_commit(consumer.get(), list.get(), sync ? 0 : 1);
  if (e) {
    commit_failures->Inc();
    spdlog::warn("kafka: offset commit failed: {}", rd_kafka_err2str(e));
  }
}

bool Shovel::Impl::CloseConsumer(Duration limit) {
  rd_kafka_queue_t* q = rd_kafka_queue_new(consumer.get());
  bool closed = false;
  if (rd_kafka_error_t* e = rd_kafka_consumer_close_queue(consumer.get(), q)) {
    spdlog::warn("kafka: consumer close failed: {}", rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
  } else {
    TimePoint deadline = clock->Now() + limit;
    // Serve the queue as events: rd_kafka_queue_poll_callback() asserts on ops that have no
    // callback (seen in CI). The revoke arrives as a rebalance event and goes through the same
    // handler (commit, unassign) as during the run; other events are only released.
    while (!(closed = rd_kafka_consumer_closed(consumer.get())) && clock->Now() < deadline) {
      rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 100);
      if (ev == nullptr) continue;
      if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE) {
        OnRebalance(consumer.get(), rd_kafka_event_error(ev),
                    rd_kafka_event_topic_partition_list(ev));
      }
      rd_kafka_event_destroy(ev);
    }
  }
  rd_kafka_queue_destroy(q);
  return closed;
}

void Shovel::Impl::SetPaused(bool pause) {
  if (pause == paused) return;
  paused = pause;
  auto list = NewList(static_cast<int>(assigned.size()));
  for (int32_t p : assigned) rd_kafka_topic_partition_list_add(list.get(), opt.topic.c_str(), p);
  if (pause) {
    rd_kafka_pause_partitions(consumer.get(), list.get());
    paused_since = clock->Now();
    spdlog::warn("carbon slow or down: {} bytes held; pausing consumption", inflight->value());
  } else {
    rd_kafka_resume_partitions(consumer.get(), list.get());
    paused_seconds->Add(ToSeconds(clock->Now() - paused_since));
    spdlog::info("resuming consumption after {:.1f} s", ToSeconds(clock->Now() - paused_since));
  }
  paused_gauge->Set(pause ? 1 : 0);
}

void Shovel::Impl::UpdatePause() {
  size_t held = 0;
  for (auto& s : senders) held += s->buffered_bytes();
  inflight->Set(static_cast<double>(held));
  if (!paused && held > opt.max_inflight_bytes) SetPaused(true);
  if (paused && held < opt.max_inflight_bytes / 2) SetPaused(false);
}

void Shovel::Impl::UpdateReadiness() {
  int up = 0;
  for (auto& s : senders) up += s->connected() ? 1 : 0;
  connected = up;
  ready = kafka_up && up == static_cast<int>(senders.size());
}

void Shovel::Impl::LogStats() {
  if (opt.stats_interval_s <= 0 || clock->Now() < next_stats) return;
  next_stats = clock->Now() + Seconds(opt.stats_interval_s);
  auto v = [&](const char* name, const char* labels = "") { return m->Value(name, labels); };
  double rejected = 0, skipped = 0, delivered_points = 0;
  for (auto* c : rejects) rejected += static_cast<double>(c->value());
  for (auto* c : skips) skipped += static_cast<double>(c->value());
  for (auto& s : senders) {
    delivered_points += v("shovel_datapoints_delivered_total",
                          fmt::format("destination=\"{}\"", s->name()).c_str());
  }
  spdlog::info(
      "stats: consumed={} datapoints={} delivered={} rejected={} skipped={} "
      "pending_messages={} inflight_bytes={} lag={} carbon_connected={}/{} paused={}",
      consumed->value(), points->value(), delivered_points, rejected,
      skipped + static_cast<double>(frame_skips->value()), tracker.pending(), inflight->value(),
      lag->value(), connected.load(), senders.size(), paused);
}

Shovel::Shovel(Options options, Registry* metrics, const Clock* clock)
    : impl_(std::make_unique<Impl>(std::move(options), metrics, clock)) {}

Shovel::~Shovel() {
  if (impl_->queue) rd_kafka_queue_destroy(impl_->queue);
  for (int fd : impl_->event_pipe) {
    if (fd >= 0) close(fd);
  }
}

Status Shovel::Run(SignalWatcher* signals) {
  Impl& s = *impl_;
  s.CreateMetrics();
  AdminServer admin;
  if (!s.opt.admin.empty()) {
    admin.Handle("/metrics", [&s] {
      return HttpReply{200, "text/plain; version=0.0.4", s.m->Render()};
    });
    admin.Handle("/healthz", [] { return HttpReply{200, "text/plain", "ok\n"}; });
    admin.Handle("/readyz", [&s] {
      if (s.ready) return HttpReply{200, "text/plain", "ready\n"};
      return HttpReply{
          503, "text/plain",
          fmt::format("not ready: kafka {}, carbon {}/{} connected\n", s.kafka_up ? "up" : "down",
                      s.connected.load(), s.senders.size())};
    });
    if (Status st = admin.Start(s.opt.admin); !st.ok()) return st;
    spdlog::info("admin endpoint on {} (port {})", s.opt.admin, admin.port());
  }
  for (const auto& d : s.opt.destinations) {
    SenderOptions so;
    so.destination = d;
    so.protocol = s.opt.protocol;
    so.max_frame_bytes = s.opt.max_frame_bytes;
    so.grace = Seconds(s.opt.grace_s);
    so.backoff_cap = Seconds(s.opt.backoff_max_s);
    s.senders.push_back(std::make_unique<CarbonSender>(so, s.clock, s.m));
  }
  if (s.senders.size() > 1)
    s.ring = std::make_unique<graphite::ConsistentHashRing>(s.opt.destinations);
  s.need.assign(s.senders.size() + 1, 0);
  s.delivered.assign(s.senders.size() + 1, 0);

  bool stop = false;
  std::string bootstrap;
  if (Status st = s.ResolveKafka(signals, &bootstrap, &stop); !st.ok() || stop) return st;
  if (Status st = s.CreateConsumer(bootstrap); !st.ok()) return st;
  if (Status st = s.CreateDeadLetterProducer(bootstrap); !st.ok()) return st;

  TimePoint stop_deadline = TimePoint::max();
  std::vector<pollfd> fds;
  bool more = false;
  for (;;) {
    TimePoint now = s.clock->Now();
    TimePoint wake = now + std::chrono::milliseconds(100);
    for (auto& snd : s.senders) wake = std::min(wake, snd->NextWake());
    if (!s.to_commit.empty()) wake = std::min(wake, s.next_commit);
    const int timeout_ms = more ? 0 : PollTimeoutMs(wake - now);
    fds.clear();
    fds.push_back({signals->fd(), POLLIN, 0});
    fds.push_back({s.event_pipe[0], POLLIN, 0});
    for (auto& snd : s.senders) fds.push_back({snd->fd(), snd->events(), 0});
    poll(fds.data(), fds.size(), timeout_ms);
    s.wakeups->Inc();

    for (int sig; (sig = signals->Read()) != 0;) {
      if ((sig == SIGTERM || sig == SIGINT) && stop_deadline == TimePoint::max()) {
        spdlog::info("signal {}: delivering what is queued (up to {:.1f} s), then exiting", sig,
                     s.opt.shutdown_timeout_s);
        stop_deadline = s.clock->Now() + Seconds(s.opt.shutdown_timeout_s);
      }
    }
    char drain[256];
    while (read(s.event_pipe[0], drain, sizeof(drain)) > 0) {
    }
    bool stopping = stop_deadline != TimePoint::max();
    if (!stopping) {
      s.ConsumeAvailable(&more);
    } else {
      more = false;
    }
    for (size_t i = 0; i < s.senders.size(); ++i) {
      s.senders[i]->Seal();
      s.senders[i]->Drive(fds[i + 2].revents);
    }
    if (s.dlq) rd_kafka_poll(s.dlq.get(), 0);
    if (!stopping) s.HandleLosses();
    s.AdvanceAndCommit(false, false);
    s.UpdatePause();
    s.UpdateReadiness();
    s.LogStats();
    if (stopping) {
      bool idle = true;
      for (auto& snd : s.senders) idle = idle && snd->idle();
      if (s.dlq && s.dlq_mark.outstanding() > 0) idle = false;
      if (idle || s.clock->Now() >= stop_deadline) {
        if (!idle) spdlog::warn("shutdown timeout: undelivered data stays uncommitted in Kafka");
        break;
      }
    }
  }
  s.closing = true;
  // A synchronous commit or consumer close waits for the broker: only when it is up, and
  // bounded either way, so SIGTERM always ends the process.
  s.AdvanceAndCommit(true, s.kafka_up);
  if (s.dlq) rd_kafka_flush(s.dlq.get(), 1000);
  // rd_kafka_consumer_close() waits for the group coordinator without a bound, and "Kafka was
  // up a moment ago" is no promise it still is: close asynchronously and give up after a bound
  // (the group then expires the member after session.timeout.ms).
  bool closed = s.kafka_up && s.CloseConsumer(Seconds(kCloseTimeoutS));
  if (!closed) spdlog::warn("kafka unreachable: leaving the group without a clean close");
  rd_kafka_queue_destroy(s.queue);
  s.queue = nullptr;
  rd_kafka_destroy_flags(s.consumer.release(), closed ? 0 : RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  s.LogStats();
  spdlog::info("stopped");
  return OkStatus();
}

}  // namespace vs::shovel
