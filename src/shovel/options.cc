#include "shovel/options.h"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/cpu_affinity.h"
#include "kpi/path_rules.h"
#include "vs_version.h"

namespace vs::shovel {

ParseOutcome ParseOptions(int argc, const char* const* argv) {
  ParseOutcome out;
  Options& o = out.options;
  std::vector<std::string> hosts;
  int port = 0;
  std::string protocol = "pickle";
  CLI::App app{
      "shovel: moves KPI samples from a Kafka topic into Graphite carbon, at least once.\n"
      "Every option can also be set through the environment variable shown.",
      "shovel"};
  app.get_formatter()->column_width(34);
  app.add_option("-K,--kafka", o.kafka,
                 "Kafka bootstrap servers, or @NAME to look NAME up in Consul's catalog")
      ->envname("SHOVEL_KAFKA")
      ->capture_default_str();
  app.add_option("-c,--consul", o.consul, "Consul agent host:port, for -K @NAME")
      ->envname("SHOVEL_CONSUL")
      ->capture_default_str();
  app.add_option("-t,--topic", o.topic, "Kafka topic to consume")
      ->envname("SHOVEL_TOPIC")
      ->capture_default_str();
  app.add_option("-H,--host", hosts,
                 "carbon destination host[:port[:instance]]; repeat for several (each path goes "
                 "to one, by carbon_ch consistent hashing) [default: localhost]")
      ->envname("SHOVEL_HOST")
      ->delimiter(',');
  app.add_option("-p,--port", port,
                 "carbon port for destinations without one [default: 2004 pickle, 2003 plaintext]")
      ->envname("SHOVEL_PORT")
      ->check(CLI::Range(1, 65535));
  app.add_option("--protocol", protocol, "carbon protocol")
      ->envname("SHOVEL_PROTOCOL")
      ->check(CLI::IsMember({"pickle", "plaintext"}))
      ->capture_default_str();
  app.add_option("--group", o.group, "Kafka consumer group")
      ->envname("SHOVEL_GROUP")
      ->capture_default_str();
  app.add_option("--prefix", o.prefix, "path component(s) prepended to every metric")
      ->envname("SHOVEL_PREFIX");
  app.add_flag("--from-beginning", o.from_beginning,
               "when the group has no committed offset, start at the earliest message "
               "(default: the latest)")
      ->envname("SHOVEL_FROM_BEGINNING");
  app.add_option("--dead-letter-topic", o.dead_letter_topic,
                 "produce rejected messages, unchanged, to this topic")
      ->envname("SHOVEL_DEAD_LETTER_TOPIC");
  app.add_option("--admin", o.admin,
                 "serve /metrics, /healthz and /readyz on host:port (default: off)")
      ->envname("SHOVEL_ADMIN");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, critical, off")
      ->envname("SHOVEL_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--kafka-opt", o.kafka_opts,
                 "librdkafka property key=value (repeatable); keep secrets in --kafka-config")
      ->envname("SHOVEL_KAFKA_OPT");
  app.add_option("--kafka-config", o.kafka_config,
                 "file of librdkafka properties (key=value lines): TLS, SASL credentials")
      ->envname("SHOVEL_KAFKA_CONFIG");
  app.add_option("--max-frame-bytes", o.max_frame_bytes,
                 "largest frame sent to carbon (carbon drops frames over 1 MiB)")
      ->envname("SHOVEL_MAX_FRAME_BYTES")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 20))
      ->capture_default_str();
  app.add_option("--max-inflight-bytes", o.max_inflight_bytes,
                 "bytes held for carbon before consumption pauses")
      ->envname("SHOVEL_MAX_INFLIGHT_BYTES")
      ->check(CLI::Range(size_t{1} << 16, size_t{1} << 34))
      ->capture_default_str();
  app.add_option("--max-message-bytes", o.max_message_bytes,
                 "larger Kafka messages are rejected whole")
      ->envname("SHOVEL_MAX_MESSAGE_BYTES")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 31))
      ->capture_default_str();
  app.add_option("--grace", o.grace_s,
                 "seconds a connection must stay up after carbon's kernel acknowledged a frame "
                 "before the frame counts as delivered")
      ->envname("SHOVEL_GRACE")
      ->check(CLI::Range(0.0, 60.0))
      ->capture_default_str();
  app.add_option("--backoff-max", o.backoff_max_s, "cap of the reconnect backoff, seconds")
      ->envname("SHOVEL_BACKOFF_MAX")
      ->check(CLI::Range(0.1, 300.0))
      ->capture_default_str();
  app.add_option("--stats-interval", o.stats_interval_s,
                 "seconds between one-line summaries in the log (0: off)")
      ->envname("SHOVEL_STATS_INTERVAL")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  app.add_option("--shutdown-timeout", o.shutdown_timeout_s,
                 "seconds to keep delivering after SIGTERM before exiting")
      ->envname("SHOVEL_SHUTDOWN_TIMEOUT")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  std::string cpus;
  app.add_option("--cpus", cpus,
                 "run all of shovel's threads on these CPUs, e.g. 0 or 2-3 (taskset -c syntax; "
                 "default: any CPU)")
      ->envname("SHOVEL_CPUS");
  app.set_version_flag("--version", std::string("shovel ") + VS_VERSION);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    out.exit_code = app.exit(e);
    return out;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "shovel: %s (see --help)\n", e.what());
    out.exit_code = 2;
    return out;
  }
  if (!cpus.empty()) {
    auto list = ParseCpuList(cpus);
    if (!list.ok()) {
      std::fprintf(stderr, "shovel: --cpus: %s (see --help)\n", list.status().message().c_str());
      out.exit_code = 2;
      return out;
    }
    o.cpus = *list;
  }
  o.protocol =
      protocol == "plaintext" ? graphite::Protocol::kPlaintext : graphite::Protocol::kPickle;
  uint16_t default_port = port ? static_cast<uint16_t>(port)
                               : (o.protocol == graphite::Protocol::kPickle ? 2004 : 2003);
  if (hosts.empty()) hosts.push_back("localhost");
  for (const auto& h : hosts) {
    auto d = graphite::ParseDestination(h, default_port);
    if (!d.ok()) {
      std::fprintf(stderr, "shovel: -H %s: %s (see --help)\n", h.c_str(),
                   d.status().message().c_str());
      out.exit_code = 2;
      return out;
    }
    o.destinations.push_back(*d);
  }
  for (const auto& kv : o.kafka_opts) {
    if (auto p = kafka::ParseProperty(kv); !p.ok()) {
      std::fprintf(stderr, "shovel: --kafka-opt: %s (see --help)\n", p.status().message().c_str());
      out.exit_code = 2;
      return out;
    }
  }
  // The prefix is a path of its own: components of path bytes (kpi's rule), no empty ones.
  bool prefix_ok = o.prefix.empty() || (o.prefix.front() != '.' && o.prefix.back() != '.' &&
                                        o.prefix.find("..") == std::string::npos);
  for (char c : o.prefix) {
    prefix_ok = prefix_ok && (c == '.' || kpi::IsPathByte(static_cast<uint8_t>(c)));
  }
  if (!prefix_ok) {
    std::fprintf(stderr,
                 "shovel: --prefix '%s': use dot-separated components of [A-Za-z0-9_:#@%%+=-] "
                 "(see --help)\n",
                 o.prefix.c_str());
    out.exit_code = 2;
    return out;
  }
  if (o.kafka.empty() || o.kafka == "@" || o.topic.empty() || o.group.empty()) {
    std::fprintf(stderr, "shovel: --kafka, --topic and --group must not be empty (see --help)\n");
    out.exit_code = 2;
    return out;
  }
  out.run = true;
  return out;
}

}  // namespace vs::shovel
