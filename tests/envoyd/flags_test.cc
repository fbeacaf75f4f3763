#include "envoyd/flags.h"

#include <gtest/gtest.h>

#include <vector>

namespace vs::envoyd {
namespace {

StatusOr<Options> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "envoyd");
  return ParseFlags(static_cast<int>(args.size()), args.data());
}

TEST(Flags, DefaultsAreTheOriginals) {
  auto o = Parse({});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->assignment_key, "service/voltha/data/core/assignment");
  EXPECT_EQ(o->kv, "consul");
  EXPECT_EQ(o->kv_svc_name, "consul");
  EXPECT_EQ(o->kv_port, 8500);
  EXPECT_EQ(o->vcore_svc_name, "vcore");
  EXPECT_EQ(o->vcore_port, 50556);
  EXPECT_EQ(o->envoy_cfg_template, "/envoy/voltha-grpc-proxy.template.json");
  EXPECT_EQ(o->envoy_config, "/envoy/voltha-grpc-proxy.json");
  EXPECT_EQ(o->http_port, "8882");
  EXPECT_EQ(o->https_port, "8443");
  EXPECT_EQ(o->grpc_port, "50555");
  EXPECT_EQ(o->retries, 10);
  EXPECT_EQ(o->wait_time_s, 2);
  EXPECT_EQ(o->mode, "restart");
  EXPECT_EQ(o->wait_min, Duration(0));
  EXPECT_EQ(o->parent_shutdown_time_s, 10);
  EXPECT_EQ(o->shutdown_timeout, std::chrono::seconds(10));
  EXPECT_EQ(o->epoch_grace, std::chrono::seconds(5));
  EXPECT_EQ(o->epoch_timeout, std::chrono::seconds(60));
}

TEST(Flags, GoSyntaxForms) {
  auto o = Parse({"-kv", "etcd", "-kv-port=2379", "--vcore-port", "1234", "--grpc-port=7000",
                  "-disable-http", "-disable-https=false", "-assignment-key", "a/b"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->kv, "etcd");
  EXPECT_EQ(o->kv_port, 2379);
  EXPECT_EQ(o->vcore_port, 1234);
  EXPECT_EQ(o->grpc_port, "7000");
  EXPECT_TRUE(o->disable_http);
  EXPECT_FALSE(o->disable_https);
  EXPECT_EQ(o->assignment_key, "a/b");
}

TEST(Flags, OldConsulFlagsAreAcceptedAndIgnored) {
  auto o = Parse({"-consul-svc-nme", "consul", "-consul-port=8500", "-kv-svc-name", "kv"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->kv_svc_name, "kv");
  EXPECT_EQ(o->kv_port, 8500);
}

TEST(Flags, TemplateChoice) {
  auto o = Parse({"-envoy-cfg-template", "a", "-envoy-cfg-template-no-http", "b",
                  "-envoy-cfg-template-no-https", "c"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(ChosenTemplate(*o), "a");
  o->disable_http = true;
  EXPECT_EQ(ChosenTemplate(*o), "b");
  o->disable_https = true;
  EXPECT_EQ(ChosenTemplate(*o), "a");  // both set: the default template
  o->disable_http = false;
  EXPECT_EQ(ChosenTemplate(*o), "c");
}

TEST(Flags, Errors) {
  EXPECT_FALSE(Parse({"-nope"}).ok());
  EXPECT_FALSE(Parse({"-kv-port"}).ok());
  EXPECT_FALSE(Parse({"-kv-port", "x"}).ok());
  EXPECT_FALSE(Parse({"-kv-port", "70000"}).ok());
  EXPECT_FALSE(Parse({"-grpc-port", "0"}).ok());
  EXPECT_FALSE(Parse({"-kv", "zookeeper"}).ok());
  EXPECT_FALSE(Parse({"-kv", "file"}).ok());  // needs -kv-file
  EXPECT_FALSE(Parse({"-mode", "reload"}).ok());
  EXPECT_FALSE(Parse({"-mode", "command"}).ok());  // needs a reload command
  EXPECT_FALSE(Parse({"-wait", "5s:1s"}).ok());
  EXPECT_FALSE(Parse({"-disable-http=maybe"}).ok());
  EXPECT_FALSE(Parse({"stray"}).ok());
  auto e = Parse({"-bogus-flag"});
  EXPECT_NE(e.status().message().find("bogus-flag"), std::string::npos);
}

TEST(Flags, OnceSubcommandWithFlagsAfter) {
  auto o = Parse({"-kv", "file", "once", "-kv-file", "/x.json"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->subcommand, "once");
  EXPECT_EQ(o->kv_file, "/x.json");
}

TEST(Flags, WaitAndDurations) {
  auto o = Parse({"-wait", "2s:10s", "-shutdown-timeout", "1500ms", "-epoch-grace=1m30s",
                  "-epoch-timeout", "3s"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->wait_min, std::chrono::seconds(2));
  EXPECT_EQ(o->wait_max, std::chrono::seconds(10));
  EXPECT_EQ(o->shutdown_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(o->epoch_grace, std::chrono::seconds(90));
  EXPECT_EQ(o->epoch_timeout, std::chrono::seconds(3));
  Duration lo, hi;
  ASSERT_TRUE(ParseWait("500ms", &lo, &hi).ok());
  EXPECT_EQ(hi, std::chrono::seconds(2));  // consul-template: max = 4 * min
  EXPECT_EQ(*ParseDuration("3"), std::chrono::seconds(3));
  EXPECT_FALSE(ParseDuration("3x").ok());
  EXPECT_FALSE(ParseDuration("").ok());
}

TEST(Flags, CommandModeAndRepeatables) {
  auto o = Parse({"-mode", "command", "-reload-arg", "kill", "-reload-arg", "-USR2", "-envoy-arg",
                  "--log-level", "-envoy-arg", "debug", "-validate-cmd", ""});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->reload_args, (std::vector<std::string>{"kill", "-USR2"}));
  EXPECT_EQ(o->envoy_args, (std::vector<std::string>{"--log-level", "debug"}));
  EXPECT_TRUE(o->validate_cmd_set);
  EXPECT_EQ(o->validate_cmd, "");
}

TEST(Flags, HelpAndVersion) {
  EXPECT_TRUE(Parse({"--help"})->help);
  EXPECT_TRUE(Parse({"-h"})->help);
  EXPECT_TRUE(Parse({"--version"})->version);
  std::string u = Usage();
  for (const char* f : {"-assignment-key", "-consul-svc-nme", "-envoy-cfg-template-no-https",
                        "-wait", "-validate-cmd", "-reload-cmd", "-mode", "-admin"}) {
    EXPECT_NE(u.find(std::string(f) + " "), std::string::npos) << f;
  }
}

}  // namespace
}  // namespace vs::envoyd
