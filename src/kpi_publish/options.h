// kpi-publish's configuration and its command line (CLI11; every flag also reads an environment
// variable KPI_PUBLISH_<FLAG> with dashes as underscores, the flag winning over the variable).
// ParseFlags prints help, version and errors itself. Threads: call from main() only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kpi/json_writer.h"

namespace vs::kpi_publish {

struct Options {
  double interval_s = 15;
  kpi::Shape shape = kpi::Shape::kSeed;
  pid_t pid = 0;                           // 0: this process
  std::string instance_id;                 // empty: the host name
  std::string prefix = "voltha.internal";  // diagnostics go under <prefix>.<instance_id>
  std::string backlog_cmd;                 // prints the deferred count; empty: no deferreds
  double backlog_timeout_s = 5;
  bool host_metrics = true;
  std::string host_prefix;  // empty: voltha.host.<instance_id>
  int simulate_devices = 0;
  double rate = 0;  // simulated messages/s; 0: all devices per interval
  uint64_t sim_seed = 1;
  std::string kafka = "localhost:9092";  // bootstrap, or @service resolved through Consul
  std::string consul = "localhost:8500";
  std::string consul_token;
  std::string topic = "voltha.kpis";
  std::vector<std::string> kafka_opts;
  std::string kafka_config;
  size_t max_message_bytes = size_t{512} * 1024;
  std::string admin;  // host:port of /metrics /healthz /readyz; empty: off
  std::string log_level = "info";
  uint64_t iterations = 0;  // stop after this many intervals; 0: never
  double flush_timeout_s = 10;
};

struct ParsedFlags {
  std::optional<Options> options;  // set when the daemon should run
  int exit_code = 0;               // otherwise: 0 after --help/--version, 2 on a bad flag
};
ParsedFlags ParseFlags(int argc, const char* const* argv);

// The effective diagnostics and host prefixes (instance id defaulting to the host name).
std::string EffectiveInstanceId(const Options& o);
std::string DiagnosticsPrefix(const Options& o);
std::string HostPrefix(const Options& o);

}  // namespace vs::kpi_publish
