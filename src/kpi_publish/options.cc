#include "kpi_publish/options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "vs_version.h"

namespace vs::kpi_publish {

std::string EffectiveInstanceId(const Options& o) {
  if (!o.instance_id.empty()) return o.instance_id;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') return "unknown";
  std::string h = host;
  // A host name's dots would become Graphite levels.
  for (char& c : h) {
    if (c == '.') c = '_';
  }
  return h;
}

std::string DiagnosticsPrefix(const Options& o) { return o.prefix + "." + EffectiveInstanceId(o); }

std::string HostPrefix(const Options& o) {
  return o.host_prefix.empty() ? "voltha.host." + EffectiveInstanceId(o) : o.host_prefix;
}

namespace {

// CLI11's own number checks print the whole double range in their error; these say it plainly.
CLI::Validator NumberAtLeast(double min, bool strict) {
  return CLI::Validator(
      [min, strict](std::string& s) -> std::string {
        double v = 0;
        try {
          size_t used = 0;
          v = std::stod(s, &used);
          if (used != s.size()) return "'" + s + "' is not a number";
        } catch (...) {
          return "'" + s + "' is not a number";
        }
        if (strict ? !(v > min) : !(v >= min)) {
          return "'" + s + "' must be " + (strict ? "> " : ">= ") + fmt::format("{}", min);
        }
        return "";
      },
      strict ? "POSITIVE" : "NONNEGATIVE");
}

}  // namespace

ParsedFlags ParseFlags(int argc, const char* const* argv) {
  Options o;
  std::string shape = "seed";
  CLI::App app{
      "kpi-publish: publishes process diagnostics (rss-mb, open-fds, deferreds), host metrics "
      "and simulated OLT port counters as KPI samples to Kafka (the voltha.kpis contract)"};
  app.option_defaults()->always_capture_default();
  auto env = [](const char* name) { return std::string("KPI_PUBLISH_") + name; };
  app.add_option("--interval", o.interval_s, "seconds between publications")
      ->envname(env("INTERVAL"))
      ->check(NumberAtLeast(0, true));
  app.add_option("--shape", shape, "JSON shape: seed, kpievent or kpievent2")
      ->envname(env("SHAPE"))
      ->check(CLI::IsMember({"seed", "kpievent", "kpievent2"}));
  app.add_option("--pid", o.pid, "process to report on (0: kpi-publish itself)")
      ->envname(env("PID"))
      ->check(NumberAtLeast(0, false));
  app.add_option("--instance-id", o.instance_id,
                 "instance id in voltha.internal.<instance_id> (default: the host name)")
      ->envname(env("INSTANCE_ID"));
  app.add_option("--prefix", o.prefix, "path above the instance id")->envname(env("PREFIX"));
  app.add_option("--backlog-cmd", o.backlog_cmd,
                 "shell command printing the deferred-work count (published as deferreds)")
      ->envname(env("BACKLOG_CMD"));
  app.add_option("--backlog-timeout", o.backlog_timeout_s, "seconds the backlog command may take")
      ->envname(env("BACKLOG_TIMEOUT"))
      ->check(NumberAtLeast(0, true));
  app.add_option("--host-metrics", o.host_metrics, "publish host CPU, memory, load and network")
      ->envname(env("HOST_METRICS"));
  app.add_option("--host-prefix", o.host_prefix,
                 "path of the host metrics (default: voltha.host.<instance_id>)")
      ->envname(env("HOST_PREFIX"));
  app.add_option("--simulate-devices", o.simulate_devices,
                 "simulate N OLTs publishing KpiEvent2 PON/NNI/Ethernet port counters")
      ->envname(env("SIMULATE_DEVICES"))
      ->check(CLI::Range(0, 1000000));
  app.add_option("--rate", o.rate,
                 "simulated-device messages per second, one device each (0: every device once "
                 "per interval)")
      ->envname(env("RATE"))
      ->check(NumberAtLeast(0, false));
  app.add_option("--sim-seed", o.sim_seed, "random seed of the simulation")
      ->envname(env("SIM_SEED"));
  app.add_option("-K,--kafka", o.kafka, "Kafka bootstrap servers, or @service to look up in Consul")
      ->envname(env("KAFKA"));
  app.add_option("-c,--consul", o.consul, "Consul agent host:port (for -K @service)")
      ->envname(env("CONSUL"));
  app.add_option("--consul-token", o.consul_token, "Consul ACL token")
      ->envname(env("CONSUL_TOKEN"));
  app.add_option("-t,--topic", o.topic, "Kafka topic")->envname(env("TOPIC"));
  app.add_option("--kafka-opt", o.kafka_opts, "librdkafka property key=value (repeatable)")
      ->envname(env("KAFKA_OPT"));
  app.add_option("--kafka-config", o.kafka_config,
                 "librdkafka properties file (key=value lines; put TLS/SASL secrets here)")
      ->envname(env("KAFKA_CONFIG"));
  app.add_option("--max-message-bytes", o.max_message_bytes, "largest Kafka message written")
      ->envname(env("MAX_MESSAGE_BYTES"))
      ->check(CLI::Range(size_t{256}, size_t{64} << 20));
  app.add_option("--admin", o.admin, "host:port serving /metrics /healthz /readyz (off if empty)")
      ->envname(env("ADMIN"));
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, critical or off")
      ->envname(env("LOG_LEVEL"));
  app.add_option("--iterations", o.iterations,
                 "stop after this many intervals (0: run until "
                 "SIGTERM)")
      ->envname(env("ITERATIONS"));
  app.add_option("--flush-timeout", o.flush_timeout_s,
                 "seconds to wait on shutdown for outstanding messages")
      ->envname(env("FLUSH_TIMEOUT"))
      ->check(NumberAtLeast(0, false));
  app.set_version_flag("--version", std::string("kpi-publish ") + VS_VERSION);

  ParsedFlags r;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    r.exit_code = app.exit(e);
    return r;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "kpi-publish: %s (see --help)\n", e.what());
    r.exit_code = 2;
    return r;
  }
  o.shape = *kpi::ParseShape(shape);
  r.options = std::move(o);
  return r;
}

}  // namespace vs::kpi_publish
