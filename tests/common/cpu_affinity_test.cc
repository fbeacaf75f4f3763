#include "common/cpu_affinity.h"

#include <gtest/gtest.h>

#include <thread>

namespace vs {
namespace {

TEST(ParseCpuList, AcceptsTasksetSyntax) {
  struct Case {
    const char* in;
    std::vector<int> want;
  } cases[] = {
      {"0", {0}},
      {"3", {3}},
      {"0-2", {0, 1, 2}},
      {"0,2-3", {0, 2, 3}},
      {"5,1,1-2", {1, 2, 5}},  // sorted, without repeats
      {"1023", {1023}},
  };
  for (const auto& c : cases) {
    auto got = ParseCpuList(c.in);
    ASSERT_TRUE(got.ok()) << c.in << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.in;
  }
}

TEST(ParseCpuList, RejectsWithTheBadPart) {
  for (const char* in : {"", ",", "0,", "a", "1-", "-1", "3-1", "1024", "0x1", " 1", "1-2-3",
                         "99999999999999999999"}) {
    auto got = ParseCpuList(in);
    EXPECT_FALSE(got.ok()) << "'" << in << "'";
    if (!got.ok() && *in != '\0') {
      EXPECT_NE(got.status().message().find("bad part"), std::string::npos)
          << got.status().message();
    }
  }
}

// What --cpus relies on: pin the thread first, and every thread it starts later (librdkafka's
// broker threads) runs on the same CPUs.
TEST(PinToCpus, ThreadsStartedAfterwardsInheritIt) {
  auto mine = CurrentCpus();
  ASSERT_TRUE(mine.ok());
  ASSERT_FALSE(mine->empty());
  const int cpu = mine->back();
  std::vector<int> in_child, in_grandchild;
  std::thread t([&] {  // a thread of its own, so the test's main thread stays unpinned
    ASSERT_TRUE(PinToCpus({cpu}).ok());
    in_child = *CurrentCpus();
    std::thread g([&] { in_grandchild = *CurrentCpus(); });
    g.join();
  });
  t.join();
  EXPECT_EQ(in_child, std::vector<int>{cpu});
  EXPECT_EQ(in_grandchild, std::vector<int>{cpu});
  EXPECT_EQ(*CurrentCpus(), *mine);
}

TEST(PinToCpus, RefusedSetIsAnErrorWithContext) {
  // CPU 1023 does not exist on any machine this runs on.
  Status st;
  std::thread t([&] { st = PinToCpus({1023}); });
  t.join();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("sched_setaffinity"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace vs
