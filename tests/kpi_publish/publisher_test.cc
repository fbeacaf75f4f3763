// kpi::Publisher against librdkafka's mock cluster (in process): what is published is read back
// exactly, in every shape; a broker that goes down and comes back loses and duplicates nothing
// (delivery reports and the consumer both checked); a full queue drops and counts, bounded.
#include "kpi/publisher.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/metrics.h"
#include "kafka/mock_cluster.h"
#include "kpi_publish/consumer.h"
#include "kpi_publish/json_reader.h"
#include "test_common/subprocess.h"

namespace vs::kpi {
namespace {

using testing::ConsumeUntil;
using testing::ReadMessage;
using testing::ReadPoint;

std::vector<Sample> MakeBatch(int round, int n) {
  std::vector<Sample> out;
  const double ts = 1700000000 + round;
  for (int i = 0; i < n; ++i) {
    if (i % 3 == 0) {
      DeviceMeta d;
      d.title = "PON";
      d.device_id = "dev" + std::to_string(i % 7);
      d.logical_device_id = "ld" + std::to_string(i % 7);
      d.context = {{"port_no", std::to_string(i % 5)}};
      out.push_back(MakeDeviceSample(d, "rx_" + std::to_string(i), i * 1.5, ts));
    } else {
      out.push_back(MakeSample("voltha.internal.r" + std::to_string(round), "m" + std::to_string(i),
                               i + round * 1e6, ts));
    }
  }
  return out;
}

std::vector<ReadPoint> Expected(const std::vector<Sample>& samples) {
  std::vector<ReadPoint> out;
  for (const auto& s : samples) out.push_back({s.GraphitePath(), s.value, s.timestamp});
  std::sort(out.begin(), out.end());
  return out;
}

size_t CountPoints(const std::vector<std::string>& msgs) {
  std::vector<ReadPoint> pts;
  std::string err;
  for (const auto& m : msgs) ReadMessage(m, &pts, &err);
  return pts.size();
}

std::vector<ReadPoint> ReadAll(const std::vector<std::string>& msgs) {
  std::vector<ReadPoint> pts;
  for (const auto& m : msgs) {
    std::string err;
    EXPECT_TRUE(ReadMessage(m, &pts, &err)) << err;
  }
  std::sort(pts.begin(), pts.end());
  return pts;
}

class PublisherTest : public ::testing::TestWithParam<Shape> {};

TEST_P(PublisherTest, ConsumerReadsBackExactlyWhatWasPublished) {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok()) << mc.status().ToString();
  const std::string topic = std::string("kpis-") + ShapeName(GetParam());
  ASSERT_TRUE((*mc)->CreateTopic(topic, 4).ok());
  PublisherOptions po;
  po.client.bootstrap = (*mc)->bootstrap();
  po.topic = topic;
  po.writer.shape = GetParam();
  po.writer.max_message_bytes = 4096;  // many messages
  Registry metrics;
  auto pub = Publisher::Create(po, &metrics);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  std::vector<Sample> all;
  for (int round = 0; round < 10; ++round) {
    auto batch = MakeBatch(round, 300);
    PublishResult r = (*pub)->Publish(batch);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.samples, batch.size());
    all.insert(all.end(), batch.begin(), batch.end());
  }
  ASSERT_TRUE((*pub)->Flush(std::chrono::seconds(30)).ok());
  PublisherStats s = (*pub)->stats();
  EXPECT_EQ(s.samples_queued, all.size());
  EXPECT_EQ(s.samples_delivered, all.size());
  EXPECT_EQ(s.samples_failed, 0u);
  EXPECT_EQ(s.messages_delivered, s.messages_queued);
  EXPECT_GT(s.messages_queued, 10u);
  EXPECT_EQ(s.outstanding, 0u);
  EXPECT_TRUE((*pub)->connected());
  EXPECT_EQ(metrics.Value("kpi_publish_samples_total", R"(result="delivered")"),
            static_cast<double>(all.size()));

  auto msgs = ConsumeUntil(
      (*mc)->bootstrap(), topic, 4,
      [&](const std::vector<std::string>& m) { return m.size() >= s.messages_delivered; },
      std::chrono::seconds(30));
  EXPECT_EQ(msgs.size(), s.messages_delivered);
  for (const auto& m : msgs) EXPECT_LE(m.size(), 4096u);
  EXPECT_EQ(ReadAll(msgs), Expected(all));
}

INSTANTIATE_TEST_SUITE_P(Shapes, PublisherTest,
                         ::testing::Values(Shape::kSeed, Shape::kKpiEvent, Shape::kKpiEvent2),
                         [](const auto& info) { return std::string(ShapeName(info.param)); });

TEST(PublisherFaultTest, BrokerDownAndUpLosesNothing) {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok());
  ASSERT_TRUE((*mc)->CreateTopic("kpis", 2).ok());
  PublisherOptions po;
  po.client.bootstrap = (*mc)->bootstrap();
  po.client.opts = {"reconnect.backoff.max.ms=500"};
  po.topic = "kpis";
  po.writer.max_message_bytes = 2048;
  auto pub = Publisher::Create(po);
  ASSERT_TRUE(pub.ok());

  std::vector<Sample> all;
  auto publish = [&](int round) {
    auto batch = MakeBatch(round, 200);
    PublishResult r = (*pub)->Publish(batch);
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    all.insert(all.end(), batch.begin(), batch.end());
  };
  publish(0);
  ASSERT_TRUE((*pub)->Flush(std::chrono::seconds(30)).ok());
  ASSERT_TRUE((*mc)->SetBrokerDown(1, true).ok());
  publish(1);
  // The outage is seen: the producer reports all brokers down and cannot deliver round 1.
  EXPECT_TRUE(vs::testing::WaitFor([&] { return !(*pub)->connected(); }, std::chrono::seconds(20)));
  EXPECT_GT((*pub)->stats().outstanding, 0u);
  publish(2);
  EXPECT_FALSE((*pub)->Flush(std::chrono::milliseconds(500)).ok());  // still down
  ASSERT_TRUE((*mc)->SetBrokerDown(1, false).ok());
  publish(3);
  ASSERT_TRUE((*pub)->Flush(std::chrono::seconds(60)).ok());
  PublisherStats s = (*pub)->stats();
  EXPECT_EQ(s.samples_queued, all.size());
  EXPECT_EQ(s.samples_delivered, all.size());
  EXPECT_EQ(s.samples_failed, 0u);
  EXPECT_EQ(s.samples_dropped, 0u);

  auto msgs =
      ConsumeUntil((*mc)->bootstrap(), "kpis", 2,
                   [&](const std::vector<std::string>& m) { return CountPoints(m) >= all.size(); },
                   std::chrono::seconds(30));
  // Exactly the samples: none lost, none duplicated by retries (idempotent producer).
  EXPECT_EQ(ReadAll(msgs), Expected(all));
}

TEST(PublisherFaultTest, FullQueueDropsAndCountsWithinTheWait) {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok());
  ASSERT_TRUE((*mc)->CreateTopic("kpis", 1).ok());
  ASSERT_TRUE((*mc)->SetBrokerDown(1, true).ok());
  PublisherOptions po;
  po.client.bootstrap = (*mc)->bootstrap();
  po.client.opts = {"queue.buffering.max.messages=10"};
  po.topic = "kpis";
  po.writer.max_message_bytes = 300;  // about ten samples a message
  po.enqueue_wait = std::chrono::milliseconds(200);
  po.shutdown_flush_timeout = std::chrono::milliseconds(100);
  auto pub = Publisher::Create(po);
  ASSERT_TRUE(pub.ok());
  auto batch = MakeBatch(0, 1000);
  auto t0 = std::chrono::steady_clock::now();
  PublishResult r = (*pub)->Publish(batch);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(r.status.code(), Code::kResourceExhausted);
  PublisherStats s = (*pub)->stats();
  EXPECT_LE(s.messages_queued, 10u);
  EXPECT_GT(s.samples_dropped, 0u);
  EXPECT_EQ(s.samples_queued + s.samples_dropped, batch.size());
  EXPECT_EQ(r.samples, s.samples_queued);
}

TEST(PublisherFaultTest, BadPropertiesFailCreate) {
  PublisherOptions po;
  po.client.bootstrap = "127.0.0.1:1";
  po.client.opts = {"no.such.property=1"};
  auto pub = Publisher::Create(po);
  ASSERT_FALSE(pub.ok());
  EXPECT_NE(pub.status().message().find("no.such.property"), std::string::npos);
}

}  // namespace
}  // namespace vs::kpi
