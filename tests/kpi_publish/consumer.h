// Test-only Kafka reader: every message of a topic from the beginning (partitions assigned
// directly, no group re-join wait), until a predicate holds or a timeout passes. Not thread-safe.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace vs::kpi::testing {

inline std::vector<std::string> ConsumeUntil(
    const std::string& bootstrap, const std::string& topic, int partitions,
    const std::function<bool(const std::vector<std::string>&)>& done,
    std::chrono::milliseconds timeout) {
  std::vector<std::string> out;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  static int n = 0;
  std::string group = "kpi-publish-test-" + std::to_string(++n);
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  rd_kafka_conf_set(conf, "group.id", group.c_str(), err, sizeof(err));
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof(err));
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) return out;
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(out) && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (!m->err) out.emplace_back(static_cast<const char*>(m->payload), m->len);
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

}  // namespace vs::kpi::testing
