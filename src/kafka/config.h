// librdkafka configuration from the command line: defaults, then a properties file
// (--kafka-config FILE: "key=value" lines, '#' comments; where TLS/SASL secrets belong),
// then --kafka-opt key=value overrides. Thread-compatible.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vs::kafka {

using Properties = std::vector<std::pair<std::string, std::string>>;

// Parses "key=value" (for --kafka-opt).
StatusOr<std::pair<std::string, std::string>> ParseProperty(const std::string& s);
// Reads a properties file; errors name the file and line.
StatusOr<Properties> ReadPropertiesFile(const std::string& path);

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
struct HandleDeleter {
  void operator()(rd_kafka_t* k) const { rd_kafka_destroy(k); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

// Builds a conf from `props` in order (later wins). Errors name the property.
StatusOr<ConfPtr> BuildConf(const Properties& props);

// Everything the daemons accept on their command line about Kafka.
struct ClientOptions {
  std::string bootstrap;          // already resolved (no '@')
  std::vector<std::string> opts;  // --kafka-opt key=value
  std::string config_file;        // --kafka-config
};
// defaults, then the file, then opts, then bootstrap.servers.
StatusOr<Properties> CollectProperties(const Properties& defaults, const ClientOptions& o);

}  // namespace vs::kafka
