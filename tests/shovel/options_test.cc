#include "shovel/options.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "shovel/shovel.h"

namespace vs::shovel {
namespace {

ParseOutcome Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "shovel");
  return ParseOptions(static_cast<int>(args.size()), args.data());
}

TEST(OptionsTest, PrefixMustBeAValidPath) {
  EXPECT_TRUE(Parse({"--prefix", "dc1.voltha"}).run);
  EXPECT_TRUE(Parse({"--prefix", "a_b:c#d@e%f+g=h-i"}).run);
  for (const char* bad : {"a..b", ".a", "a.", "a b", "a/b", "caf\xc3\xa9"}) {
    ParseOutcome o = Parse({"--prefix", bad});
    EXPECT_FALSE(o.run) << bad;
    EXPECT_EQ(o.exit_code, 2) << bad;
  }
}

TEST(OptionsTest, DefaultsAndBadFlags) {
  ParseOutcome o = Parse({});
  ASSERT_TRUE(o.run);
  ASSERT_EQ(o.options.destinations.size(), 1u);
  EXPECT_EQ(o.options.destinations[0].port, 2004);
  EXPECT_EQ(o.options.max_inflight_bytes, size_t{8} << 20);  // docs/SHOVEL.md says why
  EXPECT_EQ(Parse({"--protocol", "plaintext"}).options.destinations[0].port, 2003);
  EXPECT_EQ(Parse({"--bogus"}).exit_code, 2);
  EXPECT_EQ(Parse({"--protocol", "udp"}).exit_code, 2);
}

TEST(OptionsTest, CpusIsATasksetList) {
  EXPECT_TRUE(Parse({}).options.cpus.empty());  // default: not pinned
  EXPECT_EQ(Parse({"--cpus", "0,2-3"}).options.cpus, (std::vector<int>{0, 2, 3}));
  for (const char* bad : {"x", "3-1", "1024", "1,"}) {
    ParseOutcome o = Parse({"--cpus", bad});
    EXPECT_FALSE(o.run) << bad;
    EXPECT_EQ(o.exit_code, 2) << bad;
  }
}

// The consumer's memory and commit settings (docs/SHOVEL.md says why each value).
TEST(OptionsTest, ConsumerDefaults) {
  Options opt = Parse({"--group", "g1"}).options;
  std::map<std::string, std::string> got;
  for (const auto& [k, v] : ConsumerDefaults(opt)) got[k] = v;
  EXPECT_EQ(got["group.id"], "g1");
  EXPECT_EQ(got["enable.auto.commit"], "false");
  EXPECT_EQ(got["enable.auto.offset.store"], "false");
  EXPECT_EQ(got["auto.offset.reset"], "latest");
  EXPECT_EQ(got["queued.max.messages.kbytes"], "16384");
  EXPECT_EQ(got["fetch.max.bytes"], "2097152");
  opt.from_beginning = true;
  got.clear();
  for (const auto& [k, v] : ConsumerDefaults(opt)) got[k] = v;
  EXPECT_EQ(got["auto.offset.reset"], "earliest");
}

}  // namespace
}  // namespace vs::shovel
