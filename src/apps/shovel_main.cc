// shovel: Kafka KPI topic -> Graphite carbon, at least once. See docs/SHOVEL.md.
#include <malloc.h>
#include <signal.h>

#include <cstdio>

#include "common/cpu_affinity.h"
#include "common/logging.h"
#include "common/malloc_info.h"
#include "common/metrics.h"
#include "common/signals.h"
#include "shovel/options.h"
#include "shovel/shovel.h"
#include "vs_version.h"

#ifdef VS_JEMALLOC
// librdkafka's broker thread allocates every message and the main thread frees it. With glibc
// each such free and allocation takes the one arena lock, and the two threads contended for it:
// ~64,000 futex calls in a 2 M-datapoint drain, nearly all of them there. jemalloc frees into a
// per-thread cache and returns blocks in batches: ~400 futex calls, and whole-run CPU 11% lower
// (16 alternating rounds of bench/shovel/ab.sh, docs/PERFORMANCE.md). jemalloc reads this at its
// first allocation; MALLOC_CONF in the environment still overrides it. One arena, small thread
// caches and dirty pages purged within a second keep the 10x-backlog peak RSS at glibc's (58 MiB
// against 77 MiB with jemalloc's defaults).
extern "C" {
const char* malloc_conf = "narenas:1,tcache_max:4096,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#else
namespace {
void ConfigureGlibcMalloc() {
  // librdkafka allocates each fetch response (up to fetch.max.bytes) and we allocate carbon
  // frames in blocks far above glibc's 128 KiB mmap threshold: with the default, every such
  // block is a fresh mmap whose pages all fault in, about one fault per 4 KiB of Kafka data.
  // Served from the heap instead, freed blocks are reused. Memory stays bounded by the prefetch
  // and in-flight limits; the trim threshold only keeps that peak mapped instead of returning
  // and re-faulting it (docs/PERFORMANCE.md).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  // One arena for all threads: the broker thread's own arena grew one 4 KiB mprotect() at a
  // time, and frees across arenas contended (docs/PERFORMANCE.md).
  mallopt(M_ARENA_MAX, 1);
}
}  // namespace
#endif

int main(int argc, char** argv) {
#ifndef VS_JEMALLOC
  ConfigureGlibcMalloc();
#endif
  // Before any thread starts, so librdkafka's threads never take these signals.
  vs::SignalWatcher signals({SIGTERM, SIGINT, SIGHUP});
  vs::shovel::ParseOutcome parsed = vs::shovel::ParseOptions(argc, argv);
  if (!parsed.run) return parsed.exit_code;
  if (vs::Status st = vs::SetupLogging("shovel", parsed.options.log_level); !st.ok()) {
    std::fprintf(stderr, "shovel: %s (see --help)\n", st.message().c_str());
    return 2;
  }
  spdlog::info("shovel {} starting (malloc: {})", VS_VERSION, vs::DescribeMalloc());
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
