// The etcd v3 watcher (DESIGN.md 2.4) on the JSON gateway of the client port.
//
// Run: POST /v3/kv/range for the key, report it, then POST /v3/watch from header.revision + 1
// and read the response as a stream of newline-delimited JSON messages, reporting each event
// on the key (DELETE: exists=false). When the watch is cancelled because its start revision
// was compacted, the key is read again and a new watch starts from the new revision (no
// backoff: no change is lost, as the read sees the latest value). Any other end of the stream
// (etcd down, error message, bad JSON, idle for etcd_idle_timeout) is reported through
// on_error and followed by the same read-then-watch after a jittered backoff.
//
// Thread: one thread calls Get/Run at a time. Stop aborts the stream at once.
#pragma once

#include <string>

#include "common/http_client.h"
#include "kv/etcd_json.h"
#include "kv/watcher.h"

namespace vs::kv {

class EtcdWatcher final : public Watcher {
 public:
  explicit EtcdWatcher(WatcherOptions options);
  StatusOr<Observation> Get() override;
  void Run(std::stop_token stop, const std::function<void(const Observation&)>& on_value,
           const std::function<void(const Status&)>& on_error) override;

 private:
  StatusOr<EtcdRange> Range(std::stop_token stop);
  // Streams the watch until it ends. Returns ok when it ended by compaction (read again).
  Status Watch(std::stop_token stop, int64_t start_revision,
               const std::function<void(const Observation&)>& on_event);
  HttpRequest Request(const std::string& path, std::string body) const;

  WatcherOptions o_;
  std::string base_url_;
};

}  // namespace vs::kv
