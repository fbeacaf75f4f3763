// kpi-publish: process diagnostics, host metrics and simulated OLT counters to Kafka
// (issue 5; docs/KPI_PUBLISH.md). The daemon lives in src/kpi_publish.
#include <signal.h>

#include <cstdio>

#include "common/clock.h"
#include "common/logging.h"
#include "common/signals.h"
#include "kpi_publish/command.h"
#include "kpi_publish/daemon.h"
#include "kpi_publish/options.h"
#include "kpi_publish/proc.h"

int main(int argc, char** argv) {
  // Before any thread starts, so that librdkafka's threads inherit the blocked mask.
  vs::SignalWatcher signals({SIGTERM, SIGINT});
  auto flags = vs::kpi_publish::ParseFlags(argc, argv);
  if (!flags.options) return flags.exit_code;
  vs::Status st = vs::SetupLogging("kpi-publish", flags.options->log_level);
  if (!st.ok()) {
    std::fprintf(stderr, "kpi-publish: %s\n", st.ToString().c_str());
    return 2;
  }
  vs::kpi_publish::RealProcSource proc;
  vs::kpi_publish::RealCommandRunner runner;
  vs::kpi_publish::Daemon daemon(std::move(*flags.options), &proc, &runner, vs::RealClock::Get());
  return daemon.Run(signals.fd());
}
