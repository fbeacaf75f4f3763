#include "common/net.h"

#include <gtest/gtest.h>

namespace vs {
namespace {

TEST(NetTest, ParseHostPort) {
  struct Case {
    std::string in;
    uint16_t def;
    bool ok;
    std::string host;
    uint16_t port;
  };
  for (const auto& c : std::vector<Case>{
           {"a:1", 0, true, "a", 1},
           {"a", 9, true, "a", 9},
           {"a", 0, false, "", 0},
           {"[::1]:80", 0, true, "::1", 80},
           {"::1", 5, true, "::1", 5},
           {"[::1", 5, false, "", 0},
           {"a:99999", 0, false, "", 0},
           {"a:x", 0, false, "", 0},
           {":80", 0, false, "", 0},
       }) {
    auto r = ParseHostPort(c.in, c.def);
    EXPECT_EQ(r.ok(), c.ok) << c.in;
    if (r.ok() && c.ok) {
      EXPECT_EQ(r->host, c.host) << c.in;
      EXPECT_EQ(r->port, c.port) << c.in;
    }
  }
  EXPECT_EQ((HostPort{"::1", 80}).ToString(), "[::1]:80");
  EXPECT_EQ((HostPort{"h", 80}).ToString(), "h:80");
}

TEST(NetTest, FreePort) {
  auto p = FreeLoopbackPort();
  ASSERT_TRUE(p.ok());
  EXPECT_GT(*p, 0);
}

}  // namespace
}  // namespace vs
