#include "common/backoff.h"

#include <gtest/gtest.h>

namespace vs {
namespace {

TEST(BackoffTest, GrowsWithJitterAndCaps) {
  Backoff b(Millis(100), Millis(1000), 42);
  Duration prev_hi = Millis(100);
  for (int i = 0; i < 10; ++i) {
    Duration d = b.Next();
    Duration hi = std::min<Duration>(Millis(100) * (1LL << std::min(i, 20)), Millis(1000));
    EXPECT_GE(d, hi / 2) << i;
    EXPECT_LE(d, hi) << i;
    prev_hi = hi;
  }
  EXPECT_EQ(prev_hi, Millis(1000));
  b.Reset();
  EXPECT_LE(b.Next(), Millis(100));
}

TEST(TokenBucketTest, RefillsAtRate) {
  FakeClock clock;
  TokenBucket tb(10, 2, &clock);
  EXPECT_TRUE(tb.TryTake());
  EXPECT_TRUE(tb.TryTake());
  EXPECT_FALSE(tb.TryTake());
  EXPECT_NEAR(ToSeconds(tb.TimeUntilToken()), 0.1, 1e-6);
  clock.Advance(Millis(100));
  EXPECT_TRUE(tb.TryTake());
  EXPECT_FALSE(tb.TryTake());
  clock.Advance(Millis(10000));
  EXPECT_TRUE(tb.TryTake());
  EXPECT_TRUE(tb.TryTake());
  EXPECT_FALSE(tb.TryTake());  // burst caps the refill
}

}  // namespace
}  // namespace vs
