// envoyd wired together (issue 4): flags -> store watcher thread -> Engine on the loop thread
// -> Supervisor/commands, plus the admin server and signals.
//
// Threads: the store watcher runs on its own thread (it blocks in the store's long poll) and
// hands observations to the loop through a mutex-guarded queue and an eventfd; everything else
// (engine, supervisor, child pipes, signals) runs on the loop thread; the admin server has its
// own thread and reads only thread-safe snapshots and metrics.
//
// Error policy: store, DNS, render, validation, write and reload failures are expected: they
// are counted, logged at warn and retried; the config in force and the running Envoy are kept.
// Only bad flags or an unreadable/unparsable template at startup end the process (exit 2).
// SIGTERM/SIGINT: graceful stop (children SIGTERM, SIGKILL after -shutdown-timeout), exit 0.
// SIGHUP: re-render and re-apply (restart mode: a new epoch). SIGUSR1: forwarded to Envoy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "envoyd/engine.h"
#include "envoyd/flags.h"
#include "envoyd/model.h"
#include "tmpl/value.h"

namespace vs {
class SignalWatcher;
}

namespace vs::envoyd {

// The template data as a tmpl::Value, exactly what tmpl::ParseJson(TemplateDataJson(d)) gives
// (numbers as float64), built directly: the JSON round trip cost more than the rendering.
tmpl::Value TemplateDataValue(const TemplateData& d);

// TemplateDataValue for a sequence of renderings: the per-core maps and VolthaRR strings of
// the previous rendering are reused (shared, immutable) when a core is unchanged, so a change
// of a few cores among 10,000 builds a few Values instead of 50,000. Same result as
// TemplateDataValue. Not thread-safe: one per renderer (the daemon's loop thread).
class TemplateDataCache {
 public:
  tmpl::Value Build(const TemplateData& d);

 private:
  Assignment prev_;         // the previous rendering's assignment (shared arena)
  tmpl::Value prev_cores_;  // its Cores list, one map per prev_.cores entry (or invalid)
  tmpl::Value prev_rr_;     // its VolthaRR list, one string per prev_.rr entry (or invalid)
  // Fresh items of a rendering that reuses nothing are built into one block (a few
  // allocations instead of a few per core); per prev_ entry, whether its Value is in the
  // block, and the size of the block prev_cores_/prev_rr_ refer to (0: none).
  std::vector<uint8_t> prev_core_in_block_, prev_rr_in_block_;
  size_t core_block_size_ = 0, rr_block_size_ = 0;
  // Scratch kept between renderings (no allocation per rendering for the bookkeeping).
  std::vector<int32_t> match_;
  std::vector<uint8_t> spare_in_block_[2];
};

// The real renderer: a parsed Go text/template (vs::tmpl) fed TemplateDataValue.
StatusOr<std::unique_ptr<Renderer>> LoadTemplateRenderer(const std::string& path);

// The Envoy binary: -envoy-bin, else `envoy` on PATH, else /usr/local/bin/envoy.
std::string FindEnvoyBinary(const std::string& flag);

// The engine options derived from the flags (mode, files, validation and reload commands).
StatusOr<EngineOptions> MakeEngineOptions(const Options& o);

// Runs the daemon until SIGTERM/SIGINT. `signals` must have been created in main() before any
// thread, with SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGCHLD. Returns the exit code.
int RunDaemon(const Options& o, SignalWatcher* signals);

// `envoyd once`: one read, render, validate, write (eds: EDS file and bootstrap), no apply.
// Exit code 0 when a config is in place (written or unchanged), 1 when it was kept.
int RunOnce(const Options& o);

}  // namespace vs::envoyd
