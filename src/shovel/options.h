// shovel's command line: the original flags (-K -c -t -H -p) plus the new ones, each with an
// environment variable (SHOVEL_<NAME>). Parse() never exits the process: it returns what the
// caller must do (run, or exit with a code after printing help/version/error).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graphite/encoder.h"
#include "graphite/hashing.h"
#include "kafka/config.h"

namespace vs::shovel {

struct Options {
  std::string kafka = "localhost:9092";  // '@name': resolved via Consul's catalog
  std::string consul = "localhost:8500";
  std::string topic = "voltha.kpis";
  std::vector<graphite::Destination> destinations;  // from -H (repeatable) and -p
  graphite::Protocol protocol = graphite::Protocol::kPickle;
  std::string group = "shovel";
  std::string prefix;
  bool from_beginning = false;
  std::string dead_letter_topic;
  std::string admin;  // empty: off
  std::string log_level = "info";
  std::vector<std::string> kafka_opts;
  std::string kafka_config;
  size_t max_frame_bytes = 256 * 1024;
  size_t max_inflight_bytes = 8 * 1024 * 1024;
  size_t max_message_bytes = 16 * 1024 * 1024;
  double grace_s = 1.0;
  double backoff_max_s = 5.0;
  double stats_interval_s = 60.0;
  double commit_interval_s = 0.2;
  double shutdown_timeout_s = 10.0;
  std::vector<int> cpus;  // --cpus: run every thread on these CPUs; empty: anywhere
};

struct ParseOutcome {
  bool run = false;  // false: exit with exit_code (help, version, or an error already printed)
  int exit_code = 0;
  Options options;
};

ParseOutcome ParseOptions(int argc, const char* const* argv);

}  // namespace vs::shovel
