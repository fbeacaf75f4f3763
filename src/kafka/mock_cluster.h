// librdkafka's mock cluster (DESIGN.md 2.6) as an object: the Kafka broker of tests, the demo
// and the benchmarks. It speaks the real protocol on random loopback ports. Owns its rd_kafka_t;
// thread-safe as librdkafka's mock API is.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include "common/status.h"
#include "kafka/config.h"

namespace vs::kafka {

class MockCluster {
 public:
  static StatusOr<std::unique_ptr<MockCluster>> Start(int brokers);
  ~MockCluster();
  const std::string& bootstrap() const { return bootstrap_; }
  Status CreateTopic(const std::string& topic, int partitions);
  // Takes broker `id` (1-based) down or up: its listener closes and connections drop.
  Status SetBrokerDown(int id, bool down);
  rd_kafka_mock_cluster_t* raw() const { return mcluster_; }

 private:
  MockCluster() = default;
  HandlePtr rk_;
  rd_kafka_mock_cluster_t* mcluster_ = nullptr;
  std::string bootstrap_;
  int brokers_ = 0;
};

}  // namespace vs::kafka
