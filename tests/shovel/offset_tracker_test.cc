#include "shovel/offset_tracker.h"

#include <gtest/gtest.h>

namespace vs::shovel {
namespace {

using Need = std::vector<uint64_t>;

TEST(OffsetTrackerTest, CommitsOnlyContiguousDeliveredPrefix) {
  OffsetTracker t(2);
  t.Add(0, 10, Need{1, 0});
  t.Add(0, 11, Need{0, 0});  // rejected message: waits for nothing, but not before offset 10
  t.Add(0, 12, Need{2, 1});
  t.Add(1, 5, Need{0, 1});
  EXPECT_TRUE(t.Advance(Need{0, 0}).empty());
  auto c = t.Advance(Need{1, 0});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], 12);  // 10 and 11 done; 12 waits for sink 0 seq 2
  c = t.Advance(Need{2, 0});
  EXPECT_TRUE(c.empty());  // 12 still waits for sink 1
  c = t.Advance(Need{2, 1});
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], 13);
  EXPECT_EQ(c[1], 6);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(OffsetTrackerTest, RewindReturnsFirstPendingAndForgets) {
  OffsetTracker t(1);
  t.Add(0, 1, Need{1});
  t.Add(0, 2, Need{2});
  t.Add(3, 7, Need{2});
  t.Advance(Need{1});
  auto seeks = t.Rewind();
  ASSERT_EQ(seeks.size(), 2u);
  EXPECT_EQ(seeks[0], 2);
  EXPECT_EQ(seeks[3], 7);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_TRUE(t.Advance(Need{100}).empty());
}

TEST(OffsetTrackerTest, MessagesOfOneFrameFormOneRunWithGaps) {
  // 1000 messages into frame 1 (offsets with gaps, as compaction leaves them), then frame 2.
  OffsetTracker t(2);
  for (int64_t o = 0; o < 2000; o += 2) t.Add(0, o, Need{1, 0});
  t.Add(0, 2000, Need{2, 0});
  t.Add(0, 2001, Need{2, 0});
  t.Add(0, 2002, Need{1, 0});  // an older number again: a new run, not merged into frame 1's
  EXPECT_EQ(t.pending(), 1003u);
  auto c = t.Advance(Need{1, 0});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], 1999);  // last offset of the run + 1
  EXPECT_EQ(t.pending(), 3u);
  auto seeks = t.Rewind();
  EXPECT_EQ(seeks[0], 2000);
}

TEST(OffsetTrackerTest, DropForgetsPartition) {
  OffsetTracker t(1);
  t.Add(0, 1, Need{1});
  t.Add(1, 1, Need{1});
  t.Drop(0);
  auto c = t.Advance(Need{1});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.begin()->first, 1);
}

TEST(OutOfOrderWatermarkTest, AdvancesOnlyWhenContiguous) {
  OutOfOrderWatermark w;
  uint64_t a = w.NextId(), b = w.NextId(), c = w.NextId();
  w.Done(c);
  EXPECT_EQ(w.watermark(), 0u);
  w.Done(a);
  EXPECT_EQ(w.watermark(), a);
  EXPECT_EQ(w.outstanding(), 2u);
  w.Done(b);
  EXPECT_EQ(w.watermark(), c);
  EXPECT_EQ(w.outstanding(), 0u);
  w.Done(b);  // a duplicate report changes nothing
  EXPECT_EQ(w.watermark(), c);
}

}  // namespace
}  // namespace vs::shovel
