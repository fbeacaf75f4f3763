#include "envoyd/server_info.h"

#include <gtest/gtest.h>

#include <string>

namespace vs::envoyd {
namespace {

// Trimmed from a real Envoy 1.2x /server_info answer.
constexpr const char* kEnvoy = R"({
 "version": "c4c2f9d/1.27.0/Clean/RELEASE/BoringSSL",
 "state": "LIVE",
 "hot_restart_version": "11.104",
 "command_line_options": {
  "base_id": "0",
  "use_dynamic_base_id": false,
  "concurrency": 2,
  "config_path": "/etc/envoy/envoy.json",
  "restart_epoch": 3,
  "drain_time": "5s",
  "parent_shutdown_time": "10s",
  "mode": "Serve"
 },
 "node": {"id": "voltha", "user_agent_name": "envoy"},
 "uptime_current_epoch": "12s",
 "uptime_all_epochs": "3600s"
})";

TEST(ServerInfoTest, ParsesEnvoysAnswer) {
  auto i = ParseServerInfo(kEnvoy);
  ASSERT_TRUE(i.ok()) << i.status().ToString();
  EXPECT_EQ(i->state, "LIVE");
  EXPECT_EQ(i->restart_epoch, 3);
  EXPECT_TRUE(EpochIsLive(*i, 3));
  // The answer of epoch 3 says nothing about epoch 4 (a hot restart before its hand-over).
  EXPECT_FALSE(EpochIsLive(*i, 4));
  EXPECT_FALSE(EpochIsLive(*i, 2));
}

TEST(ServerInfoTest, OnlyLiveCounts) {
  for (const char* s : {"PRE_INITIALIZING", "INITIALIZING", "DRAINING", "live", ""}) {
    auto i = ParseServerInfo(std::string(R"({"state":")") + s +
                             R"(","command_line_options":{"restart_epoch":1}})");
    ASSERT_TRUE(i.ok()) << s;
    EXPECT_EQ(i->state, s);
    EXPECT_FALSE(EpochIsLive(*i, 1)) << s;
  }
}

TEST(ServerInfoTest, AbsentEpochIsZeroAsInProto3AndAStringEpochIsAccepted) {
  auto a = ParseServerInfo(R"({"state":"LIVE"})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->restart_epoch, 0);
  EXPECT_TRUE(EpochIsLive(*a, 0));
  EXPECT_FALSE(EpochIsLive(*a, 1));
  auto b = ParseServerInfo(R"({"state":"LIVE","command_line_options":{}})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->restart_epoch, 0);
  auto c = ParseServerInfo(R"({"state":"LIVE","command_line_options":{"restart_epoch":"7"}})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->restart_epoch, 7);
  auto m =
      ParseServerInfo(R"({"state":"LIVE","command_line_options":{"restart_epoch":4294967295}})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->restart_epoch, 4294967295);
}

TEST(ServerInfoTest, MalformedAnswersAreErrorsThatSayWhy) {
  struct Case {
    std::string body, want;
  } cases[] = {
      {"", "not valid JSON"},
      {"LIVE\n", "not valid JSON"},
      {R"({"state":"LIVE")", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"version":"x"})", "no string \"state\""},
      {R"({"state":1})", "no string \"state\""},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":-1}})", "not a non-negative"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":1.5}})", "not a non-negative"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":"1x"}})", "not a non-negative"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":""}})", "not a non-negative"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":null}})", "not a non-negative"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":4294967296}})", "out of range"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":"99999999999"}})",
       "out of range"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":"99999999999999999999999"}})",
       "out of range"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":"+1"}})", "not a non-negative"},
      {R"({"state":"LIVE","command_line_options":{"restart_epoch":" 1"}})", "not a non-negative"},
  };
  for (const auto& c : cases) {
    auto i = ParseServerInfo(c.body);
    ASSERT_FALSE(i.ok()) << c.body;
    EXPECT_EQ(i.status().code(), Code::kInvalidArgument) << c.body;
    EXPECT_NE(i.status().message().find(c.want), std::string::npos)
        << c.body << " -> " << i.status().ToString();
  }
}

TEST(ServerInfoTest, OversizedAnswerIsRefused) {
  std::string big = R"({"state":"LIVE","pad":")" + std::string(kMaxServerInfoBytes, 'x') + "\"}";
  auto i = ParseServerInfo(big);
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.status().code(), Code::kResourceExhausted);
}

}  // namespace
}  // namespace vs::envoyd
