// envoyd's command line: every flag of the original (DESIGN.md 1.2) with its meaning, plus the
// new ones of issue 4, in Go `flag` syntax: `-name v`, `-name=v`, `--name v`, `--name=v`;
// booleans take no value (`-disable-http`) or `=true/false`. Parsing stops at `--` or at the
// first non-flag word, which may be the subcommand `once` (flags may follow it too).
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vs::envoyd {

struct Options {
  // The store.
  std::string assignment_key = "service/voltha/data/core/assignment";
  std::string kv = "consul";  // consul, etcd, file
  std::string kv_svc_name = "consul";
  int kv_port = 8500;
  std::string kv_address;     // host:port, overrides kv-svc-name/kv-port resolution
  std::string kv_file;        // -kv file
  std::string kv_token_file;  // Consul token (else $CONSUL_HTTP_TOKEN); never a flag value
  std::string kv_ca_file, kv_cert_file, kv_key_file;
  bool kv_tls = false;
  // The cores.
  std::string vcore_svc_name = "vcore";
  int vcore_port = 50556;
  // Templates and files.
  std::string envoy_cfg_template = "/envoy/voltha-grpc-proxy.template.json";
  std::string envoy_cfg_template_no_http = "/envoy/voltha-grpc-proxy-no-http.template.json";
  std::string envoy_cfg_template_no_https = "/envoy/voltha-grpc-proxy-no-https.template.json";
  bool disable_http = false, disable_https = false;
  std::string envoy_config = "/envoy/voltha-grpc-proxy.json";
  std::string http_port = "8882", https_port = "8443", grpc_port = "50555";
  int retries = 10;
  int wait_time_s = 2;
  // Decisions and application.
  std::string mode = "restart";
  Duration wait_min{0}, wait_max{0};
  std::string validate_cmd;  // "" = default (envoy --mode validate -c {} in restart/eds modes)
  bool validate_cmd_set = false;
  std::string reload_cmd;
  std::vector<std::string> reload_args;
  Duration command_timeout = std::chrono::seconds(30);
  bool keep_backup = true;
  // Envoy.
  std::string envoy_bin;    // "" = envoy on PATH, else /usr/local/bin/envoy
  std::string envoy_admin;  // host:port of Envoy's admin, for /ready
  int base_id = 0;
  int drain_time_s = 5;
  int parent_shutdown_time_s = 10;
  std::vector<std::string> envoy_args;
  Duration epoch_grace = std::chrono::seconds(5);
  Duration epoch_timeout = std::chrono::seconds(60);  // not up by then: killed, retried
  Duration shutdown_timeout = std::chrono::seconds(10);
  std::string eds_file;  // "" = <dir of -envoy-config>/vcore-eds.json
  std::string eds_cluster = "vcore";
  // Daemon.
  std::string admin;  // host:port; off when empty
  std::string log_level = "info";
  // Result of parsing.
  bool help = false, version = false;
  std::string subcommand;  // "" or "once"
  std::vector<std::string> positional;
};

// Parses argv[1..argc) (argv[0] is the program). Errors name the flag.
StatusOr<Options> ParseFlags(int argc, const char* const* argv);
// The usage text for --help.
std::string Usage();
// Go-style durations: "300ms", "2s", "1m30s", "1h"; a bare number is seconds.
StatusOr<Duration> ParseDuration(const std::string& s);
// "-wait" values: "min:max" or "min" (then max = 4 * min, as consul-template).
Status ParseWait(const std::string& s, Duration* min, Duration* max);
// The template chosen by -disable-http/-disable-https (both set: the default one).
std::string ChosenTemplate(const Options& o);

}  // namespace vs::envoyd
