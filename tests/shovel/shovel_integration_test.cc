// shovel end to end: mock Kafka -> shovel (the real binary) -> real carbon-cache -> whisper.
// Every fault test asserts that no datapoint is lost.
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/cpu_affinity.h"
#include "graphite/hashing.h"
#include "tests/shovel/shovel_fixture.h"

namespace vs::shovel::testing {
namespace {

using namespace std::chrono_literals;
using vs::testing::WaitFor;

// Produces MixedMessage(from..to) at about `per_second` messages per second.
void ProduceRange(Producer* p, const std::string& topic, int from, int to, Expected* expected,
                  const std::string& tag, int per_second = 0) {
  auto start = std::chrono::steady_clock::now();
  for (int i = from; i < to; ++i) {
    p->Send(topic, MixedMessage(i, expected, tag));
    if (per_second > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::microseconds((i - from + 1) * 1000000LL / per_second));
    }
  }
  p->Flush();
}

TEST_F(ShovelTest, MixedShapesLandWithValuesAndTimestamps) {
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 800, &expected, "mix");
  StartShovel();
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 90s));
  EXPECT_TRUE(WaitFor([&] { return Metric("shovel_messages_consumed_total") >= 800; }, 10s));
  EXPECT_EQ(Metric("shovel_messages_rejected_total"), 0);
  EXPECT_TRUE(WaitFor([&] { return Metric("shovel_datapoints_delivered_total") >= 800; }, 10s));
  // The JSON messages of the mix were read by the parser's one-pass fast path.
  EXPECT_GT(Metric("shovel_messages_parsed_fast_total"), 0);
  EXPECT_LT(Metric("shovel_messages_parsed_fast_total"), 800);  // plaintext is not JSON
}

// The shovel binary of a normal build runs on jemalloc with the options compiled into it
// (docs/SHOVEL.md, "Memory allocator"); a link order or packaging change that silently puts it
// back on glibc's malloc, or drops the options, shows here. Sanitizer builds keep their own.
TEST_F(ShovelTest, StartupLogNamesTheMallocInUse) {
  StartShovel();
  std::string log;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::ifstream f(dir_.File("shovel.log"));
        log.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
        return log.find("starting (malloc: ") != std::string::npos;
      },
      10s));
#ifdef VS_JEMALLOC
  EXPECT_NE(log.find("(malloc: jemalloc 5."), std::string::npos) << log;
  EXPECT_NE(log.find("narenas 1, tcache_max 4096, dirty_decay_ms 1000, muzzy_decay_ms 0)"),
            std::string::npos)
      << log;
#else
  EXPECT_EQ(log.find("(malloc: jemalloc"), std::string::npos) << log;
#endif
}

// --cpus must reach every thread, librdkafka's included: main() pins itself before they start.
TEST_F(ShovelTest, CpusPinsEveryThreadAndDataStillLands) {
  auto cpus = CurrentCpus();
  ASSERT_TRUE(cpus.ok() && !cpus->empty());
  const std::string cpu = std::to_string(cpus->back());
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 100, &expected, "cpu");
  StartShovel({"--cpus", cpu});
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 60s));
  std::map<std::string, std::string> allowed;  // thread -> Cpus_allowed_list
  for (const auto& t : std::filesystem::directory_iterator(
           fmt::format("/proc/{}/task", static_cast<int>(shovel_.pid())))) {
    std::ifstream f(t.path() / "status");
    std::string line, name;
    while (std::getline(f, line)) {
      if (line.rfind("Name:", 0) == 0) name = line.substr(line.find_first_not_of(" \t", 5));
      if (line.rfind("Cpus_allowed_list:", 0) == 0) {
        allowed[t.path().filename().string() + " " + name] =
            line.substr(line.find_first_not_of(" \t", 18));
      }
    }
  }
  EXPECT_GE(allowed.size(), 3u);  // main, librdkafka's main and broker threads at least
  for (const auto& [thread, list] : allowed) EXPECT_EQ(list, cpu) << thread;
}

TEST_F(ShovelTest, PlaintextProtocol) {
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 200, &expected, "txt");
  StartShovel({"--protocol", "plaintext"}, {carbon_->line_address()});
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 60s));
}

TEST_F(ShovelTest, CarbonStoppedLongerThanMaxBackoffLosesNothing) {
  Expected expected;
  StartShovel();
  std::thread producer(
      [&] { ProduceRange(producer_.get(), topic_, 0, 1500, &expected, "stop", 150); });
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_datapoints_delivered_total") > 100; }, 30s));
  ASSERT_TRUE(carbon_->Stop().ok());
  std::this_thread::sleep_for(7s);  // the fault lasts longer than the 5 s backoff cap
  EXPECT_EQ(Metric("shovel_carbon_connected"), 0);
  ASSERT_TRUE(carbon_->Start().ok());
  producer.join();
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 90s));
  EXPECT_GE(Metric("shovel_carbon_disconnects_total"), 1);
}

TEST_F(ShovelTest, CarbonKilledWithFramesInFlightLosesNothing) {
  Expected expected;
  StartShovel();
  std::thread producer(
      [&] { ProduceRange(producer_.get(), topic_, 0, 1500, &expected, "kill", 300); });
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_datapoints_delivered_total") > 200; }, 30s));
  carbon_->Kill();
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(carbon_->Start().ok());
  producer.join();
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 90s));
  EXPECT_GE(Metric("shovel_rewinds_total"), 1);
}

TEST_F(ShovelTest, ShovelKilledAndRestartedLosesNothing) {
  Expected expected;
  StartShovel();
  std::thread producer(
      [&] { ProduceRange(producer_.get(), topic_, 0, 1500, &expected, "sk", 300); });
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_datapoints_delivered_total") > 200; }, 30s));
  shovel_.Signal(SIGKILL);
  shovel_.Wait(5s);
  StartShovel();
  producer.join();
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 120s));
}

TEST_F(ShovelTest, BrokerDownAndUpLosesNothing) {
  Expected expected;
  StartShovel();
  ProduceRange(producer_.get(), topic_, 0, 300, &expected, "brk");
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_datapoints_delivered_total") >= 300; }, 60s));
  ASSERT_TRUE(kafka_->SetBrokerDown(1, true).ok());
  std::this_thread::sleep_for(3s);
  ASSERT_TRUE(kafka_->SetBrokerDown(1, false).ok());
  ProduceRange(producer_.get(), topic_, 300, 600, &expected, "brk");
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 90s));
  EXPECT_TRUE(shovel_.running());
}

TEST_F(ShovelTest, HostileMessagesAreRejectedOrSkippedAndTheRestLands) {
  Expected expected;
  std::vector<std::string> rejected = {
      "{\"type\":\"slice\",\"ts\":1700000000,\"data\":{\"bad\xff\xfe\":{\"m\":1}}}",  // bad UTF-8
      R"({"type":"slice","ts":1700000000,"data":{"nan":{"m":NaN}}})",
      R"({"type":"slice","ts":1700000000,"data":{"inf":{"m":Infinity}}})",
      std::string(100000, '[') + std::string(100000, ']'),  // deep nesting, top level a list
      "{" + std::string(5000, '['),                         // truncated
      R"({"type":"slab","ts":1700000000,"data":{"x":{"m":1}}})",
      R"([{"type":"slice"}])",
      R"({"type":"slice","ts":1700000000,"data":{"a":{"m":1}})",  // missing brace
  };
  // Big messages. librdkafka's mock broker keeps at most 5 MiB per partition and drops older data
  // beyond that (DESIGN.md 2.6), so a 10 MB message cannot pass through it: the parser's unit
  // tests cover 10 MB; here a ~2.5 MB valid message (11,000 KpiEvent2 entries of one series)
  // must land whole across many frames, on a partition of its own.
  std::string big = R"({"type":"slice","ts":1.0,"slice_data":[)";
  for (int k = 0; k < 11000; ++k) {
    big += fmt::format(
        R"({}{{"metadata":{{"title":"hostile_big","ts":{},"device_id":"dev","logical_device_id":)"
        R"("ldev","serial_no":"sn","context":{{"port_no":"1","padding":"{}"}}}},)"
        R"("metrics":{{"v":{}}}}})",
        k ? "," : "", 1600000000 + k, std::string(60, 'p'), k);
    expected["hostile_big.dev." + std::string(60, 'p') + ".1.v"].insert({1600000000 + k, k});
  }
  big += "]}";
  ASSERT_GT(big.size(), 2u << 20);
  ASSERT_LT(big.size(), 5u << 20);
  // And one over --max-message-bytes (3 MiB here): rejected whole as too_large.
  std::string too_large = R"({"type":"slice","ts":1700000000,"data":{"x":{"m":1}},"pad":")" +
                          std::string(3200000, 'z') + "\"}";
  std::vector<std::string> partly = {
      // Values that must never be coerced, paths that must be sanitised.
      R"({"type":"slice","ts":1700000100,"data":{"hostile.s":{"str":"1","t":true,"n":null,"l":[1],"o":{},"ok":2}}})",
      R"({"type":"slice","ts":1700000100,"data":{"hostile.sp":{"with space":3,"new\nline":4,"a/b":5,"x..y":6}}})",
      R"({"type":"slice","ts":1700000100,"data":{"hostile.huge":{"big":1e300,"int":123456789012345678901234567890}}})",
      R"({"type":"slice","ts":"yesterday","data":{"hostile.badts":{"m":1}}})",
      "hostile.plain.ok 7 1700000100\nthis line is malformed\nhostile.plain.ok2 8 1700000100\n",
  };
  expected["hostile.s.ok"].insert({1700000100, 2});
  expected["hostile.sp.with_space"].insert({1700000100, 3});
  expected["hostile.sp.new_line"].insert({1700000100, 4});
  expected["hostile.sp.a_b"].insert({1700000100, 5});
  expected["hostile.sp.x.y"].insert({1700000100, 6});
  expected["hostile.huge.big"].insert({1700000100, 1e300});
  expected["hostile.huge.int"].insert({1700000100, 123456789012345678901234567890.0});
  expected["hostile.plain.ok"].insert({1700000100, 7});
  expected["hostile.plain.ok2"].insert({1700000100, 8});
  int i = 0;
  for (const auto& r : rejected) {
    producer_->Send(topic_, r, 0);
    producer_->Send(topic_, MixedMessage(i++, &expected, "hv"), 1);
  }
  for (const auto& p : partly) producer_->Send(topic_, p, 1);
  producer_->Send(topic_, big, 2);
  producer_->Send(topic_, too_large, 3);
  rejected.push_back(too_large);
  producer_->Flush();
  StartShovel({"--dead-letter-topic", "dead", "--max-message-bytes", "3145728"});
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 180s));
  EXPECT_TRUE(
      WaitFor([&] { return Metric("shovel_messages_rejected_total") >= rejected.size(); }, 10s));
  EXPECT_EQ(Metric("shovel_messages_rejected_total"), rejected.size());
  EXPECT_GE(Metric("shovel_datapoints_skipped_total"), 7);  // 5 non-numbers, bad ts, bad line
  std::vector<std::string> dead = ConsumeAll(kafka_->bootstrap(), "dead", rejected.size(), 30s);
  std::multiset<std::string> want(rejected.begin(), rejected.end());
  std::multiset<std::string> got(dead.begin(), dead.end());
  EXPECT_TRUE(got == want) << "the dead-letter topic must hold exactly the " << want.size()
                           << " rejected messages, unchanged; it holds " << got.size();
  EXPECT_TRUE(shovel_.running());
}

// A frame counts as delivered a grace period after carbon acknowledged it, each frame at its
// own moment. The main loop must sleep until then, not spin through the last fraction of a
// millisecond: with poll() timeouts rounded down it turned ~100-300 times per frame (and spent
// ~50 ms of CPU in the second after a benchmark drain) instead of about once.
TEST_F(ShovelTest, WaitingForFramesToBeDeliveredDoesNotSpin) {
  StartShovel();
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_rebalances_total") >= 1; }, 30s));
  Expected expected;
  const double before = Metric("shovel_loop_wakeups_total");
  const auto t0 = std::chrono::steady_clock::now();
  // 2 s at 30 messages/s: about one frame per message, each acknowledged at its own time.
  ProduceRange(producer_.get(), topic_, 0, 60, &expected, "spin", 30);
  size_t points = 0;
  for (const auto& [path, pts] : expected) points += pts.size();
  ASSERT_TRUE(WaitFor(
      [&] { return Metric("shovel_datapoints_delivered_total") >= static_cast<double>(points); },
      30s));
  const double wakeups = Metric("shovel_loop_wakeups_total") - before;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Expected: a turn or two per message (its arrival, acknowledgement, delivery)
  // plus ten idle turns a second: ~30/s here; rounding down gave 670-790/s.
  EXPECT_LT(wakeups / secs, 200) << wakeups << " loop turns in " << secs << " s";
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 60s));
}

TEST_F(ShovelTest, SigtermCommitsDeliveredOffsets) {
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 400, &expected, "term");
  StartShovel();
  ASSERT_TRUE(AllLanded(expected, carbon_.get(), 60s));
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_datapoints_delivered_total") >= 400; }, 10s));
  int st = shovel_.Stop(20s);
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
  // Same group: only messages produced after the stop may be consumed again.
  ProduceRange(producer_.get(), topic_, 400, 450, &expected, "term");
  StartShovel();
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 60s));
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_messages_consumed_total") >= 50; }, 20s));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(Metric("shovel_messages_consumed_total"), 50);
}

TEST_F(ShovelTest, SigtermWithKafkaDownStillExitsPromptly) {
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 100, &expected, "down");
  StartShovel();
  ASSERT_TRUE(AllLanded(expected, carbon_.get(), 60s));
  ASSERT_TRUE(kafka_->SetBrokerDown(1, true).ok());
  std::this_thread::sleep_for(1s);
  auto start = std::chrono::steady_clock::now();
  int st = shovel_.Stop(30s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s) << "SIGTERM must not wait on Kafka";
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

TEST_F(ShovelTest, SigtermRightAfterKafkaWentDownStillExitsPromptly) {
  // No pause between the two: shovel has not yet been told the brokers are gone (the error
  // event is still queued), so it must not trust its last view and wait on a group leave.
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 100, &expected, "gone");
  StartShovel();
  ASSERT_TRUE(AllLanded(expected, carbon_.get(), 60s));
  // Carbon gone too, with datapoints pending: shovel first waits out its shutdown timeout
  // without serving Kafka events, as when a whole host goes down.
  carbon_->Kill();
  ProduceRange(producer_.get(), topic_, 100, 200, &expected, "gone");
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_messages_consumed_total") >= 200; }, 30s));
  ASSERT_TRUE(kafka_->SetBrokerDown(1, true).ok());
  auto start = std::chrono::steady_clock::now();
  int st = shovel_.Stop(40s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s) << "SIGTERM must not wait on Kafka";
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

TEST_F(ShovelTest, SigtermWithMessagesStillPrefetchedLeavesCleanlyAndLosesNothing) {
  // SIGTERM mid-backlog: librdkafka's queue still holds prefetched messages, and the group
  // leave hands them to shovel's close loop (which once asserted inside librdkafka on them, in
  // CI). They were never delivered, so they are not committed: the next run delivers them.
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 20000, &expected, "pre");
  StartShovel();
  ASSERT_TRUE(WaitFor([&] { return Metric("shovel_messages_consumed_total") >= 100; }, 30s));
  int st = shovel_.Stop(40s);
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
  StartShovel();
  EXPECT_TRUE(AllLanded(expected, carbon_.get(), 120s));
}

TEST_F(ShovelTest, SeveralDestinationsRouteByCarbonConsistentHashing) {
  CarbonCache second;
  ASSERT_TRUE(second.Start().ok());
  Expected expected;
  ProduceRange(producer_.get(), topic_, 0, 400, &expected, "ring");
  std::vector<graphite::Destination> dests = {{"127.0.0.1", carbon_->pickle_port(), "a"},
                                              {"127.0.0.1", second.pickle_port(), "b"}};
  StartShovel({}, {dests[0].ToString(), dests[1].ToString()});
  graphite::ConsistentHashRing ring(dests);
  Expected first_part, second_part;
  for (const auto& [path, points] : expected) {
    (ring.Route(path) == 0 ? first_part : second_part)[path] = points;
  }
  ASSERT_FALSE(first_part.empty());
  ASSERT_FALSE(second_part.empty());
  EXPECT_TRUE(AllLanded(first_part, carbon_.get(), 60s));
  EXPECT_TRUE(AllLanded(second_part, &second, 60s));
  for (const auto& [path, points] : first_part) {
    EXPECT_FALSE(second.ReadSeries(path).ok()) << path << " also went to the other carbon";
  }
}

}  // namespace
}  // namespace vs::shovel::testing
