// envoyd: keeps an Envoy (or haproxy, nginx, ...) in step with the VOLTHA core assignment in
// Consul, etcd or a file (issue 4; docs/ENVOYD.md). `envoyd render TEMPLATE DATA.json` renders
// a template offline; `envoyd once` renders, validates and writes once.
#include <signal.h>

#include <cstdio>
#include <string>

#include "common/logging.h"
#include "common/signals.h"
#include "envoyd/daemon.h"
#include "envoyd/flags.h"
#include "tmpl/template.h"
#include "vs_version.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "render") {
    return vs::tmpl::RenderCommand(argc - 2, argv + 2);
  }
  auto opts = vs::envoyd::ParseFlags(argc, argv);
  if (!opts.ok()) {
    std::fprintf(stderr, "envoyd: %s\nRun 'envoyd --help' for usage.\n",
                 opts.status().message().c_str());
    return 2;
  }
  if (opts->help) {
    std::fputs(vs::envoyd::Usage().c_str(), stdout);
    return 0;
  }
  if (opts->version) {
    std::printf("envoyd %s\n", VS_VERSION);
    return 0;
  }
  if (auto st = vs::SetupLogging("envoyd", opts->log_level); !st.ok()) {
    std::fprintf(stderr, "envoyd: %s\n", st.message().c_str());
    return 2;
  }
  if (opts->subcommand == "once") return vs::envoyd::RunOnce(*opts);
  // Before any thread: every thread inherits the blocked mask; signals arrive via signalfd.
  vs::SignalWatcher signals({SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGCHLD});
  return vs::envoyd::RunDaemon(*opts, &signals);
}
