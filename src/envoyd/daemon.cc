#include "envoyd/daemon.h"

#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "common/admin_server.h"
#include "common/http_client.h"
#include "common/metrics.h"
#include "common/signals.h"
#include "envoyd/atomic_file.h"
#include "envoyd/server_info.h"
#include "envoyd/supervisor.h"
#include "kv/resolver.h"
#include "kv/watcher.h"
#include "tmpl/template.h"
#include "tmpl/value.h"

namespace vs::envoyd {
namespace {

class TemplateRenderer final : public Renderer {
 public:
  explicit TemplateRenderer(tmpl::Template t) : t_(std::move(t)) {}
  StatusOr<std::string> Render(const TemplateData& data) override {
    std::string out;
    // Sized like the last rendering: a megabyte config would otherwise be copied ~20 times
    // while the string doubles its way up.
    out.reserve(last_size_ + last_size_ / 8);
    Status st = t_.Execute(cache_.Build(data), &out);
    if (!st.ok()) return st;
    last_size_ = out.size();
    return out;
  }

 private:
  tmpl::Template t_;
  TemplateDataCache cache_;
  size_t last_size_ = 0;
};

// Observations and errors from the watcher thread to the loop.
class Inbox {
 public:
  Inbox() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Inbox() { close(fd_); }
  int fd() const { return fd_; }
  void Push(kv::Observation o) {
    {
      std::lock_guard lock(mu_);
      // Only the newest value matters to the engine: a backlog is collapsed, bounded.
      if (values_.size() >= 64) values_.pop_front();
      values_.push_back(std::move(o));
    }
    Wake();
  }
  void PushError(Status st) {
    {
      std::lock_guard lock(mu_);
      if (errors_.size() < 64) errors_.push_back(std::move(st));
    }
    Wake();
  }
  void Take(std::deque<kv::Observation>* values, std::deque<Status>* errors) {
    uint64_t n;
    ssize_t r = read(fd_, &n, sizeof(n));
    (void)r;
    std::lock_guard lock(mu_);
    values->swap(values_);
    errors->swap(errors_);
  }

 private:
  void Wake() {
    uint64_t one = 1;
    ssize_t r = write(fd_, &one, sizeof(one));
    (void)r;
  }
  int fd_;
  std::mutex mu_;
  std::deque<kv::Observation> values_;
  std::deque<Status> errors_;
};

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The store watcher for the flags; consul/etcd addresses are resolved (with retries, until
// `stop`) when -kv-address is not given.
StatusOr<std::unique_ptr<kv::Watcher>> MakeStoreWatcher(
    const Options& o, std::stop_token stop, const std::function<void(const Status&)>& on_error) {
  kv::WatcherOptions w;
  auto kind = kv::ParseStoreKind(o.kv);
  if (!kind.ok()) return kind.status();
  w.kind = *kind;
  w.key = o.assignment_key;
  w.file_path = o.kv_file;
  w.token_file = o.kv_token_file;
  w.tls.ca_file = o.kv_ca_file;
  w.tls.cert_file = o.kv_cert_file;
  w.tls.key_file = o.kv_key_file;
  w.pacing = kv::PacingFromFlags(o.retries, o.wait_time_s);
  if (w.kind != kv::StoreKind::kFile) {
    if (!o.kv_address.empty()) {
      w.address = o.kv_address;
    } else {
      auto hp = kv::ResolveStoreAddress(o.kv_svc_name, static_cast<uint16_t>(o.kv_port), stop,
                                        w.pacing, on_error);
      if (!hp.ok()) return hp.status();
      w.address = hp->ToString();
    }
    if (o.kv_tls && w.address.find("://") == std::string::npos) w.address = "https://" + w.address;
  }
  return kv::MakeWatcher(w);
}

// Answers of the /server_info probe, by kind (envoyd_envoy_probes_total{answer=...}).
struct ProbeCounters {
  Counter* live;         // the probed epoch is LIVE
  Counter* not_live;     // the probed epoch answers, not LIVE yet
  Counter* other_epoch;  // another epoch holds the admin address (hot restart hand-over)
  Counter* unreachable;  // no answer (not listening yet, timeout)
  Counter* invalid;      // an answer that is not a ServerInfo
};

// Is `epoch` LIVE according to Envoy's admin at `admin`? Asks /server_info, not /ready: see
// envoyd/server_info.h. A malformed answer is logged (once per distinct error) and counted.
bool ProbeEnvoyReady(const std::string& admin, int epoch, const ProbeCounters& c,
                     std::string* last_error) {
  HttpRequest req;
  req.url = "http://" + admin + "/server_info";
  req.timeout = std::chrono::milliseconds(300);
  req.max_body = kMaxServerInfoBytes;
  auto r = HttpCall(req);
  if (!r.ok()) {
    c.unreachable->Inc();
    return false;
  }
  StatusOr<ServerInfo> info =
      r->status == 200
          ? ParseServerInfo(r->body)
          : StatusOr<ServerInfo>(InvalidArgument("answered HTTP " + std::to_string(r->status)));
  if (!info.ok()) {
    c.invalid->Inc();
    std::string e = info.status().ToString();
    if (e != *last_error) spdlog::warn("envoy admin {}/server_info: {}", admin, e);
    *last_error = std::move(e);
    return false;
  }
  last_error->clear();
  if (info->restart_epoch != epoch) {
    c.other_epoch->Inc();
    return false;
  }
  const bool live = EpochIsLive(*info, epoch);
  (live ? c.live : c.not_live)->Inc();
  return live;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

}  // namespace

namespace {

// The strings of one core's map, in one allocation shared by the three string Values (the
// map itself is a separate owner, so no Value owns the block that holds it).
struct CoreStrings {
  std::string host, id, slot;
};

// Every JSON number is a float64 in Go's json.Unmarshal into `any`: so is Port here. The
// entries are built in key order, so MakeSortedMap moves them into the map as they are.
// Allocations: the string block (plus the bytes of strings over 15 bytes), the entries and
// the shared map: 3 for a core with short strings (it was 7: a String per field, and
// MakeMap's sort buffer and copy).
tmpl::Value CoreValue(const Core& c) {
  using tmpl::Value;
  auto s = std::make_shared<CoreStrings>();
  s->host.assign(c.host);
  s->id.assign(c.id);
  s->slot.assign(c.slot);
  Value::Map m;
  m.reserve(4);
  m.emplace_back("Host", Value::SharedString(s, &s->host));
  m.emplace_back("Id", Value::SharedString(s, &s->id));
  m.emplace_back("Port", Value::Float(c.port));
  const std::string* slot = &s->slot;  // before s is moved from
  m.emplace_back("Slot", Value::SharedString(std::move(s), slot));
  return Value::MakeSortedMap(std::move(m));
}

// Assignment order (slot, then host), refined by id and port: 0 only for equal cores.
int CompareCore(const Core& x, const Core& y) {
  if (int r = x.slot.compare(y.slot); r != 0) return r;
  if (int r = x.host.compare(y.host); r != 0) return r;
  if (int r = x.id.compare(y.id); r != 0) return r;
  return x.port < y.port ? -1 : x.port > y.port ? 1 : 0;
}

tmpl::Value TopLevel(const TemplateData& d, tmpl::Value cores, tmpl::Value rr) {
  using tmpl::Value;
  Value::Map m;
  m.reserve(9);
  m.emplace_back("Cores", std::move(cores));
  m.emplace_back("EdsPath", Value::String(d.eds_path));
  m.emplace_back("GrpcPort", Value::String(d.grpc_port));
  m.emplace_back("HttpPort", Value::String(d.http_port));
  m.emplace_back("HttpsPort", Value::String(d.https_port));
  m.emplace_back("VipHost", Value::String(d.vip_host));
  m.emplace_back("VipPort", Value::Float(d.vip_port));
  m.emplace_back("VolthaRR", std::move(rr));
  m.emplace_back("VolthaVip", Value::String(d.voltha_vip));
  return Value::MakeSortedMap(std::move(m));
}

const Assignment& AssignmentOf(const TemplateData& d) {
  static const Assignment kEmpty;
  return d.assignment ? *d.assignment : kEmpty;
}

}  // namespace

namespace {

// The fresh cores of one rendering in two blocks: their strings, and their maps (the shared
// Map objects). Two blocks, not one: the string Values stored in the maps own the string
// block, and a block owned by Values stored inside it would never be freed. Per core this
// leaves the map's entries (and strings over 15 bytes) as the only allocations.
class CoreBlock {
 public:
  explicit CoreBlock(size_t n)
      : strings_(n ? std::make_shared<std::vector<CoreStrings>>(n) : nullptr),
        maps_(n ? std::make_shared<std::vector<tmpl::Value::Map>>(n) : nullptr) {}
  // At most n calls (the vectors never reallocate: Values point into them).
  tmpl::Value Add(const Core& c) {
    using tmpl::Value;
    CoreStrings& s = (*strings_)[next_];
    Value::Map& m = (*maps_)[next_++];
    s.host.assign(c.host);
    s.id.assign(c.id);
    s.slot.assign(c.slot);
    m.reserve(4);  // in key order, as SharedMap requires
    m.emplace_back("Host", Value::SharedString(strings_, &s.host));
    m.emplace_back("Id", Value::SharedString(strings_, &s.id));
    m.emplace_back("Port", Value::Float(c.port));
    m.emplace_back("Slot", Value::SharedString(strings_, &s.slot));
    return Value::SharedMap(maps_, &m);
  }

 private:
  std::shared_ptr<std::vector<CoreStrings>> strings_;
  std::shared_ptr<std::vector<tmpl::Value::Map>> maps_;
  size_t next_ = 0;
};

// The fresh VolthaRR strings of one rendering in one block.
class StringBlock {
 public:
  explicit StringBlock(size_t n)
      : strings_(n ? std::make_shared<std::vector<std::string>>(n) : nullptr) {}
  tmpl::Value Add(std::string_view v) {
    std::string& s = (*strings_)[next_++];
    s.assign(v);
    return tmpl::Value::SharedString(strings_, &s);
  }

 private:
  std::shared_ptr<std::vector<std::string>> strings_;
  size_t next_ = 0;
};

// For each of n new items, the index of the equal one among n_prev previous items (both
// sequences sorted; compare(j, i) orders previous item j against new item i), or -1. Into
// *match, whose capacity is reused from one rendering to the next.
template <typename Compare>
void MatchSorted(size_t n, size_t n_prev, Compare compare, std::vector<int32_t>* match) {
  match->assign(n, -1);
  size_t j = 0;
  for (size_t i = 0; i < n; ++i) {
    int r = -1;
    while (j < n_prev && (r = compare(j, i)) < 0) ++j;
    if (j < n_prev && r == 0) (*match)[i] = static_cast<int32_t>(j++);
  }
}

// Whether the fresh items of this rendering go into one new block. A block is made only when
// nothing is reused, so the list refers to one block at most; a block of which less than half
// would stay referenced is let go (its items are rebuilt one by one), so a few unchanged items
// never keep a large, mostly dead block alive. Updates `match` and *block_size (the size of
// the block the new list refers to, 0 for none).
bool PlanReuse(std::vector<int32_t>* match, const std::vector<uint8_t>& prev_in_block,
               size_t* block_size) {
  size_t reused = 0, from_block = 0;
  for (int32_t j : *match) {
    if (j >= 0) {
      ++reused;
      from_block += prev_in_block[j];
    }
  }
  if (from_block > 0 && from_block * 2 < *block_size) {
    for (int32_t& j : *match) {
      if (j >= 0 && prev_in_block[j]) j = -1;
    }
    reused -= from_block;
    from_block = 0;
  }
  bool block = reused == 0 && !match->empty();
  if (block) {
    *block_size = match->size();
  } else if (from_block == 0) {
    *block_size = 0;
  }
  return block;
}

}  // namespace

tmpl::Value TemplateDataValue(const TemplateData& d) {
  using tmpl::Value;
  const Assignment& a = AssignmentOf(d);
  Value::List cores, rr;
  cores.reserve(a.cores.size());
  CoreBlock core_block(a.cores.size());
  for (const auto& c : a.cores) cores.push_back(core_block.Add(c));
  rr.reserve(a.rr.size());
  StringBlock rr_block(a.rr.size());
  for (const auto& s : a.rr) rr.push_back(rr_block.Add(s));
  return TopLevel(d, Value::MakeList(std::move(cores)), Value::MakeList(std::move(rr)));
}

tmpl::Value TemplateDataCache::Build(const TemplateData& d) {
  using tmpl::Value;
  const Assignment& a = AssignmentOf(d);
  // Both sequences are sorted as before: one merge walk each, comparing the previous
  // assignment's strings (kept alive by its arena) with the new ones.
  // prev_cores_/prev_rr_ are valid lists exactly when prev_ has cores/addresses.
  size_t n = a.cores.size();
  std::vector<int32_t>& match = match_;
  MatchSorted(
      n, prev_.cores.size(),
      [&](size_t j, size_t i) { return CompareCore(prev_.cores[j], a.cores[i]); }, &match);
  bool block = PlanReuse(&match, prev_core_in_block_, &core_block_size_);
  CoreBlock core_block(block ? n : 0);
  Value::List cores;
  cores.reserve(n);
  std::vector<uint8_t> core_in_block = std::move(spare_in_block_[0]);
  core_in_block.assign(n, block);
  for (size_t i = 0; i < n; ++i) {
    if (int32_t j = match[i]; j >= 0) {
      cores.push_back(prev_cores_.as_list()[j]);
      core_in_block[i] = prev_core_in_block_[j];
    } else {
      cores.push_back(block ? core_block.Add(a.cores[i]) : CoreValue(a.cores[i]));
    }
  }
  n = a.rr.size();
  MatchSorted(
      n, prev_.rr.size(), [&](size_t j, size_t i) { return prev_.rr[j].compare(a.rr[i]); }, &match);
  block = PlanReuse(&match, prev_rr_in_block_, &rr_block_size_);
  StringBlock rr_block(block ? n : 0);
  Value::List rr;
  rr.reserve(n);
  std::vector<uint8_t> rr_in_block = std::move(spare_in_block_[1]);
  rr_in_block.assign(n, block);
  for (size_t i = 0; i < n; ++i) {
    if (int32_t j = match[i]; j >= 0) {
      rr.push_back(prev_rr_.as_list()[j]);
      rr_in_block[i] = prev_rr_in_block_[j];
    } else {
      rr.push_back(block ? rr_block.Add(a.rr[i]) : Value::String(std::string(a.rr[i])));
    }
  }
  Value cores_list = Value::MakeList(std::move(cores));
  Value rr_list = Value::MakeList(std::move(rr));
  // Only an arena-backed assignment is kept: the views of a hand-built one may not outlive
  // this call.
  if (a.arena) {
    prev_ = a;
    prev_cores_ = cores_list;
    prev_rr_ = rr_list;
    spare_in_block_[0] = std::exchange(prev_core_in_block_, std::move(core_in_block));
    spare_in_block_[1] = std::exchange(prev_rr_in_block_, std::move(rr_in_block));
  } else {
    prev_ = Assignment();
    prev_cores_ = prev_rr_ = Value();
    prev_core_in_block_.clear();
    prev_rr_in_block_.clear();
    core_block_size_ = rr_block_size_ = 0;
  }
  return TopLevel(d, std::move(cores_list), std::move(rr_list));
}

StatusOr<std::unique_ptr<Renderer>> LoadTemplateRenderer(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status().WithContext("template");
  auto t = tmpl::Template::Parse(path, *text);
  if (!t.ok()) return t.status();
  return std::unique_ptr<Renderer>(new TemplateRenderer(std::move(*t)));
}

std::string FindEnvoyBinary(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
      size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      std::string dir = p.substr(start, end - start);
      std::string cand = (dir.empty() ? "." : dir) + "/envoy";
      if (access(cand.c_str(), X_OK) == 0) return cand;
      start = end + 1;
    }
  }
  return "/usr/local/bin/envoy";
}

StatusOr<EngineOptions> MakeEngineOptions(const Options& o) {
  EngineOptions e;
  auto mode = ParseMode(o.mode);
  if (!mode.ok()) return mode.status();
  e.mode = *mode;
  e.config_path = o.envoy_config;
  e.eds_path = o.eds_file.empty() ? DirOf(o.envoy_config) + "/vcore-eds.json" : o.eds_file;
  e.eds_cluster = o.eds_cluster;
  e.wait_min = o.wait_min;
  e.wait_max = o.wait_max;
  e.keep_backup = o.keep_backup;
  e.core_port = static_cast<uint16_t>(o.vcore_port);
  e.vcore_svc_name = o.vcore_svc_name;
  e.http_port = o.http_port;
  e.https_port = o.https_port;
  e.grpc_port = o.grpc_port;
  e.command_timeout = o.command_timeout;
  e.retry_initial = Seconds(std::max(0.1, static_cast<double>(o.wait_time_s)));
  e.retry_cap = std::max(e.retry_initial, Seconds(30));
  if (o.validate_cmd_set) {
    auto words = SplitWords(o.validate_cmd);
    if (!words.ok()) return words.status().WithContext("-validate-cmd");
    e.validate_argv = *words;
  } else if (e.mode == Mode::kRestart || e.mode == Mode::kEds) {
    std::string bin = FindEnvoyBinary(o.envoy_bin);
    if (access(bin.c_str(), X_OK) == 0) e.validate_argv = {bin, "--mode", "validate", "-c", "{}"};
  }
  if (!o.reload_args.empty()) {
    e.reload_argv = o.reload_args;
  } else if (!o.reload_cmd.empty()) {
    auto words = SplitWords(o.reload_cmd);
    if (!words.ok()) return words.status().WithContext("-reload-cmd");
    e.reload_argv = *words;
  }
  return e;
}

int RunDaemon(const Options& o, SignalWatcher* signals) {
  auto eopts = MakeEngineOptions(o);
  if (!eopts.ok()) {
    spdlog::error("{}", eopts.status().ToString());
    return 2;
  }
  std::string template_path = ChosenTemplate(o);
  auto renderer = LoadTemplateRenderer(template_path);
  if (!renderer.ok()) {
    spdlog::error("{}", renderer.status().ToString());
    return 2;
  }
  for (const auto& f : {eopts->config_path, eopts->eds_path}) {
    if (int n = RemoveStaleTempFiles(f); n > 0) {
      spdlog::warn("removed {} temp file(s) left next to {} by an interrupted write", n, f);
    }
  }
  if (eopts->validate_argv.empty()) {
    spdlog::info("no validation command: rendered configs are written unvalidated");
  }

  Registry metrics;
  RealProcessRunner runner;
  SupervisorOptions sopts;
  sopts.envoy_bin = FindEnvoyBinary(o.envoy_bin);
  sopts.config_path = o.envoy_config;
  sopts.base_id = o.base_id;
  sopts.drain_time_s = o.drain_time_s;
  sopts.parent_shutdown_time_s = o.parent_shutdown_time_s;
  sopts.extra_args = o.envoy_args;
  sopts.epoch_grace = o.epoch_grace;
  sopts.startup_timeout = o.epoch_timeout;
  sopts.shutdown_timeout = o.shutdown_timeout;
  sopts.backoff_seed = static_cast<uint64_t>(getpid());
  Supervisor::Probe probe;
  if (!o.envoy_admin.empty()) {
    auto probes = [&metrics](const char* answer) {
      return metrics.GetCounter("envoyd_envoy_probes_total",
                                "Envoy admin /server_info probes, by answer",
                                std::string("answer=\"") + answer + "\"");
    };
    ProbeCounters pc{probes("live"), probes("not_live"), probes("other_epoch"),
                     probes("unreachable"), probes("invalid")};
    probe = [admin = o.envoy_admin, pc, last_error = std::string()](int epoch) mutable {
      return ProbeEnvoyReady(admin, epoch, pc, &last_error);
    };
  }
  Supervisor supervisor(sopts, &runner, RealClock::Get(), probe);
  bool supervised = eopts->mode == Mode::kRestart || eopts->mode == Mode::kEds;

  Engine engine(*eopts, renderer->get(), RealClock::Get(), &metrics, RunCommand,
                ResolveFirstAddress, supervised ? &supervisor : nullptr);

  // Metrics mirrored from the supervisor (loop thread) into the registry.
  Counter* restarts_ok = metrics.GetCounter("envoyd_restarts_total",
                                            "Envoy epochs started, by outcome", R"(outcome="ok")");
  Counter* restarts_failed = metrics.GetCounter(
      "envoyd_restarts_total", "Envoy epochs started, by outcome", R"(outcome="failed")");
  Counter* crashes = metrics.GetCounter("envoyd_envoy_crashes_total",
                                        "Envoy processes that died unexpectedly once up");
  Gauge* epoch = metrics.GetGauge("envoyd_epoch", "newest live Envoy epoch (-1: none)");
  Gauge* children = metrics.GetGauge("envoyd_envoy_processes", "live Envoy processes");
  Gauge* ready_gauge = metrics.GetGauge("envoyd_ready", "1 when /readyz answers 200");
  epoch->Set(-1);
  std::atomic<bool> ready{false};
  SupervisorStats synced;

  AdminServer admin;
  if (!o.admin.empty()) {
    admin.Handle("/healthz", [] { return HttpReply{200, "text/plain; charset=utf-8", "ok\n"}; });
    admin.Handle("/readyz", [&ready] {
      return ready ? HttpReply{200, "text/plain; charset=utf-8", "ready\n"}
                   : HttpReply{503, "text/plain; charset=utf-8", "not ready\n"};
    });
    admin.Handle("/metrics", [&metrics] {
      return HttpReply{200, "text/plain; version=0.0.4", metrics.Render()};
    });
    admin.Handle("/config", [&engine] {
      auto s = engine.snapshot();
      if (s.config.empty()) {
        return HttpReply{404, "application/json", "{\"error\":\"no config in force\"}\n"};
      }
      return HttpReply{200, "application/json",
                       "{\"path\":" + JsonEscape(s.path) + ",\"digest\":" + JsonEscape(s.digest) +
                           ",\"config\":" + JsonEscape(s.config) + "}\n"};
    });
    Status st = admin.Start(o.admin);
    if (!st.ok()) {
      spdlog::error("admin {}: {}", o.admin, st.ToString());
      return 2;
    }
    spdlog::info("admin on 127.0.0.1:{}", admin.port());
  }

  Inbox inbox;
  std::atomic<bool> watcher_invalid{false};
  std::jthread watch_thread([&o, &inbox, &watcher_invalid](std::stop_token stop) {
    auto on_error = [&inbox](const Status& st) { inbox.PushError(st); };
    auto w = MakeStoreWatcher(o, stop, on_error);
    if (!w.ok()) {
      // Only a stop or bad options end up here (resolution retries forever): the latter is a
      // configuration error, fatal like a bad flag.
      if (!stop.stop_requested()) {
        watcher_invalid = true;
        inbox.PushError(w.status().WithContext("store watcher"));
      }
      return;
    }
    (*w)->Run(
        stop, [&inbox](const kv::Observation& obs) { inbox.Push(obs); }, on_error);
  });
  spdlog::info("envoyd: mode {}, store {} key {}, template {}, config {}", ModeName(eopts->mode),
               o.kv, o.kv == "file" ? o.kv_file : o.assignment_key, template_path, o.envoy_config);

  bool stopping = false;
  int exit_code = 0;
  for (;;) {
    // Children first: exits feed the supervisor before it decides anything.
    for (const auto& ev : runner.Reap()) supervisor.OnExit(ev.pid, ev.wait_status);
    engine.Tick();
    supervisor.Tick();
    // Metrics and readiness.
    const auto& s = supervisor.stats();
    restarts_ok->Inc(s.restarts_ok - synced.restarts_ok);
    restarts_failed->Inc(s.restarts_failed - synced.restarts_failed);
    crashes->Inc(s.crashes - synced.crashes);
    synced = s;
    epoch->Set(supervisor.current_epoch());
    children->Set(static_cast<double>(supervisor.live_children()));
    ready = supervised ? engine.has_config() && supervisor.ProxyUp() : engine.ready();
    ready_gauge->Set(ready ? 1 : 0);
    if (stopping && (!supervised || supervisor.Finished())) break;

    Duration wait = std::min(engine.NextTickIn(), supervisor.NextTickIn());
    std::vector<pollfd> fds = {{signals->fd(), POLLIN, 0}, {inbox.fd(), POLLIN, 0}};
    runner.PollFds(&fds);
    int rc = poll(fds.data(), fds.size(), PollTimeoutMs(wait));
    if (rc < 0 && errno != EINTR) {
      spdlog::critical("poll: {}", strerror(errno));
      std::abort();  // a broken invariant of the loop itself
    }
    runner.Pump();
    while (int sig = signals->Read()) {
      if (sig == SIGTERM || sig == SIGINT) {
        if (!stopping) {
          spdlog::info("{}: stopping", strsignal(sig));
          stopping = true;
          watch_thread.request_stop();
          supervisor.BeginShutdown();
        }
      } else if (sig == SIGHUP) {
        if (!stopping) engine.ForceReapply();
      } else if (sig == SIGUSR1) {
        supervisor.Forward(SIGUSR1);
      }
      // SIGCHLD: handled by the Reap() at the top of the loop.
    }
    std::deque<kv::Observation> values;
    std::deque<Status> errors;
    inbox.Take(&values, &errors);
    for (const auto& e : errors) engine.OnKvError(e);
    if (watcher_invalid && !stopping) {
      spdlog::error("cannot watch the store: giving up");
      exit_code = 2;
      stopping = true;
      supervisor.BeginShutdown();
    }
    if (!stopping) {
      for (const auto& v : values) engine.OnObservation(v);
    }
  }
  watch_thread.request_stop();
  watch_thread.join();
  admin.Stop();
  spdlog::info("envoyd stopped");
  return exit_code;
}

int RunOnce(const Options& o) {
  auto eopts = MakeEngineOptions(o);
  if (!eopts.ok()) {
    spdlog::error("{}", eopts.status().ToString());
    return 2;
  }
  // once writes and validates only: no Envoy, no reload command.
  Supervisor* none = nullptr;
  eopts->reload_argv.clear();
  if (eopts->mode != Mode::kEds) eopts->mode = Mode::kNone;
  auto renderer = LoadTemplateRenderer(ChosenTemplate(o));
  if (!renderer.ok()) {
    spdlog::error("{}", renderer.status().ToString());
    return 2;
  }
  Registry metrics;
  Engine engine(*eopts, renderer->get(), RealClock::Get(), &metrics, RunCommand,
                ResolveFirstAddress, none);
  // Bounded: store address resolution gives up after about -retries * -wait-time.
  std::stop_source stop;
  std::jthread deadline(
      [&stop,
       limit = Seconds(std::max(1, o.retries * std::max(1, o.wait_time_s)))](std::stop_token self) {
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        if (!cv.wait_for(lock, self, limit, [] { return false; })) stop.request_stop();
      });
  auto w = MakeStoreWatcher(o, stop.get_token(),
                            [](const Status& st) { spdlog::warn("store: {}", st.ToString()); });
  deadline.request_stop();
  if (!w.ok()) {
    spdlog::error("{}", w.status().ToString());
    return 1;
  }
  auto obs = (*w)->Get();
  if (!obs.ok()) {
    spdlog::error("read {}: {}", o.assignment_key, obs.status().ToString());
    return 1;
  }
  if (!obs->exists) {
    spdlog::error("the assignment key does not exist: nothing written");
    return 1;
  }
  Status why;
  Outcome out = engine.Process(obs->value, false, &why);
  if (out == Outcome::kKept) return 1;
  return 0;
}

}  // namespace vs::envoyd
