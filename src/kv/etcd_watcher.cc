#include "kv/etcd_watcher.h"

#include <optional>

#include "common/backoff.h"
#include "kv/base64.h"
#include "kv/http_stream.h"

namespace vs::kv {
namespace {

constexpr Duration kRangeTimeout = std::chrono::seconds(10);

bool SameContent(const Observation& a, const Observation& b) {
  return a.exists == b.exists && a.value == b.value;
}

}  // namespace

EtcdWatcher::EtcdWatcher(WatcherOptions options) : o_(std::move(options)) {
  std::string addr = o_.address;
  while (!addr.empty() && addr.back() == '/') addr.pop_back();
  if (addr.find("://") == std::string::npos) {
    addr = (o_.tls.enabled() ? "https://" : "http://") + addr;
  }
  base_url_ = addr;
}

HttpRequest EtcdWatcher::Request(const std::string& path, std::string body) const {
  HttpRequest req;
  req.method = "POST";
  req.url = base_url_ + path;
  req.body = std::move(body);
  req.headers.push_back("Content-Type: application/json");
  req.ca_file = o_.tls.ca_file;
  req.cert_file = o_.tls.cert_file;
  req.key_file = o_.tls.key_file;
  req.insecure = o_.tls.insecure;
  return req;
}

StatusOr<EtcdRange> EtcdWatcher::Range(std::stop_token stop) {
  HttpRequest req = Request("/v3/kv/range", "{\"key\":\"" + Base64Encode(o_.key) + "\"}");
  req.timeout = kRangeTimeout;
  const std::string what = "etcd " + base_url_ + " range '" + o_.key + "'";
  auto resp = StoppableHttpCall(req, stop);
  if (!resp.ok()) return resp.status().WithContext(what);
  auto r = ParseEtcdRange(resp->body, o_.key);
  if (!r.ok()) {
    return r.status().WithContext(what + " (HTTP " + std::to_string(resp->status) + ")");
  }
  if (resp->status != 200) return Unavailable(what + ": HTTP " + std::to_string(resp->status));
  return r;
}

StatusOr<Observation> EtcdWatcher::Get() {
  auto r = Range(std::stop_token());
  if (!r.ok()) return r.status();
  return std::move(r->obs);
}

Status EtcdWatcher::Watch(std::stop_token stop, int64_t start_revision,
                          const std::function<void(const Observation&)>& on_event) {
  // progress_notify makes etcd send an empty message now and then (10 min by default), so an
  // idle timeout above that interval detects a dead connection.
  HttpRequest req =
      Request("/v3/watch", "{\"create_request\":{\"key\":\"" + Base64Encode(o_.key) +
                               "\",\"start_revision\":\"" + std::to_string(start_revision) +
                               "\",\"progress_notify\":true}}");
  req.timeout = Duration(0);
  const std::string what = "etcd " + base_url_ + " watch '" + o_.key + "' from revision " +
                           std::to_string(start_revision);
  LineSplitter lines;
  bool compacted = false;
  bool created = false;
  StreamOptions so;
  so.idle_timeout = o_.etcd_idle_timeout;
  so.on_data = [&](std::string_view chunk) {
    return lines.Feed(chunk, [&](std::string_view line) -> Status {
      auto m = ParseEtcdWatchMessage(line, o_.key);
      if (!m.ok()) return m.status();
      if (m->created) created = true;
      for (const auto& ev : m->events) on_event(ev);
      if (m->canceled) {
        if (m->compact_revision > 0) {
          compacted = true;
          // Ends the transfer: the gateway keeps the stream open after a cancel.
          return Unavailable("compacted at revision " + std::to_string(m->compact_revision));
        }
        return Unavailable("watch cancelled: " + m->cancel_reason);
      }
      return OkStatus();
    });
  };
  auto resp = StoppableHttpCall(req, stop, so);
  if (compacted) return OkStatus();
  if (!resp.ok()) return resp.status().WithContext(what);
  if (resp->status != 200) return Unavailable(what + ": HTTP " + std::to_string(resp->status));
  return Unavailable(what + (created ? ": stream ended" : ": stream ended before creation"));
}

void EtcdWatcher::Run(std::stop_token stop, const std::function<void(const Observation&)>& on_value,
                      const std::function<void(const Status&)>& on_error) {
  Backoff backoff(o_.pacing.initial, o_.pacing.max);
  std::optional<Observation> last;
  auto report = [&](const Observation& obs) {
    if (last && SameContent(*last, obs)) return;
    last = obs;
    on_value(obs);
  };
  int compactions_in_row = 0;
  while (!stop.stop_requested()) {
    auto r = Range(stop);
    if (stop.stop_requested()) break;
    if (!r.ok()) {
      on_error(r.status());
      if (!SleepFor(stop, backoff.Next())) break;
      continue;
    }
    backoff.Reset();
    report(r->obs);
    Status st = Watch(stop, r->revision + 1, report);
    if (stop.stop_requested()) break;
    if (st.ok() && ++compactions_in_row < 3) continue;  // compacted: read again, watch again
    // A store that keeps cancelling our watch is paced like a failure.
    if (st.ok()) st = Unavailable("etcd " + base_url_ + ": watch compacted 3 times in a row");
    compactions_in_row = 0;
    on_error(st);
    if (!SleepFor(stop, backoff.Next())) break;
  }
}

}  // namespace vs::kv
