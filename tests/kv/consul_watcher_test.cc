// The Consul watcher against tests/fakes/fake_consul (a real HTTP server on loopback).
#include "kv/consul_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include "fakes/fake_consul.h"
#include "kv/recorder.h"
#include "test_common/subprocess.h"

namespace vs::kv {
namespace {

using std::chrono::milliseconds;
using testing::Recorder;
using vs::testing::FakeConsul;
using vs::testing::WaitFor;

constexpr char kKey[] = "service/voltha/data/core/assignment";
constexpr auto kTimeout = milliseconds(10000);

class ConsulWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(consul_.Start().ok()); }

  WatcherOptions Options() {
    WatcherOptions o;
    o.kind = StoreKind::kConsul;
    o.address = consul_.address();
    o.key = kKey;
    o.consul_wait = milliseconds(2000);
    o.pacing.initial = milliseconds(50);
    o.pacing.max = milliseconds(200);
    o.max_requests_per_s = 100;
    o.request_burst = 100;
    return o;
  }
  std::unique_ptr<Watcher> Make(const WatcherOptions& o) {
    auto w = MakeWatcher(o);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return std::move(*w);
  }
  // GETs of the watched key, in the order they were answered.
  std::vector<FakeConsul::Request> Gets() {
    std::vector<FakeConsul::Request> out;
    for (auto& r : consul_.requests()) {
      if (r.method == "GET") out.push_back(r);
    }
    return out;
  }

  FakeConsul consul_;
};

TEST_F(ConsulWatcherTest, ReadsThenBlocksOnTheAnsweredIndexWithWait) {
  consul_.Put(kKey, "v1");
  auto w = Make(Options());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
  ASSERT_TRUE(WaitFor([&] { return consul_.blocked() == 1; }, kTimeout));
  uint64_t before = consul_.index();
  consul_.Put(kKey, "v2");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v2"); }, kTimeout));
  rec.Stop();

  auto gets = Gets();
  ASSERT_GE(gets.size(), 2u);
  EXPECT_EQ(gets[0].params.count("index"), 0u) << "the first read carries no index";
  EXPECT_EQ(gets[0].path, std::string("/v1/kv/") + kKey);
  // The blocking query used the index of the previous answer, with wait.
  EXPECT_EQ(gets[1].params.at("index"), std::to_string(before));
  EXPECT_EQ(gets[1].params.at("wait"), "2000ms");
  EXPECT_EQ(gets[1].index, before + 1);
  for (size_t i = 1; i < gets.size(); ++i) {
    EXPECT_EQ(gets[i].params.at("index"), std::to_string(gets[i - 1].index)) << i;
  }
  EXPECT_TRUE(rec.errors().empty());
  auto values = rec.values();
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[1].version, std::to_string(before + 1));
}

TEST_F(ConsulWatcherTest, MissingKeyIs404WithIndexAndBlocksOnIt) {
  auto w = Make(Options());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  ASSERT_TRUE(WaitFor([&] { return consul_.blocked() == 1; }, kTimeout));
  auto gets = Gets();
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].status, 404);
  uint64_t idx = gets[0].index;
  EXPECT_GT(idx, 0u);

  consul_.Put(kKey, "hello");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "hello"); }, kTimeout));
  gets = Gets();
  ASSERT_GE(gets.size(), 2u);
  EXPECT_EQ(gets[1].params.at("index"), std::to_string(idx));
  consul_.Delete(kKey);
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  consul_.Put(kKey, "again");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "again"); }, kTimeout));
  EXPECT_EQ(rec.values().size(), 4u);
  EXPECT_TRUE(rec.errors().empty());
}

TEST_F(ConsulWatcherTest, AnIndexMoveWithoutChangeIsNotReported) {
  consul_.Put(kKey, "same");
  auto w = Make(Options());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "same"); }, kTimeout));
  ASSERT_TRUE(WaitFor([&] { return consul_.blocked() == 1; }, kTimeout));
  consul_.Put("other/key", "x");  // moves the index, wakes the query
  consul_.Put(kKey, "same");      // rewrites the same bytes
  uint64_t idx = consul_.index();
  ASSERT_TRUE(WaitFor(
      [&] {
        auto g = Gets();
        return !g.empty() && g.back().index == idx && consul_.blocked() == 1;
      },
      kTimeout));
  EXPECT_EQ(rec.values().size(), 1u);
}

TEST_F(ConsulWatcherTest, IndexGoingBackwardsCausesOneReadWithoutIndex) {
  consul_.Put(kKey, "v1");
  consul_.SetIndex(100);
  auto o = Options();
  o.consul_wait = milliseconds(300);  // the query on the old index returns after the wait
  auto w = Make(o);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
  ASSERT_TRUE(WaitFor([&] { return consul_.blocked() == 1; }, kTimeout));
  size_t before = Gets().size();
  consul_.SetIndex(5);      // a restored snapshot: the index is lower now
  consul_.Put(kKey, "v2");  // index 6
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v2"); }, kTimeout));
  ASSERT_TRUE(WaitFor([&] { return Gets().size() >= before + 3; }, kTimeout));
  auto gets = Gets();
  // The query on index 100 came back with 6; then a read without index; then blocking on 6.
  EXPECT_EQ(gets[before].params.at("index"), "100");
  EXPECT_EQ(gets[before].index, 6u);
  EXPECT_EQ(gets[before + 1].params.count("index"), 0u);
  EXPECT_EQ(gets[before + 2].params.at("index"), "6");
  consul_.Put(kKey, "v3");  // index 7: seen at once, not after the wait
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v3"); }, milliseconds(250)));
  EXPECT_TRUE(rec.errors().empty());
}

TEST_F(ConsulWatcherTest, NeverBlocksOnIndexZero) {
  consul_.SetIndex(0);
  auto o = Options();
  o.consul_wait = milliseconds(200);
  auto w = Make(o);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  ASSERT_TRUE(WaitFor([&] { return Gets().size() >= 4; }, kTimeout));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return Gets().size() >= 6; }, kTimeout));
  auto took = std::chrono::steady_clock::now() - start;
  rec.Stop();
  auto gets = Gets();
  EXPECT_EQ(gets[0].params.count("index"), 0u);
  for (size_t i = 1; i < gets.size(); ++i) {
    EXPECT_EQ(gets[i].params.at("index"), "1") << "request " << i;
  }
  // Blocking on 1 (not 0) makes each query wait: two queries take about 2 waits.
  EXPECT_GE(took, milliseconds(300));
}

TEST_F(ConsulWatcherTest, ServerErrorsAreReportedAndRetriedWithBackoff) {
  consul_.Put(kKey, "v1");
  consul_.FailNext(3, 500);
  auto o = Options();
  o.pacing.initial = milliseconds(100);
  o.pacing.max = milliseconds(400);
  auto w = Make(o);
  auto t0 = std::chrono::steady_clock::now();
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
  auto took = std::chrono::steady_clock::now() - t0;
  auto errors = rec.errors();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].message().find("HTTP 500"), std::string::npos) << errors[0].ToString();
  // Backoff: at least 50 + 100 + 200 ms (the lower halves of 100, 200, 400).
  EXPECT_GE(took, milliseconds(350));
  // After the errors, the loop blocks normally again.
  consul_.Put(kKey, "v2");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v2"); }, kTimeout));
  EXPECT_EQ(rec.errors().size(), 3u);
}

TEST_F(ConsulWatcherTest, AnswerWithoutIndexHeaderIsAnError) {
  consul_.Put(kKey, "v1");
  consul_.OmitIndexHeader(true);
  auto w = Make(Options());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.errors().size() >= 2; }, kTimeout));
  EXPECT_TRUE(rec.values().empty());
  EXPECT_NE(rec.errors()[0].message().find("X-Consul-Index"), std::string::npos);
  consul_.OmitIndexHeader(false);
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
}

TEST_F(ConsulWatcherTest, SlowAnswersAreWaitedForAndStopStillInterrupts) {
  consul_.Put(kKey, "v1");
  consul_.SetDelay(milliseconds(400));
  auto w = Make(Options());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
  consul_.Put(kKey, "v2");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v2"); }, kTimeout));
  EXPECT_TRUE(rec.errors().empty());
  // A new slow answer is pending now (the delay applies after every change).
  consul_.SetDelay(milliseconds(5000));
  consul_.Put(kKey, "v3");
  ASSERT_TRUE(WaitFor([&] { return consul_.blocked() == 0; }, kTimeout));
  auto stop_took = rec.Stop();
  EXPECT_LT(stop_took, milliseconds(1000));
}

TEST_F(ConsulWatcherTest, StopInterruptsALongBlockingQuery) {
  consul_.Put(kKey, "v1");
  auto o = Options();
  o.consul_wait = std::chrono::minutes(5);
  auto w = Make(o);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
  ASSERT_TRUE(WaitFor([&] { return consul_.blocked() == 1; }, kTimeout));
  auto took = rec.Stop();
  EXPECT_LT(took, milliseconds(1000));
  consul_.Stop();  // answers (and so records) the abandoned query
  auto gets = Gets();
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(gets[1].params.at("wait"), "300000ms");
}

TEST_F(ConsulWatcherTest, StopDuringBackoffReturnsPromptly) {
  consul_.FailNext(1000, 503);
  auto o = Options();
  o.pacing.initial = std::chrono::seconds(30);
  o.pacing.max = std::chrono::seconds(60);
  auto w = Make(o);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.errors().size() == 1; }, kTimeout));
  EXPECT_LT(rec.Stop(), milliseconds(1000));
}

TEST_F(ConsulWatcherTest, TokenFromFileIsSentAsHeaderAndRereadWhenRotated) {
  consul_.RequireToken("s3cret");
  consul_.Put(kKey, "v1");
  vs::testing::TempDir dir;
  std::string token_file = dir.File("token");
  vs::testing::WriteFile(token_file, "s3cret\n");
  auto o = Options();
  o.token_file = token_file;
  auto w = Make(o);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
  // Rotation: the old token is refused (403 is reported), the new file is picked up.
  consul_.RequireToken("rotated");
  consul_.Put(kKey, "v2");
  ASSERT_TRUE(WaitFor([&] { return !rec.errors().empty(); }, kTimeout));
  EXPECT_NE(rec.errors()[0].message().find("HTTP 403"), std::string::npos);
  vs::testing::WriteFile(token_file, "rotated");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v2"); }, kTimeout));
  for (const auto& r : Gets()) {
    EXPECT_EQ(r.params.count("token"), 0u) << "the token never goes in the URL";
  }
}

TEST_F(ConsulWatcherTest, TokenMissingIs403AndNeverAValue) {
  consul_.RequireToken("s3cret");
  consul_.Put(kKey, "v1");
  auto w = Make(Options());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.errors().size() >= 2; }, kTimeout));
  EXPECT_TRUE(rec.values().empty());
  for (const auto& r : Gets()) EXPECT_EQ(r.status, 403);
}

TEST_F(ConsulWatcherTest, TokenFromEnvironment) {
  consul_.RequireToken("from-env");
  consul_.Put(kKey, "v1");
  // Read by the constructor; no other thread of this process reads the environment now.
  setenv("CONSUL_HTTP_TOKEN", "from-env", 1);
  auto w = Make(Options());
  unsetenv("CONSUL_HTTP_TOKEN");
  auto got = w->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->value, "v1");
  EXPECT_EQ(Gets().back().token, "from-env");
}

TEST_F(ConsulWatcherTest, TokenFilePrecedence) {
  consul_.RequireToken("from-file");
  consul_.Put(kKey, "v1");
  vs::testing::TempDir dir;
  vs::testing::WriteFile(dir.File("token"), " from-file\n");
  // CONSUL_HTTP_TOKEN_FILE is used when nothing else is given...
  setenv("CONSUL_HTTP_TOKEN_FILE", dir.File("token").c_str(), 1);
  auto from_env_file = Make(Options());
  // ...and an explicit token file wins over CONSUL_HTTP_TOKEN.
  setenv("CONSUL_HTTP_TOKEN", "wrong", 1);
  auto o = Options();
  o.token_file = dir.File("token");
  auto explicit_file = Make(o);
  unsetenv("CONSUL_HTTP_TOKEN");
  unsetenv("CONSUL_HTTP_TOKEN_FILE");
  for (Watcher* w : {from_env_file.get(), explicit_file.get()}) {
    auto got = w->Get();
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->value, "v1");
  }
  // A token file that cannot be read is an error, not an anonymous request.
  o.token_file = dir.File("missing");
  auto broken = Make(o)->Get();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("token file"), std::string::npos);
}

TEST_F(ConsulWatcherTest, RateLimitBoundsTheLoopWhenTheIndexKeepsMoving) {
  consul_.Put(kKey, "v0");
  auto o = Options();
  o.max_requests_per_s = 4;
  o.request_burst = 2;
  auto w = Make(o);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; !done; ++i) {
      consul_.Put("other/key", std::to_string(i));  // every query returns at once
      std::this_thread::sleep_for(milliseconds(2));
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v0"); }, kTimeout));
  std::this_thread::sleep_for(milliseconds(1500));  // measuring a rate, not synchronising
  rec.Stop();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  done = true;
  writer.join();
  // burst + rate * time, plus one in flight.
  EXPECT_LE(static_cast<double>(Gets().size()), 2 + 4 * secs + 1);
  EXPECT_GE(Gets().size(), 4u);
}

TEST_F(ConsulWatcherTest, RawModeGetsTheBareValue) {
  consul_.Put(kKey, "{\"0001\": null}");
  auto o = Options();
  o.consul_raw = true;
  auto w = Make(o);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "{\"0001\": null}"); }, kTimeout));
  EXPECT_EQ(Gets()[0].params.count("raw"), 1u);
}

TEST_F(ConsulWatcherTest, GetReadsOnceWithoutIndex) {
  auto w = Make(Options());
  auto missing = w->Get();
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->exists);
  consul_.Put(kKey, std::string("bin\0ary", 7));
  auto got = w->Get();
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->exists);
  EXPECT_EQ(got->value, std::string("bin\0ary", 7));
  EXPECT_EQ(got->version, std::to_string(consul_.index()));
  for (const auto& r : Gets()) EXPECT_EQ(r.params.count("index"), 0u);
}

TEST_F(ConsulWatcherTest, TlsOptionsSwitchToHttps) {
  // The fake speaks plain HTTP: a TLS handshake against it must fail, and be retried.
  auto o = Options();
  o.tls.ca_file = "/nonexistent/ca.pem";
  auto w = Make(o);
  auto got = w->Get();
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("https://127.0.0.1"), std::string::npos)
      << got.status().ToString();
  EXPECT_TRUE(Gets().empty());
}

}  // namespace
}  // namespace vs::kv
