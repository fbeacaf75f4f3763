// libkpi write side: publishes samples to a Kafka topic through an idempotent librdkafka
// producer (enable.idempotence=true: no duplicates or reordering from internal retries).
//
// Contract:
// - Publish() serialises with a JsonWriter (see json_writer.h) and enqueues each message. The
//   queue is bounded (queue.buffering.max.messages / .kbytes); when it is full Publish() waits
//   up to `enqueue_wait` for room, serving delivery reports meanwhile, then drops the rest of
//   the batch and counts the dropped samples. It never blocks longer than that.
// - Every enqueued message ends in exactly one delivery report, counted as delivered or failed
//   (with the number of samples it carried). librdkafka retries internally until
//   message.timeout.ms (default here 300 s) runs out, so a broker that is down and comes back
//   within that time loses nothing.
// - Flush() waits (bounded) for every outstanding message. The destructor flushes with
//   `shutdown_flush_timeout` and counts what is still outstanding as undelivered.
// - Failures are values: Create() fails on bad properties; a Kafka outage is not an error of
//   Publish() (it shows as outstanding messages, then delivery failures), only a full queue is.
// Threads: Publish(), Flush() and the accessors are thread-safe (Publish calls are serialised by
// a mutex). Delivery reports are served by an internal poll thread.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "kafka/config.h"
#include "kpi/json_writer.h"
#include "kpi/sample.h"

namespace vs::kpi {

struct PublisherOptions {
  kafka::ClientOptions client;  // bootstrap (resolved), --kafka-opt, --kafka-config
  std::string topic = "voltha.kpis";
  WriterOptions writer;
  Duration enqueue_wait = std::chrono::seconds(1);
  Duration shutdown_flush_timeout = std::chrono::seconds(10);
  // Prefix of the Prometheus metrics registered in `metrics` (when one is given).
  std::string metrics_prefix = "kpi_publish";
};

// The producer properties we set before the user's file and --kafka-opt (which may override).
kafka::Properties DefaultProducerProperties();

struct PublisherStats {
  uint64_t messages_queued = 0;
  uint64_t messages_delivered = 0;
  uint64_t messages_failed = 0;
  uint64_t samples_queued = 0;
  uint64_t samples_delivered = 0;
  uint64_t samples_failed = 0;     // delivery report with an error
  uint64_t samples_dropped = 0;    // queue full past enqueue_wait
  uint64_t samples_invalid = 0;    // ValidateSample failed
  uint64_t samples_too_large = 0;  // did not fit in one message
  uint64_t outstanding = 0;        // messages enqueued or in flight (librdkafka's outq)
};

struct PublishResult {
  Status status;  // ResourceExhausted when samples were dropped on a full queue
  size_t messages = 0;
  size_t samples = 0;  // enqueued
};

class Publisher {
 public:
  // `metrics` may be null; it must outlive the Publisher.
  static StatusOr<std::unique_ptr<Publisher>> Create(const PublisherOptions& options,
                                                     Registry* metrics = nullptr);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  PublishResult Publish(std::span<const Sample> samples);
  // Waits up to `timeout` for every outstanding message; DeadlineExceeded with the count left.
  Status Flush(Duration timeout);
  PublisherStats stats() const;
  // True after a successful delivery, false after a failed one or "all brokers down".
  bool connected() const { return connected_.load(); }
  // A fatal producer error (e.g. idempotence state lost): the producer must be recreated.
  bool fatal() const { return fatal_.load(); }
  const PublisherOptions& options() const { return options_; }

 private:
  explicit Publisher(const PublisherOptions& options);
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  void PollLoop();
  bool Enqueue(std::string_view message, size_t samples, TimePoint deadline);

  PublisherOptions options_;
  kafka::HandlePtr rk_;
  rd_kafka_topic_t* rkt_ = nullptr;
  std::mutex publish_mu_;
  JsonWriter writer_;

  std::atomic<uint64_t> messages_queued_{0}, messages_delivered_{0}, messages_failed_{0};
  std::atomic<uint64_t> samples_queued_{0}, samples_delivered_{0}, samples_failed_{0};
  std::atomic<uint64_t> samples_dropped_{0}, samples_invalid_{0}, samples_too_large_{0};
  std::atomic<bool> connected_{false};
  std::atomic<bool> fatal_{false};

  Counter* m_delivered_ = nullptr;
  Counter* m_failed_ = nullptr;
  Counter* m_dropped_ = nullptr;
  Counter* m_invalid_ = nullptr;
  Counter* m_too_large_ = nullptr;
  Counter* m_messages_ = nullptr;
  Counter* m_messages_failed_ = nullptr;
  Counter* m_kafka_errors_ = nullptr;

  std::atomic<bool> stop_{false};
  std::thread poller_;
};

}  // namespace vs::kpi
