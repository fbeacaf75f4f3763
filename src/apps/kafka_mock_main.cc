// kafka-mock: librdkafka's mock cluster as a standalone broker for the demo, tests and
// benchmarks (DESIGN.md 2.6). Prints the bootstrap list, then serves until SIGTERM/SIGINT.
// SIGUSR1 takes every broker down, SIGUSR2 brings them back (for fault tests).
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "common/signals.h"
#include "kafka/mock_cluster.h"
#include "vs_version.h"

int main(int argc, char** argv) {
  vs::SignalWatcher signals({SIGTERM, SIGINT, SIGUSR1, SIGUSR2});
  CLI::App app{"kafka-mock: an in-memory Kafka cluster (librdkafka mock) on loopback"};
  int brokers = 1;
  std::vector<std::string> topics;
  std::string bootstrap_file;
  app.add_option("-b,--brokers", brokers, "number of brokers")->capture_default_str();
  app.add_option("-t,--topic", topics, "topic to create, as NAME or NAME:PARTITIONS (repeatable)");
  app.add_option("--bootstrap-file", bootstrap_file,
                 "write the bootstrap list here (atomically) once serving");
  app.set_version_flag("--version", VS_VERSION);
  CLI11_PARSE(app, argc, argv);

  auto mc = vs::kafka::MockCluster::Start(brokers);
  if (!mc.ok()) {
    std::fprintf(stderr, "kafka-mock: %s\n", mc.status().ToString().c_str());
    return 1;
  }
  for (const auto& t : topics) {
    auto colon = t.rfind(':');
    int parts = colon == std::string::npos ? 1 : std::atoi(t.c_str() + colon + 1);
    auto st = (*mc)->CreateTopic(t.substr(0, colon), parts > 0 ? parts : 1);
    if (!st.ok()) {
      std::fprintf(stderr, "kafka-mock: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  if (!bootstrap_file.empty()) {
    std::string tmp = bootstrap_file + ".tmp";
    std::ofstream(tmp) << (*mc)->bootstrap() << "\n";
    std::rename(tmp.c_str(), bootstrap_file.c_str());
  }
  std::printf("%s\n", (*mc)->bootstrap().c_str());
  std::fflush(stdout);
  for (;;) {
    pollfd p{signals.fd(), POLLIN, 0};
    poll(&p, 1, -1);
    int sig = signals.Read();
    if (sig == SIGTERM || sig == SIGINT) break;
    for (int id = 1; id <= brokers; ++id) {
      auto st = (*mc)->SetBrokerDown(id, sig == SIGUSR1);
      std::fprintf(stderr, "kafka-mock: broker %d %s: %s\n", id, sig == SIGUSR1 ? "down" : "up",
                   st.ToString().c_str());
    }
  }
  return 0;
}
