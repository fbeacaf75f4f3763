// MakeWatcher's validation, the -kv parsing, pacing from the original flags, and the store
// address resolution with an injected resolver.
#include <gtest/gtest.h>

#include <thread>

#include "kv/resolver.h"
#include "kv/watcher.h"

namespace vs::kv {
namespace {

using std::chrono::milliseconds;

TEST(Factory, ParsesStoreKinds) {
  EXPECT_EQ(*ParseStoreKind("consul"), StoreKind::kConsul);
  EXPECT_EQ(*ParseStoreKind("etcd"), StoreKind::kEtcd);
  EXPECT_EQ(*ParseStoreKind("file"), StoreKind::kFile);
  EXPECT_FALSE(ParseStoreKind("zookeeper").ok());
  EXPECT_FALSE(ParseStoreKind("").ok());
  EXPECT_STREQ(StoreKindName(StoreKind::kEtcd), "etcd");
}

TEST(Factory, ValidatesOptions) {
  WatcherOptions o;
  o.kind = StoreKind::kConsul;
  EXPECT_FALSE(MakeWatcher(o).ok()) << "no address";
  o.address = "127.0.0.1:8500";
  EXPECT_FALSE(MakeWatcher(o).ok()) << "no key";
  o.key = "k";
  EXPECT_TRUE(MakeWatcher(o).ok());
  o.max_requests_per_s = 0;
  EXPECT_FALSE(MakeWatcher(o).ok()) << "no rate";
  o.max_requests_per_s = 5;
  o.pacing.initial = Duration(0);
  EXPECT_FALSE(MakeWatcher(o).ok()) << "zero backoff would spin";
  o.pacing = Pacing{};
  o.kind = StoreKind::kEtcd;
  EXPECT_TRUE(MakeWatcher(o).ok());
  o.kind = StoreKind::kFile;
  EXPECT_FALSE(MakeWatcher(o).ok()) << "no file";
  o.file_path = "/tmp/";
  EXPECT_FALSE(MakeWatcher(o).ok()) << "a directory";
  o.file_path = "/tmp/assignment.json";
  EXPECT_TRUE(MakeWatcher(o).ok());
}

TEST(Factory, PacingFromTheOriginalFlags) {
  Pacing p = PacingFromFlags(10, 2);
  EXPECT_EQ(p.initial, Seconds(2));
  EXPECT_EQ(p.max, Seconds(20));
  Pacing z = PacingFromFlags(0, 0);  // nonsense flags still give a non-spinning loop
  EXPECT_GT(z.initial, Duration(0));
  EXPECT_GE(z.max, z.initial);
}

TEST(Resolver, RetriesUntilTheNameResolves) {
  int calls = 0;
  ResolveFn fake = [&](const std::string& host) -> StatusOr<std::vector<std::string>> {
    EXPECT_EQ(host, "consul");
    if (++calls <= 3) return Unavailable("resolve 'consul': Temporary failure");
    return std::vector<std::string>{"10.0.0.7", "10.0.0.8"};
  };
  std::vector<Status> errors;
  Pacing pacing{milliseconds(1), milliseconds(4)};
  std::stop_source never;
  auto hp = ResolveStoreAddress(
      "consul", 8500, never.get_token(), pacing, [&](const Status& s) { errors.push_back(s); },
      fake);
  ASSERT_TRUE(hp.ok()) << hp.status().ToString();
  EXPECT_EQ(hp->ToString(), "10.0.0.7:8500");
  EXPECT_EQ(calls, 4);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].message().find("Temporary failure"), std::string::npos);
}

TEST(Resolver, AnEmptyAnswerIsRetriedAndIPv6IsBracketed) {
  int calls = 0;
  ResolveFn fake = [&](const std::string&) -> StatusOr<std::vector<std::string>> {
    if (++calls == 1) return std::vector<std::string>{};
    return std::vector<std::string>{"fd00::1"};
  };
  std::stop_source never;
  auto hp = ResolveStoreAddress("etcd", 2379, never.get_token(), {milliseconds(1), milliseconds(1)},
                                {}, fake);
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->ToString(), "[fd00::1]:2379");
  EXPECT_EQ(calls, 2);
}

TEST(Resolver, NeverGivesUpButStops) {
  std::atomic<int> calls{0};
  ResolveFn fail = [&](const std::string&) -> StatusOr<std::vector<std::string>> {
    ++calls;
    return NotFound("no such host");
  };
  std::stop_source stop;
  StatusOr<HostPort> result = Internal("not run");
  std::thread t([&] {
    result = ResolveStoreAddress("consul", 8500, stop.get_token(),
                                 {milliseconds(1), milliseconds(20)}, {}, fail);
  });
  while (calls < 20) std::this_thread::sleep_for(milliseconds(5));  // polling a counter
  auto t0 = std::chrono::steady_clock::now();
  stop.request_stop();
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(500));
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kUnavailable);
}

TEST(Resolver, SystemResolverOnLiteralsAndHostsFile) {
  auto v4 = SystemResolve("127.0.0.1");
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  EXPECT_EQ(*v4, std::vector<std::string>{"127.0.0.1"});
  auto v6 = SystemResolve("::1");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->front(), "::1");
  auto local = SystemResolve("localhost");  // /etc/hosts: never leaves the machine
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_FALSE(local->empty());
}

}  // namespace
}  // namespace vs::kv
