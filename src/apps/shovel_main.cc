// shovel: Kafka KPI topic -> Graphite carbon, at least once. See docs/SHOVEL.md.
#include <malloc.h>
#include <signal.h>

#include <cstdio>

#include "common/cpu_affinity.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/signals.h"
#include "shovel/options.h"
#include "shovel/shovel.h"
#include "vs_version.h"

int main(int argc, char** argv) {
  // librdkafka allocates each fetch response (up to fetch.max.bytes) and we allocate carbon
  // frames in blocks far above glibc's 128 KiB mmap threshold: with the default, every such
  // block is a fresh mmap whose pages all fault in, about one fault per 4 KiB of Kafka data.
  // Served from the heap instead, freed blocks are reused. Memory stays bounded by the prefetch
  // and in-flight limits; the trim threshold only keeps that peak mapped instead of returning
  // and re-faulting it (docs/PERFORMANCE.md).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  // One arena for all threads: librdkafka's broker thread allocates every message and the main
  // thread frees it. The broker thread's own arena grew one 4 KiB mprotect() at a time, and
  // frees across arenas contended: a 2 M-datapoint drain made 5,172 mprotect and 15,043 futex
  // calls with it, none and 745 without (strace; docs/PERFORMANCE.md).
  mallopt(M_ARENA_MAX, 1);
  // Before any thread starts, so librdkafka's threads never take these signals.
  vs::SignalWatcher signals({SIGTERM, SIGINT, SIGHUP});
  vs::shovel::ParseOutcome parsed = vs::shovel::ParseOptions(argc, argv);
  if (!parsed.run) return parsed.exit_code;
  if (vs::Status st = vs::SetupLogging("shovel", parsed.options.log_level); !st.ok()) {
    std::fprintf(stderr, "shovel: %s (see --help)\n", st.message().c_str());
    return 2;
  }
  spdlog::info("shovel {} starting", VS_VERSION);
  if (!parsed.options.cpus.empty()) {
    // Before librdkafka starts its threads, so that they inherit it.
    if (vs::Status st = vs::PinToCpus(parsed.options.cpus); !st.ok()) {
      std::fprintf(stderr, "shovel: --cpus: %s\n", st.ToString().c_str());
      return 2;
    }
  }
  vs::Registry metrics;
  vs::shovel::Shovel shovel(std::move(parsed.options), &metrics);
  vs::Status st = shovel.Run(&signals);
  if (!st.ok()) {
    spdlog::critical("{}", st.ToString());
    return 1;
  }
  return 0;
}
