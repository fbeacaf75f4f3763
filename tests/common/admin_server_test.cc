#include "common/admin_server.h"

#include <gtest/gtest.h>

#include "common/http_client.h"

namespace vs {
namespace {

TEST(AdminServerTest, ServesHandlersAnd404) {
  AdminServer s;
  s.Handle("/healthz", [] { return HttpReply{200, "text/plain", "ok\n"}; });
  s.Handle("/readyz", [] { return HttpReply{503, "text/plain", "not ready\n"}; });
  ASSERT_TRUE(s.Start("127.0.0.1:0").ok());
  std::string base = "http://127.0.0.1:" + std::to_string(s.port());
  auto r = HttpCall({.url = base + "/healthz?verbose=1"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
  r = HttpCall({.url = base + "/readyz"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  r = HttpCall({.url = base + "/nope"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  s.Stop();
  EXPECT_FALSE(HttpCall({.url = base + "/healthz"}).ok());
}

TEST(AdminServerTest, BadAddress) {
  AdminServer s;
  EXPECT_FALSE(s.Start("nonsense").ok());
}

}  // namespace
}  // namespace vs
