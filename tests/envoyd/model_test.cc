#include "envoyd/model.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

namespace vs::envoyd {
namespace {

std::vector<std::string> Rr(const std::string& json) {
  auto a = ParseAssignment(json, 50556);
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? std::vector<std::string>(a->rr.begin(), a->rr.end())
                : std::vector<std::string>{"<error>"};
}

TEST(ParseAssignment, DesignExample) {
  auto a = ParseAssignment(R"({"0001": {"id": "vcore_vcore.1.q3l0", "host": "172.29.19.4"},
      "0002": {"id": "vcore_vcore.2.8m8v", "host": "172.29.19.5"}, "0003": null})",
                           50556);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(std::vector<std::string>(a->rr.begin(), a->rr.end()),
            (std::vector<std::string>{"172.29.19.4:50556", "172.29.19.5:50556"}));
  ASSERT_EQ(a->cores.size(), 2u);
  EXPECT_EQ(a->cores[0].slot, "0001");
  EXPECT_EQ(a->cores[0].id, "vcore_vcore.1.q3l0");
  EXPECT_EQ(a->cores[1].host, "172.29.19.5");
  EXPECT_EQ(a->cores[1].port, 50556);
  EXPECT_EQ(a->skipped, 1u);
}

TEST(ParseAssignment, SortedBytewiseAndDeduplicated) {
  EXPECT_EQ(Rr(R"({"0003":{"host":"10.0.0.9"},"0001":{"host":"10.0.0.10"},
                  "0002":{"host":"10.0.0.9"},"0004":{"host":"b.example"}})"),
            (std::vector<std::string>{"10.0.0.10:50556", "10.0.0.9:50556", "b.example:50556"}));
}

TEST(ParseAssignment, NeverBorrowsAnotherEntrysHost) {
  // The original reused the previous entry's host for an entry without one.
  auto a = ParseAssignment(R"({"0001":{"id":"a","host":"10.0.0.1"},"0002":{"id":"b"}})", 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(std::vector<std::string>(a->rr.begin(), a->rr.end()),
            (std::vector<std::string>{"10.0.0.1:1"}));
  EXPECT_EQ(a->skipped, 1u);
  EXPECT_EQ(a->warnings.size(), 1u);
}

TEST(ParseAssignment, Ipv6InBrackets) {
  EXPECT_EQ(Rr(R"({"0001":{"host":"fd00::1"},"0002":{"host":"[fd00::2]"}})"),
            (std::vector<std::string>{"[fd00::1]:50556", "[fd00::2]:50556"}));
}

TEST(ParseAssignment, EmptyObjectIsEmptyNotError) {
  auto a = ParseAssignment("{}", 1);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->cores.empty());
  auto b = ParseAssignment(R"({"0001":null,"0002":null})", 1);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->cores.empty());
  EXPECT_EQ(b->skipped, 2u);
}

struct Hostile {
  const char* name;
  std::string json;
  bool parses;   // ParseAssignment returns ok
  size_t cores;  // valid entries when it parses
};

TEST(ParseAssignment, HostileValuesTable) {
  const std::vector<Hostile> cases = {
      {"quote in host", R"({"0001":{"host":"1.2.3.4\", \"x\": \"y"}})", true, 0},
      {"newline in host", R"({"0001":{"host":"1.2.3.4\nlisteners"}})", true, 0},
      {"space in host", R"({"0001":{"host":"1.2.3.4 5"}})", true, 0},
      {"template braces", R"({"0001":{"host":"{{.VolthaVip}}"}})", true, 0},
      {"nul byte", R"({"0001":{"host":"1.2.3.4\u0000"}})", true, 0},
      {"empty host", R"({"0001":{"host":""}})", true, 0},
      {"host is number", R"({"0001":{"host":1234}})", true, 0},
      {"host is list", R"({"0001":{"host":["1.2.3.4"]}})", true, 0},
      {"host is object", R"({"0001":{"host":{"ip":"1.2.3.4"}}})", true, 0},
      {"entry is string", R"({"0001":"1.2.3.4"})", true, 0},
      {"entry is number", R"({"0001":7})", true, 0},
      {"entry is list", R"({"0001":[1,2]})", true, 0},
      {"bad ipv6", R"({"0001":{"host":"fd00:::zz"}})", true, 0},
      {"leading dash", R"({"0001":{"host":"-oProxyCommand"}})", true, 0},
      {"id wrong type keeps host", R"({"0001":{"id":5,"host":"1.2.3.4"}})", true, 1},
      {"one good one bad", R"({"0001":{"host":"1.2.3.4"},"0002":{"host":"a b"}})", true, 1},
      {"top-level list", R"([{"host":"1.2.3.4"}])", false, 0},
      {"top-level string", R"("1.2.3.4")", false, 0},
      {"top-level null", "null", false, 0},
      {"truncated", R"({"0001":{"host":"1.2.3.4")", false, 0},
      {"empty input", "", false, 0},
      {"trailing garbage", R"({} x)", false, 0},
      {"invalid utf8", "{\"0001\":{\"host\":\"\xff\xfe\"}}", false, 0},
  };
  for (const auto& c : cases) {
    auto a = ParseAssignment(c.json, 50556);
    EXPECT_EQ(a.ok(), c.parses) << c.name << ": " << a.status().ToString();
    if (a.ok()) {
      EXPECT_EQ(a->cores.size(), c.cores) << c.name;
      for (const auto& core : a->cores) EXPECT_TRUE(ValidHost(core.host)) << c.name;
    }
  }
}

TEST(ParseAssignment, HugeListIsFineUpToTheLimit) {
  std::string json = "{";
  for (int i = 0; i < 20000; ++i) {
    if (i) json += ",";
    char slot[16];
    std::snprintf(slot, sizeof(slot), "%05x", i);
    json += std::string("\"") + slot + "\":{\"id\":\"c" + std::to_string(i) + "\",\"host\":\"10." +
            std::to_string(i / 65536) + "." + std::to_string((i / 256) % 256) + "." +
            std::to_string(i % 256) + "\"}";
  }
  json += "}";
  auto a = ParseAssignment(json, 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->rr.size(), 20000u);
  EXPECT_TRUE(std::is_sorted(a->rr.begin(), a->rr.end()));
}

// The address sort works on 16-byte keys: check it against a plain sort of std::string for
// hosts of every length (short, exactly 16 bytes with the port, long names), IPv6 and duplicates.
TEST(ParseAssignment, AddressOrderIsAPlainBytewiseSort) {
  const std::vector<std::string> hosts = {"10.0.0.1",
                                          "10.0.0.10",
                                          "10.0.0.1",
                                          "1.2.3.4",
                                          "a",
                                          "ab",
                                          "a.b",
                                          "fd00::1",
                                          "fd00::10",
                                          "::1",
                                          "Z.example.org",
                                          "very-long-host-name-beyond-sixteen.example",
                                          "very-long-host-name-beyond-sixteen.exa",
                                          "very-long-host-name-beyond-sixteen.example",
                                          "b",
                                          "10.0.0.100",
                                          "100.0.0.1"};
  for (uint16_t port : {1, 50556, 65535}) {
    std::string json = "{";
    std::vector<std::string> want;
    for (size_t i = 0; i < hosts.size(); ++i) {
      if (i) json += ",";
      json += "\"" + std::to_string(1000 + i) + "\":{\"host\":\"" + hosts[i] + "\"}";
      Core c;
      c.host = hosts[i];
      c.port = port;
      want.push_back(c.Address());
    }
    json += "}";
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    auto a = ParseAssignment(json, port);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(std::vector<std::string>(a->rr.begin(), a->rr.end()), want) << port;
    ASSERT_EQ(a->rr_core.size(), a->rr.size());
    for (size_t i = 0; i < a->rr.size(); ++i) {
      EXPECT_EQ(a->cores[a->rr_core[i]].Address(), a->rr[i]);
    }
  }
}

// Found by the fuzzer: hosts long next to the rest of the JSON made the arena grow while an
// address was being copied from it (use after free under ASan).
TEST(ParseAssignment, LongHostsAndKeys) {
  std::string json = "{";
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    std::string host =
        (i % 2 ? "fd00::" + std::to_string(i)
               : std::string(200, static_cast<char>('a' + i % 26)) + std::to_string(i));
    if (i) json += ",";
    json += "\"" + std::string(100, 'k') + std::to_string(i) + "\":{\"host\":\"" + host + "\"}";
    want.push_back(host.find(':') != std::string::npos ? "[" + host + "]:50556" : host + ":50556");
  }
  json += "}";
  auto a = ParseAssignment(json, 50556);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::sort(want.begin(), want.end());
  EXPECT_EQ(std::vector<std::string>(a->rr.begin(), a->rr.end()), want);
  auto b = ParseAssignment(R"({"0001":{"host":"fd2222222222222222222222222222222222222222220"},)"
                           R"("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00@(ost":{"host":"[::1]"},)"
                           R"("002":{"host":"fdccc8cccccccccccccccccccccccc222222200"}})",
                           50556);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->rr.size(), 3u);
}

TEST(ParseAssignment, OverLimitsIsAnError) {
  std::string big(kMaxAssignmentBytes + 1, ' ');
  EXPECT_EQ(ParseAssignment(big, 1).status().code(), Code::kResourceExhausted);
  std::string many = "{";
  for (size_t i = 0; i <= kMaxCores; ++i) {
    if (i) many += ",";
    many += "\"" + std::to_string(i) + "\":null";
  }
  many += "}";
  EXPECT_EQ(ParseAssignment(many, 1).status().code(), Code::kResourceExhausted);
}

TEST(TemplateDataJson, IsValidJsonWithEveryVariable) {
  auto a = ParseAssignment(R"({"0002":{"id":"q\"x","host":"10.0.0.2"},"0001":{"host":"fd00::1"}})",
                           50556);
  ASSERT_TRUE(a.ok());
  TemplateData d{"10.9.9.9:50556", "10.9.9.9", 50556, "8882", "8443", "50555", "/e/eds.json", &*a};
  std::string json = TemplateDataJson(d);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_FALSE(p.parse(json).get(doc)) << json;
  EXPECT_EQ(std::string_view(doc["VolthaVip"]), "10.9.9.9:50556");
  EXPECT_EQ(std::string_view(doc["VolthaRR"].at(0)), "10.0.0.2:50556");
  EXPECT_EQ(std::string_view(doc["VolthaRR"].at(1)), "[fd00::1]:50556");
  EXPECT_EQ(std::string_view(doc["GrpcPort"]), "50555");
  EXPECT_EQ(std::string_view(doc["VipHost"]), "10.9.9.9");
  EXPECT_EQ(int64_t(doc["VipPort"]), 50556);
  EXPECT_EQ(std::string_view(doc["Cores"].at(0)["Slot"]), "0001");
  EXPECT_EQ(std::string_view(doc["Cores"].at(1)["Id"]), "q\"x");
  EXPECT_EQ(int64_t(doc["Cores"].at(1)["Port"]), 50556);
}

TEST(EdsResponseJson, OneEndpointPerUniqueAddress) {
  auto a = ParseAssignment(R"({"1":{"host":"10.0.0.2"},"2":{"host":"10.0.0.1"},
                              "3":{"host":"10.0.0.2"}})",
                           7);
  ASSERT_TRUE(a.ok());
  std::string json = EdsResponseJson(*a, "vcore", "v1");
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_FALSE(p.parse(json).get(doc)) << json;
  auto res = doc["resources"].at(0);
  EXPECT_EQ(std::string_view(res["@type"]),
            "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment");
  EXPECT_EQ(std::string_view(res["cluster_name"]), "vcore");
  auto eps = res["endpoints"].at(0)["lb_endpoints"].get_array();
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(std::string_view(eps.at(0)["endpoint"]["address"]["socket_address"]["address"]),
            "10.0.0.1");
  EXPECT_EQ(int64_t(eps.at(1)["endpoint"]["address"]["socket_address"]["port_value"]), 7);
}

TEST(ResolveFirstAddress, LiteralsResolveToThemselvesNormalized) {
  auto resolve = [](const std::string& name) {
    auto r = ResolveFirstAddress(name);
    return r.ok() ? *r : r.status().ToString();
  };
  EXPECT_EQ(resolve("10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(resolve("::1"), "::1");
  EXPECT_EQ(resolve("fd00:0:0::0001"), "fd00::1");
  auto local = ResolveFirstAddress("localhost");  // /etc/hosts: no query leaves the machine
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_TRUE(*local == "127.0.0.1" || *local == "::1") << *local;
}

TEST(Digest, StableAndSensitive) {
  EXPECT_EQ(Digest("abc"), Digest("abc"));
  EXPECT_NE(Digest("abc"), Digest("abd"));
  EXPECT_EQ(Digest("").size(), 16u);
  // XXH64 reference values (seed 0), covering the short path and the 32-byte stripes.
  EXPECT_EQ(Digest(""), "ef46db3751d8e999");
  EXPECT_EQ(Digest("a"), "d24ec4f1a98c6e5b");
  EXPECT_EQ(Digest("abc"), "44bc2cf5ad770999");
  EXPECT_EQ(Digest("Nobody inspects the spammish repetition"), "fbcea83c8a378bf1");
}

}  // namespace
}  // namespace vs::envoyd
