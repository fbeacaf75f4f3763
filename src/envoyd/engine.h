// The decision pipeline of envoyd (issue 4 points 2-6): observation -> model -> render ->
// compare -> validate -> atomic write -> apply. It acts only when the rendered output differs
// from the config in force (never on a bare index change), coalesces bursts with the `-wait
// min:max` quiescence window (consul-template's meaning: fire once the value has been stable for
// `min`, or `max` after the first change of the burst), and keeps the config in force on a
// deleted key, invalid JSON, an empty assignment, a render error, a validation failure or a
// write error; each is logged and counted and the next change is tried afresh.
//
// Threads: every method except Snapshot()/ready() runs on the daemon loop thread. Snapshot()
// and ready() may be called from the admin thread. Collaborators (renderer, command runner,
// resolver, supervisor) are borrowed and must outlive the engine.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "envoyd/model.h"
#include "envoyd/process.h"
#include "kv/watcher.h"

namespace vs::envoyd {

class Supervisor;

enum class Mode { kRestart, kEds, kCommand, kNone };
StatusOr<Mode> ParseMode(const std::string& s);
const char* ModeName(Mode m);

// Turns the template data into the config text. The real one wraps the tmpl engine; unit
// tests use fakes. Called on the loop thread only.
class Renderer {
 public:
  virtual ~Renderer() = default;
  virtual StatusOr<std::string> Render(const TemplateData& data) = 0;
};

using CommandFn =
    std::function<StatusOr<CommandResult>(const std::vector<std::string>& argv, Duration timeout)>;
using ResolveFn = std::function<StatusOr<std::string>(const std::string& name)>;

struct EngineOptions {
  Mode mode = Mode::kRestart;
  std::string config_path;
  std::string eds_path;               // eds mode: the ClusterLoadAssignment file
  std::string eds_cluster = "vcore";  // eds mode: its cluster_name
  Duration wait_min{0}, wait_max{0};  // quiescence; off when wait_min is 0
  bool keep_backup = true;
  uint16_t core_port = 50556;
  std::string vcore_svc_name = "vcore";
  std::string http_port = "8882", https_port = "8443", grpc_port = "50555";
  std::vector<std::string> validate_argv;  // empty: no validation; "{}" = the staged file
  std::vector<std::string> reload_argv;    // command mode
  Duration command_timeout = std::chrono::seconds(30);
  Duration retry_initial = std::chrono::seconds(1), retry_cap = std::chrono::seconds(30);
};

// What one processing step did (for `once`, logs and tests).
enum class Outcome {
  kWritten,    // a new config is in force (and was applied)
  kUnchanged,  // the rendering equals the config in force
  kKept,       // an error or an empty/missing value: the config in force stays
};

class Engine {
 public:
  Engine(EngineOptions opts, Renderer* renderer, const Clock* clock, Registry* metrics,
         CommandFn run_command, ResolveFn resolve, Supervisor* supervisor);

  // A value (or absence) read from the store.
  void OnObservation(const kv::Observation& obs);
  void OnKvError(const Status& st);
  // SIGHUP: re-render the last value and apply it even if unchanged (restart mode: new epoch).
  void ForceReapply();
  // Fires a due quiescence window or retry.
  void Tick();
  Duration NextTickIn() const;

  // Processes `value` right now (no quiescence). `force` applies even an unchanged rendering.
  // Returns the outcome; *error (optional) receives why a value was kept.
  Outcome Process(const std::string& value, bool force, Status* error = nullptr);

  // Thread-safe views for the admin server.
  struct Snapshot {
    std::string config;  // empty when none is in force
    std::string digest;
    std::string path;
  };
  Snapshot snapshot() const;
  // A config is in force and the proxy (or reload) is up.
  bool ready() const;
  bool has_config() const { return has_config_.load(); }
  uint64_t applies() const { return applies_; }
  // Time spent in fsync by the writes so far (loop thread; benchmarks subtract it).
  struct FsyncTotals {
    Duration wall{0}, cpu{0};
  };
  FsyncTotals fsync_totals() const { return fsync_totals_; }

 private:
  Status RunReload();
  Outcome Apply(const std::string& value, bool force, Status* error);
  Status WriteValidated(const std::string& path, const std::string& content, bool validate);
  Outcome Keep(const char* reason, const Status& st, Status* error);

  EngineOptions opts_;
  Renderer* renderer_;
  const Clock* clock_;
  CommandFn run_command_;
  ResolveFn resolve_;
  Supervisor* supervisor_;

  // Quiescence and retries.
  std::optional<std::string> pending_;
  TimePoint pending_first_{}, pending_deadline_{};
  std::optional<std::string> last_seen_;
  bool reload_pending_ = false;
  TimePoint reload_retry_at_{};
  Backoff reload_backoff_;
  std::optional<std::string> resolve_retry_value_;
  TimePoint resolve_retry_at_{};
  Backoff resolve_backoff_;
  std::string last_vip_;
  std::string last_vip_host_;

  // In force.
  // restart/command/none: the rendered config; eds: the bootstrap. Never null; immutable text
  // shared with the admin thread's snapshots.
  std::shared_ptr<const std::string> in_force_ = std::make_shared<const std::string>();
  std::string eds_in_force_;
  std::atomic<bool> has_config_{false};
  std::atomic<bool> reload_ok_{false};
  uint64_t applies_ = 0;
  FsyncTotals fsync_totals_;
  mutable std::mutex snap_mu_;
  std::shared_ptr<const std::string> snap_config_;  // guarded by snap_mu_
  std::string snap_digest_;                         // guarded by snap_mu_

  // Metrics (owned by the registry).
  Counter* observations_;
  Counter* unchanged_value_;
  Counter* kv_errors_;
  Counter* kv_missing_;
  Counter* render_ok_;
  Counter* render_unchanged_;
  Counter* render_invalid_;
  Counter* render_empty_;
  Counter* render_error_;
  Counter* resolve_errors_;
  Counter* writes_;
  Counter* write_errors_;
  Counter* validation_failures_;
  Counter* reload_ok_count_;
  Counter* reload_failed_;
  Counter* applies_count_;
  Gauge* last_change_;
  Gauge* fsync_seconds_;
};

}  // namespace vs::envoyd
