// shovel: Kafka KPI topic -> Graphite carbon, at least once. See docs/SHOVEL.md.
#include <signal.h>

#include <cstdio>

#include "common/logging.h"
#include "common/metrics.h"
#include "common/signals.h"
#include "shovel/options.h"
#include "shovel/shovel.h"
#include "vs_version.h"

int main(int argc, char** argv) {
  // Before any thread starts, so librdkafka's threads never take these signals.
  vs::SignalWatcher signals({SIGTERM, SIGINT, SIGHUP});
  vs::shovel::ParseOutcome parsed = vs::shovel::ParseOptions(argc, argv);
  if (!parsed.run) return parsed.exit_code;
  if (vs::Status st = vs::SetupLogging("shovel", parsed.options.log_level); !st.ok()) {
    std::fprintf(stderr, "shovel: %s (see --help)\n", st.message().c_str());
    return 2;
  }
  spdlog::info("shovel {} starting", VS_VERSION);
  vs::Registry metrics;
  vs::shovel::Shovel shovel(std::move(parsed.options), &metrics);
  vs::Status st = shovel.Run(&signals);
  if (!st.ok()) {
    spdlog::critical("{}", st.ToString());
    return 1;
  }
  return 0;
}
