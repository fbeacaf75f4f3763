#include "graphite/hashing.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "graphite/md5.h"
#include "test_common/subprocess.h"

namespace vs::graphite {
namespace {

std::string HexDigest(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (uint8_t c : Md5(s)) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

TEST(Md5Test, Rfc1321Vectors) {
  EXPECT_EQ(HexDigest(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexDigest("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(HexDigest("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(HexDigest("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(HexDigest("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(HexDigest("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(HexDigest("1234567890123456789012345678901234567890123456789012345678901234567890"
                      "1234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
  EXPECT_EQ(Md5Prefix16("abc"), 0x9001u);
}

TEST(Md5Test, AllLengthsAgainstPythonHashlib) {
  // Lengths 0..200 cover every padding case (55/56/63/64 bytes and multi-block).
  std::string cmd =
      "/usr/bin/python3 -c \"import hashlib\nfor n in range(201): "
      "print(hashlib.md5(bytes((i * 7 + n) % 256 for i in range(n))).hexdigest())\"";
  int rc = -1;
  std::istringstream in(testing::Run(cmd, &rc));
  ASSERT_EQ(rc, 0);
  std::string line;
  for (int n = 0; n <= 200; ++n) {
    ASSERT_TRUE(std::getline(in, line));
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>((i * 7 + n) % 256);
    EXPECT_EQ(HexDigest(s), line) << n;
  }
}

TEST(DestinationTest, Parse) {
  auto d = ParseDestination("127.0.0.1", 2004);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "127.0.0.1");
  EXPECT_EQ(d->port, 2004);
  EXPECT_EQ(d->instance, "");
  EXPECT_EQ(d->ToString(), "127.0.0.1:2004");

  d = ParseDestination("carbon-a:2104:b", 2004);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "carbon-a");
  EXPECT_EQ(d->port, 2104);
  EXPECT_EQ(d->instance, "b");
  EXPECT_EQ(d->ToString(), "carbon-a:2104:b");

  d = ParseDestination("[::1]:2005:x", 2004);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->port, 2005);
  EXPECT_EQ(d->instance, "x");
  EXPECT_EQ(d->ToString(), "[::1]:2005:x");

  d = ParseDestination("[fe80::1]", 2003);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "fe80::1");
  EXPECT_EQ(d->port, 2003);

  d = ParseDestination("h:1:a:b", 2004);  // carbon: instance = rest after the port
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->instance, "a:b");

  for (const char* bad :
       {"", ":2004", "h:", "h:0", "h:70000", "h:x", "h:1:", "[::1", "[::1]x", "[]:1", "h:-1"}) {
    auto r = ParseDestination(bad, 2004);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
      EXPECT_NE(r.status().message().find(std::string("\"") + bad + "\""), std::string::npos)
          << r.status().message();
    }
  }
}

TEST(DestinationTest, RandomInputsNeverCrashAndRoundTrip) {
  std::mt19937_64 rng(17);
  const std::string alphabet = "ab1:[]::09.-x";
  size_t parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    int n = rng() % 12;
    for (int k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
    auto d = ParseDestination(s, 2004);
    if (!d.ok()) continue;
    ++parsed;
    EXPECT_FALSE(d->host.empty()) << s;
    EXPECT_NE(d->port, 0) << s;
    // ToString gives a string that parses back to the same destination (if the host has no
    // ']' , which brackets could not carry).
    if (d->host.find_first_of("[]") != std::string::npos) continue;
    auto back = ParseDestination(d->ToString(), 1);
    ASSERT_TRUE(back.ok()) << s << " -> " << d->ToString();
    EXPECT_EQ(back->host, d->host) << s;
    EXPECT_EQ(back->port, d->port) << s;
    EXPECT_EQ(back->instance, d->instance) << s;
  }
  EXPECT_GT(parsed, 500u);
}

TEST(DestinationTest, NodeKeyAndDuplicates) {
  EXPECT_EQ(CarbonNodeKey({"127.0.0.1", 2004, ""}), "('127.0.0.1', None)");
  EXPECT_EQ(CarbonNodeKey({"10.0.0.1", 2004, "a"}), "('10.0.0.1', 'a')");
  EXPECT_EQ(CarbonNodeKey({"it's", 1, "q\"'"}), "(\"it's\", 'q\"\\'')");
  EXPECT_TRUE(CheckDestinations({{"a", 1, ""}, {"a", 2, "x"}, {"b", 1, ""}}).ok());
  // Same (host, instance) on another port is still a duplicate for carbon.
  EXPECT_FALSE(CheckDestinations({{"a", 1, ""}, {"a", 2, ""}}).ok());
  EXPECT_FALSE(CheckDestinations({}).ok());
}

TEST(RingTest, StructureMatchesCarbon) {
  ConsistentHashRing ring({{"127.0.0.1", 2004, ""}, {"127.0.0.2", 2004, "a"}});
  ASSERT_EQ(ring.ring().size(), 200u);
  for (size_t i = 1; i < ring.ring().size(); ++i) {
    EXPECT_LT(ring.ring()[i - 1].first, ring.ring()[i].first);  // unique after bumping
  }
  // Worked by hand in Python: md5("('127.0.0.1', None):0")[:4].
  uint32_t p0 = Md5Prefix16("('127.0.0.1', None):0");
  bool found = false;
  for (auto& e : ring.ring()) found |= (e.first == p0 && e.second == 0);
  EXPECT_TRUE(found);
}

std::string RandomPath(std::mt19937_64& rng) {
  static const std::vector<std::string> pieces = {
      "voltha",           "kpi",      "rx_bytes", "olt",          "\xc3\xa9t\xc3\xa9",
      "port-1",           "x",        "ONU:12",   "\xe4\xb8\xad", "tx_packets",
      "000115929ed71696", "Ethernet", "#@%+="};
  std::string p;
  int n = 1 + rng() % 6;
  for (int i = 0; i < n; ++i) {
    if (i) p += '.';
    p += pieces[rng() % pieces.size()];
    if (rng() % 2) p += std::to_string(rng() % 100000);
  }
  if (rng() % 20 == 0) p += std::string(rng() % 200, 'z');  // multi-block md5
  return p;
}

// Compares Route() with carbon's own ConsistentHashRing for each list of destinations over
// `paths` (one Python process for all lists).
void CompareWithCarbon(const std::vector<std::vector<std::string>>& lists,
                       const std::vector<std::string>& paths) {
  std::string input = std::to_string(lists.size()) + "\n";
  for (const auto& list : lists) {
    for (const auto& s : list) input += s + " ";
    input += "\n";
  }
  for (const auto& p : paths) input += p + "\n";
  testing::TempDir dir;
  testing::WriteFile(dir.File("in.txt"), input);
  int rc = -1;
  std::string out = testing::Run("/usr/bin/python3 " + testing::SourceDir() +
                                     "/tests/graphite/carbon_ch_oracle.py " + dir.File("in.txt"),
                                 &rc);
  ASSERT_EQ(rc, 0) << out;
  std::istringstream in(out);
  for (const auto& list : lists) {
    std::vector<Destination> dests;
    std::string name;
    for (const auto& s : list) {
      auto d = ParseDestination(s, 2004);
      ASSERT_TRUE(d.ok()) << s;
      dests.push_back(*d);
      name += s + " ";
    }
    SCOPED_TRACE(name);
    ConsistentHashRing ring(dests);
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    std::istringstream want(line);
    std::vector<size_t> per_dest(dests.size());
    for (size_t i = 0; i < paths.size(); ++i) {
      size_t carbon_index = 0;
      ASSERT_TRUE(want >> carbon_index) << i;
      size_t got = ring.Route(paths[i]);
      ASSERT_EQ(got, carbon_index) << "path " << paths[i];
      per_dest[got]++;
    }
    // With thousands of paths every destination gets some: a ring that routed everything to
    // one destination would not pass this even if carbon agreed by accident.
    for (size_t n : per_dest) EXPECT_GT(n, paths.size() / (dests.size() * 4));
  }
}

TEST(RingTest, RouteMatchesCarbonConsistentHashRing) {
  std::mt19937_64 rng(42);
  std::vector<std::string> paths;
  for (int i = 0; i < 5000; ++i) paths.push_back(RandomPath(rng));
  const std::vector<std::string> plain = {"127.0.0.1:2004", "127.0.0.2:2004", "10.1.2.3:2104",
                                          "carbon-b:2004", "[::1]:2204"};
  const std::vector<std::string> with_instances = {"127.0.0.1:2004:a", "127.0.0.1:2104:b",
                                                   "127.0.0.1:2204:c", "10.0.0.9:2004:cache-1",
                                                   "10.0.0.9:2104:2"};
  std::vector<std::vector<std::string>> lists;
  for (size_t n = 1; n <= 5; ++n) {
    lists.emplace_back(plain.begin(), plain.begin() + n);
    lists.emplace_back(with_instances.begin(), with_instances.begin() + n);
  }
  // Mixed, and an order that differs from above (insertion order decides collisions).
  lists.push_back({"127.0.0.1:2004:a", "127.0.0.1:2004", "[::1]:2004:z"});
  lists.push_back({plain[4], plain[3], plain[2], plain[1], plain[0]});
  CompareWithCarbon(lists, paths);
}

TEST(RingTest, CollisionsAreBumpedLikeCarbon) {
  // Many destinations make position collisions certain (20 * 100 replicas in 65536 slots).
  std::vector<std::string> dests;
  for (int i = 0; i < 20; ++i) dests.push_back("10.0.0." + std::to_string(i) + ":2004");
  ConsistentHashRing ring([&] {
    std::vector<Destination> d;
    for (const auto& s : dests) d.push_back(*ParseDestination(s, 2004));
    return d;
  }());
  // Bumped entries exist: some position is not the md5 prefix of any replica key.
  std::set<uint32_t> raw;
  for (int i = 0; i < 20; ++i) {
    for (int r = 0; r < 100; ++r) {
      raw.insert(Md5Prefix16("('10.0.0." + std::to_string(i) + "', None):" + std::to_string(r)));
    }
  }
  EXPECT_LT(raw.size(), 2000u);
  std::mt19937_64 rng(5);
  std::vector<std::string> paths;
  for (int i = 0; i < 3000; ++i) paths.push_back(RandomPath(rng));
  CompareWithCarbon({dests}, paths);
}

TEST(RouteCacheTest, SameAnswersAsRouteAndBounded) {
  std::vector<Destination> dests;
  for (int i = 0; i < 4; ++i) dests.push_back({"10.0.0." + std::to_string(i), 2004, ""});
  ConsistentHashRing ring(dests);
  RouteCache cache(&ring, 100);
  std::mt19937_64 rng(9);
  std::vector<std::string> paths;
  for (int i = 0; i < 300; ++i) paths.push_back(RandomPath(rng));
  for (int round = 0; round < 3; ++round) {
    for (const auto& p : paths) {
      ASSERT_EQ(cache.Route(p), ring.Route(p)) << p;
      EXPECT_LE(cache.size(), 100u);
    }
  }
  EXPECT_GT(cache.size(), 0u);
}

}  // namespace
}  // namespace vs::graphite
