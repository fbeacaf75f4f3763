#include "kpi/datapoint.h"

#include <gtest/gtest.h>

#include <string>

namespace vs::kpi {
namespace {

std::string PathOf(int i) { return "dev" + std::to_string(i) + "." + std::string(i % 70, 'm'); }

// Enough points that the path storage grows several times: every earlier path survives.
TEST(DatapointBatchTest, PathsSurviveGrowth) {
  DatapointBatch b;
  for (int i = 0; i < 3000; ++i) b.Add(PathOf(i), 1700000000 + i, i * 0.5);
  ASSERT_EQ(b.size(), 3000u);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(b.path(i), PathOf(i));
    ASSERT_EQ(b.timestamp(i), 1700000000 + i);
    ASSERT_EQ(b.value(i), i * 0.5);
  }
}

TEST(DatapointBatchTest, TruncateAndClearDropPointsAndTheirPaths) {
  DatapointBatch b;
  b.Add("a.b", 1, 1);
  b.Add("c.d", 2, 2);
  b.Add("e.f", 3, 3);
  b.Truncate(1);
  ASSERT_EQ(b.size(), 1u);
  b.Add("g.hh", 4, 4);  // written where "c.d" was
  EXPECT_EQ(b.path(0), "a.b");
  EXPECT_EQ(b.path(1), "g.hh");
  b.Truncate(5);  // beyond the end: nothing to drop
  EXPECT_EQ(b.size(), 2u);
  b.Clear();
  EXPECT_TRUE(b.empty());
  b.Add("", 5, 5);
  EXPECT_EQ(b.path(0), "");
}

}  // namespace
}  // namespace vs::kpi
