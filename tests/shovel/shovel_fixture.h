// Shared fixture for shovel's integration tests: an in-process mock Kafka cluster, a real
// carbon-cache, a producer that checks every delivery, and the shovel binary as a child
// process with its admin endpoint on a free port.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "kafka/mock_cluster.h"
#include "test_common/carbon.h"
#include "test_common/subprocess.h"

namespace vs::shovel::testing {

using vs::testing::CarbonCache;
using vs::testing::WhisperPoint;

// What a test expects in whisper: path -> points.
using Expected = std::map<std::string, std::set<std::pair<int64_t, double>>>;

class Producer {
 public:
  explicit Producer(const std::string& bootstrap);
  ~Producer();
  // partition: RD_KAFKA_PARTITION_UA lets the partitioner choose.
  void Send(const std::string& topic, const std::string& payload,
            int32_t partition = RD_KAFKA_PARTITION_UA);
  // Waits for every delivery report; fails the test on any failed delivery.
  void Flush();

 private:
  rd_kafka_t* rk_ = nullptr;
};

// Consumes a topic from the beginning until `count` messages arrived or `timeout`.
std::vector<std::string> ConsumeAll(const std::string& bootstrap, const std::string& topic,
                                    size_t count, std::chrono::milliseconds timeout);

// The i-th message of a deterministic mixed stream (all four shapes); adds what it must
// produce in carbon to *expected. Timestamps are distinct per metric.
std::string MixedMessage(int i, Expected* expected, const std::string& tag);

class ShovelTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts shovel against `carbon_addrs` (default: the fixture's carbon pickle address).
  void StartShovel(const std::vector<std::string>& extra = {},
                   const std::vector<std::string>& hosts = {});
  // Sum of a metric over all label sets, from /metrics; -1 when shovel does not answer.
  double Metric(const std::string& name);
  // Waits until every expected point is in whisper of `carbon`; reports what is missing.
  ::testing::AssertionResult AllLanded(const Expected& expected, CarbonCache* carbon,
                                       std::chrono::milliseconds timeout);

  vs::testing::TempDir dir_;
  std::unique_ptr<kafka::MockCluster> kafka_;
  std::unique_ptr<CarbonCache> carbon_;
  std::unique_ptr<Producer> producer_;
  vs::testing::Subprocess shovel_;
  std::string topic_ = "kpis";
  std::string group_;
  uint16_t admin_port_ = 0;
  int shovel_starts_ = 0;
};

}  // namespace vs::shovel::testing
