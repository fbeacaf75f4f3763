#include "envoyd/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "envoyd/atomic_file.h"
#include "envoyd/supervisor.h"

namespace vs::envoyd {

StatusOr<Mode> ParseMode(const std::string& s) {
  if (s == "restart") return Mode::kRestart;
  if (s == "eds") return Mode::kEds;
  if (s == "command") return Mode::kCommand;
  if (s == "none") return Mode::kNone;
  return InvalidArgument("unknown -mode '" + s + "' (restart, eds, command, none)");
}

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kRestart:
      return "restart";
    case Mode::kEds:
      return "eds";
    case Mode::kCommand:
      return "command";
    case Mode::kNone:
      return "none";
  }
  return "?";
}

Engine::Engine(EngineOptions opts, Renderer* renderer, const Clock* clock, Registry* m,
               CommandFn run_command, ResolveFn resolve, Supervisor* supervisor)
    : opts_(std::move(opts)),
      renderer_(renderer),
      clock_(clock),
      run_command_(std::move(run_command)),
      resolve_(std::move(resolve)),
      supervisor_(supervisor),
      reload_backoff_(opts_.retry_initial, opts_.retry_cap),
      resolve_backoff_(opts_.retry_initial, opts_.retry_cap) {
  const std::string kRenders = "envoyd_renders_total";
  const std::string kRendersHelp = "assignment values processed, by outcome";
  observations_ = m->GetCounter("envoyd_kv_observations_total", "values read from the store");
  unchanged_value_ = m->GetCounter("envoyd_kv_unchanged_total",
                                   "observations whose value equals the last one seen (ignored)");
  kv_errors_ = m->GetCounter("envoyd_kv_errors_total", "failed reads/watches of the store");
  kv_missing_ = m->GetCounter("envoyd_kv_missing_total", "observations of a missing/deleted key");
  render_ok_ = m->GetCounter(kRenders, kRendersHelp, R"(outcome="changed")");
  render_unchanged_ = m->GetCounter(kRenders, kRendersHelp, R"(outcome="unchanged")");
  render_invalid_ = m->GetCounter(kRenders, kRendersHelp, R"(outcome="invalid_assignment")");
  render_empty_ = m->GetCounter(kRenders, kRendersHelp, R"(outcome="empty_assignment")");
  render_error_ = m->GetCounter(kRenders, kRendersHelp, R"(outcome="render_error")");
  resolve_errors_ =
      m->GetCounter("envoyd_resolve_errors_total", "failed resolutions of -vcore-svc-name");
  writes_ = m->GetCounter("envoyd_writes_total", "files replaced atomically");
  write_errors_ = m->GetCounter("envoyd_write_errors_total", "failed atomic writes");
  validation_failures_ = m->GetCounter("envoyd_validation_failures_total",
                                       "rendered configs rejected by -validate-cmd");
  reload_ok_count_ =
      m->GetCounter("envoyd_reloads_total", "-reload-cmd runs, by outcome", R"(outcome="ok")");
  reload_failed_ =
      m->GetCounter("envoyd_reloads_total", "-reload-cmd runs, by outcome", R"(outcome="failed")");
  applies_count_ = m->GetCounter("envoyd_applies_total", "new configs put in force");
  last_change_ = m->GetGauge("envoyd_last_change_timestamp_seconds",
                             "Unix time of the last config put in force");
  fsync_seconds_ = m->GetGauge("envoyd_fsync_seconds_total", "time spent in fsync");
}

void Engine::OnObservation(const kv::Observation& obs) {
  observations_->Inc();
  if (!obs.exists) {
    kv_missing_->Inc();
    spdlog::warn("assignment key missing or deleted (version {}): keeping the config in force",
                 obs.version);
    return;
  }
  if (last_seen_ && *last_seen_ == obs.value) {
    unchanged_value_->Inc();
    return;
  }
  last_seen_ = obs.value;
  if (opts_.wait_min <= Duration(0)) {
    Process(obs.value, false);
    return;
  }
  TimePoint now = clock_->Now();
  if (!pending_) pending_first_ = now;
  pending_ = obs.value;
  Duration max = std::max(opts_.wait_max, opts_.wait_min);
  pending_deadline_ = std::min(now + opts_.wait_min, pending_first_ + max);
}

void Engine::OnKvError(const Status& st) {
  kv_errors_->Inc();
  spdlog::warn("store: {}", st.ToString());
}

void Engine::ForceReapply() {
  std::string value;
  if (pending_) {
    value = *pending_;
    pending_.reset();
  } else if (last_seen_) {
    value = *last_seen_;
  } else {
    spdlog::info("SIGHUP before any value was read: nothing to re-render");
    return;
  }
  spdlog::info("SIGHUP: re-rendering and re-applying");
  Process(value, true);
}

void Engine::Tick() {
  TimePoint now = clock_->Now();
  if (pending_ && now >= pending_deadline_) {
    std::string v = std::move(*pending_);
    pending_.reset();
    Process(v, false);
  }
  if (resolve_retry_value_ && now >= resolve_retry_at_) {
    std::string v = std::move(*resolve_retry_value_);
    resolve_retry_value_.reset();
    Process(v, false);
  }
  if (reload_pending_ && now >= reload_retry_at_) (void)RunReload();
}

Duration Engine::NextTickIn() const {
  Duration d = std::chrono::seconds(1);
  TimePoint now = clock_->Now();
  auto until = [&](TimePoint t) { return std::max<Duration>(Duration(0), t - now); };
  if (pending_) d = std::min(d, until(pending_deadline_));
  if (resolve_retry_value_) d = std::min(d, until(resolve_retry_at_));
  if (reload_pending_) d = std::min(d, until(reload_retry_at_));
  return d;
}

Outcome Engine::Keep(const char* reason, const Status& st, Status* error) {
  spdlog::warn("{}: {}; keeping the config in force", reason, st.ToString());
  if (error) *error = st;
  return Outcome::kKept;
}

Status Engine::WriteValidated(const std::string& path, const std::string& content, bool validate) {
  auto staged = StageFile(path, content);
  if (!staged.ok()) {
    write_errors_->Inc();
    return staged.status();
  }
  if (validate && !opts_.validate_argv.empty()) {
    auto argv = SubstitutePath(opts_.validate_argv, staged->tmp_path);
    auto r = run_command_(argv, opts_.command_timeout);
    Status st;
    if (!r.ok()) {
      st = r.status();
    } else if (!r->ok()) {
      std::string out = r->output.substr(0, 2000);
      st = InvalidArgument(DescribeWaitStatus(r->wait_status) + ": " + out);
    }
    if (!st.ok()) {
      AbortFile(*staged);
      validation_failures_->Inc();
      return st.WithContext("validation of " + path + " failed");
    }
  }
  Status st = CommitFile(&*staged, opts_.keep_backup);
  fsync_seconds_->Add(ToSeconds(staged->fsync_time));
  fsync_totals_.wall += staged->fsync_time;
  fsync_totals_.cpu += staged->fsync_cpu;
  if (!st.ok()) {
    write_errors_->Inc();
    return st;
  }
  writes_->Inc();
  return OkStatus();
}

Outcome Engine::Process(const std::string& value, bool force, Status* error) {
  auto a = ParseAssignment(value, opts_.core_port);
  if (!a.ok()) {
    render_invalid_->Inc();
    return Keep("invalid assignment", a.status(), error);
  }
  for (size_t i = 0; i < a->warnings.size() && i < 5; ++i) {
    spdlog::warn("assignment entry skipped: {}", a->warnings[i]);
  }
  if (a->cores.empty()) {
    render_empty_->Inc();
    return Keep(
        "empty assignment",
        NotFound("no live core in the assignment (" + std::to_string(a->skipped) + " skipped)"),
        error);
  }
  // VolthaVip is re-resolved at every render; a failed lookup reuses the last address.
  auto vip = resolve_(opts_.vcore_svc_name);
  if (vip.ok()) {
    last_vip_host_ = *vip;
    std::string host = *vip;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    last_vip_ = host + ":" + std::to_string(opts_.core_port);
    resolve_backoff_.Reset();
  } else {
    resolve_errors_->Inc();
    if (last_vip_.empty()) {
      resolve_retry_value_ = value;
      resolve_retry_at_ = clock_->Now() + resolve_backoff_.Next();
      return Keep("VolthaVip", vip.status(), error);
    }
    spdlog::warn("VolthaVip: {}; reusing {}", vip.status().ToString(), last_vip_);
  }

  TemplateData data;
  data.voltha_vip = last_vip_;
  data.vip_host = last_vip_host_;
  data.vip_port = opts_.core_port;
  data.http_port = opts_.http_port;
  data.https_port = opts_.https_port;
  data.grpc_port = opts_.grpc_port;
  data.eds_path = opts_.eds_path;
  data.assignment = &*a;

  bool wrote = false;
  if (opts_.mode == Mode::kEds) {
    std::string version;
    for (const auto& r : a->rr) version.append(r).push_back(',');
    std::string eds = EdsResponseJson(*a, opts_.eds_cluster, Digest(version));
    if (eds != eds_in_force_ || force) {
      Status st = WriteValidated(opts_.eds_path, eds, false);
      if (!st.ok()) return Keep("write EDS file", st, error);
      eds_in_force_ = std::move(eds);
      wrote = true;
    }
    // The bootstrap is rendered once (and again on SIGHUP); endpoints only move via EDS.
    if (in_force_->empty() || force) {
      auto boot = renderer_->Render(data);
      if (!boot.ok()) {
        render_error_->Inc();
        return Keep("render bootstrap", boot.status(), error);
      }
      if (*boot != *in_force_ || force) {
        Status st = WriteValidated(opts_.config_path, *boot, true);
        if (!st.ok()) return Keep("bootstrap", st, error);
        in_force_ = std::make_shared<const std::string>(std::move(*boot));
        if (supervisor_) supervisor_->RequestRestart();
        wrote = true;
      }
    }
  } else {
    auto out = renderer_->Render(data);
    if (!out.ok()) {
      render_error_->Inc();
      return Keep("render", out.status(), error);
    }
    if (*out == *in_force_ && !force) {
      render_unchanged_->Inc();
      if (spdlog::should_log(spdlog::level::debug)) {  // a digest of megabytes costs
        spdlog::debug("rendering unchanged ({}): nothing to do", Digest(*out));
      }
      return Outcome::kUnchanged;
    }
    Status st = WriteValidated(opts_.config_path, *out, true);
    if (!st.ok()) return Keep("config", st, error);
    in_force_ = std::make_shared<const std::string>(std::move(*out));
    wrote = true;
    if (opts_.mode == Mode::kCommand) {
      (void)RunReload();
    } else if (opts_.mode == Mode::kRestart && supervisor_) {
      supervisor_->RequestRestart();
    }
  }
  if (!wrote) {
    render_unchanged_->Inc();
    return Outcome::kUnchanged;
  }
  render_ok_->Inc();
  applies_count_->Inc();
  ++applies_;
  last_change_->Set(clock_->WallSeconds());
  has_config_ = true;
  std::string digest = Digest(*in_force_);
  {
    // The admin thread gets the text itself shared, not copied (a config can be megabytes).
    std::lock_guard lock(snap_mu_);
    snap_config_ = in_force_;
    snap_digest_ = digest;
  }
  spdlog::info("config {} in force: {} core(s) {}", digest, a->rr.size(),
               opts_.mode == Mode::kEds ? "(EDS " + opts_.eds_path + ")" : opts_.config_path);
  return Outcome::kWritten;
}

Status Engine::RunReload() {
  reload_pending_ = false;
  if (opts_.reload_argv.empty()) {
    reload_ok_ = true;
    return OkStatus();
  }
  auto r = run_command_(opts_.reload_argv, opts_.command_timeout);
  Status st;
  if (!r.ok()) {
    st = r.status();
  } else if (!r->ok()) {
    st = Internal(DescribeWaitStatus(r->wait_status) + ": " + r->output.substr(0, 2000));
  }
  if (st.ok()) {
    reload_ok_count_->Inc();
    reload_backoff_.Reset();
    reload_ok_ = true;
    return st;
  }
  reload_failed_->Inc();
  reload_ok_ = false;
  reload_pending_ = true;
  Duration d = reload_backoff_.Next();
  reload_retry_at_ = clock_->Now() + d;
  spdlog::warn("reload command {} failed: {}; retrying in {:.1f} s", opts_.reload_argv[0],
               st.ToString(), ToSeconds(d));
  return st;
}

Engine::Snapshot Engine::snapshot() const {
  std::shared_ptr<const std::string> config;
  Snapshot s;
  {
    std::lock_guard lock(snap_mu_);
    config = snap_config_;
    s.digest = snap_digest_;
  }
  if (config) {
    s.config = *config;
    s.path = opts_.config_path;
  }
  return s;
}

bool Engine::ready() const {
  if (!has_config_) return false;
  switch (opts_.mode) {
    case Mode::kNone:
      return true;
    case Mode::kCommand:
      return reload_ok_.load();
    default:
      return false;  // restart/eds: the daemon asks the supervisor
  }
}

}  // namespace vs::envoyd
