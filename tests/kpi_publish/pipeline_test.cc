// The whole KPI pipeline (issue 5): kpi-publish -> Kafka (librdkafka's mock cluster, in this
// process) -> shovel -> a real carbon-cache. Every sample kpi-publish put on Kafka (read back
// with a consumer) lands in whisper with its value, in every shape: the diagnostics (deferreds is
// the backlog command's 7) and the simulated devices' counters.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <map>
#include <set>

#include "kafka/mock_cluster.h"
#include "kpi/json_writer.h"
#include "kpi_publish/consumer.h"
#include "kpi_publish/json_reader.h"
#include "test_common/carbon.h"
#include "test_common/subprocess.h"

namespace vs::kpi {
namespace {

using vs::testing::CarbonCache;
using vs::testing::Subprocess;
using vs::testing::TempDir;
using vs::testing::WaitFor;

class PipelineTest : public ::testing::TestWithParam<Shape> {};

TEST_P(PipelineTest, PublishedSamplesLandInWhisper) {
  auto mc = kafka::MockCluster::Start(1);
  ASSERT_TRUE(mc.ok());
  ASSERT_TRUE((*mc)->CreateTopic("voltha.kpis", 4).ok());
  CarbonCache carbon;
  ASSERT_TRUE(carbon.Start().ok()) << vs::testing::TailOfFile(carbon.log_path());
  TempDir dir;
  const std::string bin = vs::testing::BuildDir() + "/src/apps/";
  const std::string instance = std::string("e2e-") + ShapeName(GetParam());

  // Three rounds 1.5 s apart (distinct whole-second timestamps), then a flushed exit.
  Subprocess publisher;
  ASSERT_TRUE(publisher.Start(
      {bin + "kpi-publish", "-K", (*mc)->bootstrap(), "--shape", ShapeName(GetParam()),
       "--instance-id", instance, "--backlog-cmd", "echo 7", "--simulate-devices", "2",
       "--host-metrics", "false", "--interval", "1.5", "--iterations", "3"},
      dir.File("kpi-publish.log")));
  int status = publisher.Wait(std::chrono::seconds(60));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << vs::testing::ReadFile(dir.File("kpi-publish.log"));

  // What is on Kafka: 3 rounds x (3 diagnostics + 2 devices x 50 counters).
  const size_t kPoints = 3 * (3 + 2 * 50);
  std::vector<testing::ReadPoint> points;
  testing::ConsumeUntil((*mc)->bootstrap(), "voltha.kpis", 4,
                        [&](const std::vector<std::string>& m) {
                          points.clear();
                          std::string err;
                          for (const auto& s : m) testing::ReadMessage(s, &points, &err);
                          return points.size() >= kPoints;
                        },
                        std::chrono::seconds(30));
  ASSERT_EQ(points.size(), kPoints);
  std::map<std::string, std::map<int64_t, double>> expected;
  for (const auto& p : points) {
    ASSERT_EQ(p.ts, std::floor(p.ts));
    auto [it, fresh] = expected[p.path].emplace(static_cast<int64_t>(p.ts), p.value);
    ASSERT_TRUE(fresh) << "two values for " << p.path << " at " << p.ts;
  }
  ASSERT_EQ(expected.size(), 3u + 100u);
  for (const auto& [ts, v] : expected["voltha.internal." + instance + ".deferreds"]) {
    EXPECT_EQ(v, 7);
  }

  Subprocess shovel;
  ASSERT_TRUE(shovel.Start({bin + "shovel", "-K", (*mc)->bootstrap(), "-t", "voltha.kpis", "-H",
                            carbon.pickle_address(), "--group", "pipeline-" + instance,
                            "--from-beginning", "--kafka-opt", "session.timeout.ms=6000"},
                           dir.File("shovel.log")));
  std::string missing;
  bool landed = WaitFor(
      [&] {
        for (const auto& [path, want] : expected) {
          auto got = carbon.ReadSeries(path);
          if (!got.ok()) {
            missing = path + ": " + got.status().ToString();
            return false;
          }
          std::map<int64_t, double> have;
          for (const auto& wp : *got) have[wp.timestamp] = wp.value;
          for (const auto& [ts, v] : want) {
            auto it = have.find(ts);
            if (it == have.end() || it->second != v) {
              missing = fmt::format(
                  "{} at {}: want {}, have {}", path, ts, v,
                  it == have.end() ? std::string("nothing") : fmt::format("{}", it->second));
              return false;
            }
          }
        }
        return true;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(250));
  EXPECT_TRUE(landed) << missing << "\n" << vs::testing::TailOfFile(dir.File("shovel.log"));
  shovel.Stop();
}

INSTANTIATE_TEST_SUITE_P(Shapes, PipelineTest,
                         ::testing::Values(Shape::kSeed, Shape::kKpiEvent, Shape::kKpiEvent2),
                         [](const auto& info) { return std::string(ShapeName(info.param)); });

}  // namespace
}  // namespace vs::kpi
