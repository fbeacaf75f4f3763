// Base64, the Consul KV answer parser, the etcd gateway parsers and the line splitter.
#include <gtest/gtest.h>

#include "kv/base64.h"
#include "kv/consul_catalog.h"
#include "kv/consul_watcher.h"
#include "kv/etcd_json.h"

namespace vs::kv {
namespace {

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 1) {
    std::string s = all.substr(0, n);
    auto dec = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(dec.ok()) << n;
    EXPECT_EQ(*dec, s);
  }
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64Encode("k1"), "azE=");
}

TEST(Base64, RejectsMalformedInput) {
  for (const char* bad : {"a", "abc", "ab=c", "a===", "====", "aGVs*G8=", "aG=a", "aGVsbG8=aGVs"}) {
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
  }
  EXPECT_TRUE(Base64Decode("").ok());
}

TEST(ConsulKvAnswer, ParsesValueNullValueAndEmptyArray) {
  auto obs = ParseConsulKvAnswer(
      R"([{"LockIndex":0,"Key":"a/b","Flags":0,"Value":"aGVsbG8=","CreateIndex":3,"ModifyIndex":9}])",
      "a/b");
  ASSERT_TRUE(obs.ok()) << obs.status().ToString();
  EXPECT_TRUE(obs->exists);
  EXPECT_EQ(obs->value, "hello");
  EXPECT_EQ(obs->version, "9");
  auto null_value = ParseConsulKvAnswer(R"([{"Key":"a/b","Value":null}])", "a/b");
  ASSERT_TRUE(null_value.ok());
  EXPECT_TRUE(null_value->exists);
  EXPECT_EQ(null_value->value, "");
  auto empty = ParseConsulKvAnswer("[]", "a/b");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->exists);
}

TEST(ConsulKvAnswer, RejectsHostileAnswers) {
  for (const char* bad : {"", "{}", "[", "null", R"([{"Key":"other","Value":"aGk="}])",
                          R"([{"Key":"a/b","Value":5}])", R"([{"Key":"a/b","Value":"!!!!"}])",
                          R"([{"Value":"aGk="}])"}) {
    EXPECT_FALSE(ParseConsulKvAnswer(bad, "a/b").ok()) << bad;
  }
}

TEST(ConsulCatalog, ServiceAddressFallsBackToAddress) {
  auto hps = ParseCatalogService(
      R"([{"Address":"10.0.0.1","ServiceAddress":"10.0.1.1","ServicePort":9092},)"
      R"({"Address":"10.0.0.2","ServiceAddress":"","ServicePort":9093},)"
      R"({"Address":"10.0.0.3","ServicePort":0},{"ServicePort":1}])",
      "kafka");
  ASSERT_TRUE(hps.ok()) << hps.status().ToString();
  EXPECT_EQ(JoinHostPorts(*hps), "10.0.1.1:9092,10.0.0.2:9093");
  EXPECT_EQ(ParseCatalogService("[]", "kafka").status().code(), Code::kNotFound);
  EXPECT_EQ(ParseCatalogService("{}", "kafka").status().code(), Code::kInvalidArgument);
}

TEST(ConsulKey, EscapesAllButPathAndUnreserved) {
  EXPECT_EQ(EscapeConsulKey("service/voltha/data/core/assignment"),
            "service/voltha/data/core/assignment");
  EXPECT_EQ(EscapeConsulKey("a b?c&d#%"), "a%20b%3Fc%26d%23%25");
}

// Answers captured from etcd 3.4.23's gateway.
constexpr char kRange[] =
    R"({"header":{"cluster_id":"15118495548433857066","member_id":"13668033151171901709","revision":"2","raft_term":"2"},"kvs":[{"key":"azE=","create_revision":"2","mod_revision":"2","version":"1","value":"aGVsbG8="}],"count":"1"})";
constexpr char kRangeMissing[] =
    R"({"header":{"cluster_id":"1","member_id":"1","revision":"7","raft_term":"2"}})";

TEST(EtcdRange, ParsesPresentAndMissingKeys) {
  auto r = ParseEtcdRange(kRange, "k1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->revision, 2);
  EXPECT_TRUE(r->obs.exists);
  EXPECT_EQ(r->obs.value, "hello");
  EXPECT_EQ(r->obs.version, "2");
  auto m = ParseEtcdRange(kRangeMissing, "k1");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->revision, 7);
  EXPECT_FALSE(m->obs.exists);
  // A key with an empty value: proto3 omits "value".
  auto e = ParseEtcdRange(R"({"header":{"revision":3},"kvs":[{"key":"azE=","mod_revision":"3"}]})",
                          "k1");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->obs.exists);
  EXPECT_EQ(e->obs.value, "");
}

TEST(EtcdRange, RejectsHostileAnswers) {
  for (const char* bad : {"", "[]", "{}", R"({"header":{}})", R"({"header":{"revision":"x"}})",
                          R"({"header":{"revision":"2"},"kvs":[{"key":"%%%%"}]})",
                          R"({"header":{"revision":"2"},"kvs":[5]})"}) {
    EXPECT_FALSE(ParseEtcdRange(bad, "k1").ok()) << bad;
  }
  auto err = ParseEtcdRange(R"({"error":"etcdserver: request timed out","code":14})", "k1");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), Code::kUnavailable);
  EXPECT_NE(err.status().message().find("request timed out"), std::string::npos);
}

TEST(EtcdWatch, ParsesCreatedPutDeleteAndCompaction) {
  auto created = ParseEtcdWatchMessage(
      R"({"result":{"header":{"cluster_id":"1","revision":"2","raft_term":"2"},"created":true}})",
      "k1");
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->revision, 2);
  EXPECT_TRUE(created->events.empty());

  auto events = ParseEtcdWatchMessage(
      R"({"result":{"header":{"revision":"4"},"events":[)"
      R"({"kv":{"key":"azE=","create_revision":"2","mod_revision":"3","version":"2"}},)"
      R"({"kv":{"key":"b3RoZXI=","mod_revision":"3","value":"eA=="}},)"
      R"({"type":"DELETE","kv":{"key":"azE=","mod_revision":"4"}}]}})",
      "k1");
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->events.size(), 2u);  // the other key is not ours
  EXPECT_TRUE(events->events[0].exists);
  EXPECT_EQ(events->events[0].value, "");
  EXPECT_EQ(events->events[0].version, "3");
  EXPECT_FALSE(events->events[1].exists);
  EXPECT_EQ(events->events[1].version, "4");

  auto compacted = ParseEtcdWatchMessage(
      R"({"result":{"header":{"cluster_id":"1","raft_term":"2"},"canceled":true,"compact_revision":"3"}})",
      "k1");
  ASSERT_TRUE(compacted.ok());
  EXPECT_TRUE(compacted->canceled);
  EXPECT_EQ(compacted->compact_revision, 3);
}

TEST(EtcdWatch, RejectsHostileMessages) {
  for (const char* bad :
       {"", "{", "[]", R"({"result":5})", R"({"nothing":1})", R"({"result":{"events":[{"kv":5}]}})",
        R"({"result":{"events":[{"type":"WHAT","kv":{"key":"azE="}}]}})",
        R"({"result":{"compact_revision":"abc"}})"}) {
    EXPECT_FALSE(ParseEtcdWatchMessage(bad, "k1").ok()) << bad;
  }
  auto err = ParseEtcdWatchMessage(
      R"({"error":"invalid character 'g'","message":"invalid character 'g'","code":2})", "k1");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), Code::kUnavailable);
}

TEST(LineSplitter, SplitsAtEveryChunkBoundary) {
  const std::string stream = "{\"a\":1}\r\n\n{\"b\":22}\n{\"c\":333}\n{\"partial";
  for (size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 3) {
      LineSplitter s;
      std::vector<std::string> lines;
      auto collect = [&](std::string_view l) {
        lines.emplace_back(l);
        return OkStatus();
      };
      ASSERT_TRUE(s.Feed(std::string_view(stream).substr(0, cut1), collect).ok());
      ASSERT_TRUE(s.Feed(std::string_view(stream).substr(cut1, cut2 - cut1), collect).ok());
      ASSERT_TRUE(s.Feed(std::string_view(stream).substr(cut2), collect).ok());
      ASSERT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":22}", "{\"c\":333}"}))
          << cut1 << " " << cut2;
      EXPECT_EQ(s.buffered(), std::string("{\"partial").size());
    }
  }
}

TEST(LineSplitter, BoundsLinesAndStopsOnError) {
  LineSplitter s(8);
  auto ok = [](std::string_view) { return OkStatus(); };
  EXPECT_FALSE(s.Feed("123456789", ok).ok());
  EXPECT_FALSE(s.Feed("12345\n", ok).ok() && s.Feed("6789abcdef\n", ok).ok());
  LineSplitter t;
  int calls = 0;
  Status st = t.Feed("a\nb\nc\n", [&](std::string_view) {
    ++calls;
    return InvalidArgument("stop");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace vs::kv
