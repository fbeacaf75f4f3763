#include "common/clock.h"

#include <gtest/gtest.h>

#include <chrono>

namespace vs {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// A loop that polls until a deadline must not wake before it: a timeout rounded down would
// return early and leave the loop spinning with timeout 0 through the rest of the millisecond.
TEST(PollTimeoutMsTest, RoundsUpSoThePollNeverEndsBeforeTheDeadline) {
  EXPECT_EQ(PollTimeoutMs(Duration(1)), 1);
  EXPECT_EQ(PollTimeoutMs(microseconds(999)), 1);
  EXPECT_EQ(PollTimeoutMs(milliseconds(1)), 1);
  EXPECT_EQ(PollTimeoutMs(microseconds(1001)), 2);
  EXPECT_EQ(PollTimeoutMs(microseconds(2500)), 3);
  EXPECT_EQ(PollTimeoutMs(milliseconds(100)), 100);
}

TEST(PollTimeoutMsTest, PastDeadlinesAreZeroAndLongWaitsAreCapped) {
  EXPECT_EQ(PollTimeoutMs(Duration::zero()), 0);
  EXPECT_EQ(PollTimeoutMs(Duration(-1)), 0);
  EXPECT_EQ(PollTimeoutMs(-milliseconds(5)), 0);
  EXPECT_EQ(PollTimeoutMs(milliseconds(5000), 1000), 1000);
  EXPECT_EQ(PollTimeoutMs(microseconds(999'001), 1000), 1000);
  EXPECT_EQ(PollTimeoutMs(std::chrono::hours(24 * 365 * 100)), 1 << 30);
}

}  // namespace
}  // namespace vs
