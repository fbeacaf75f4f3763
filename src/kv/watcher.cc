#include "kv/watcher.h"

#include <algorithm>
#include <cmath>

#include "kv/consul_watcher.h"
#include "kv/etcd_watcher.h"
#include "kv/file_watcher.h"

namespace vs::kv {

StatusOr<StoreKind> ParseStoreKind(const std::string& s) {
  if (s == "consul") return StoreKind::kConsul;
  if (s == "etcd") return StoreKind::kEtcd;
  if (s == "file") return StoreKind::kFile;
  return InvalidArgument("unknown kv store '" + s + "' (want consul, etcd or file)");
}

const char* StoreKindName(StoreKind kind) {
  switch (kind) {
    case StoreKind::kConsul:
      return "consul";
    case StoreKind::kEtcd:
      return "etcd";
    case StoreKind::kFile:
      return "file";
  }
  return "?";
}

Pacing PacingFromFlags(int retries, double wait_time_s) {
  Pacing p;
  // Guard against 0 and nonsense so that the loop never spins.
  double wait = std::isfinite(wait_time_s) ? std::clamp(wait_time_s, 0.05, 3600.0) : 2.0;
  int n = std::clamp(retries, 1, 1000);
  p.initial = Seconds(wait);
  p.max = Seconds(std::min(wait * n, 3600.0));
  return p;
}

StatusOr<std::unique_ptr<Watcher>> MakeWatcher(const WatcherOptions& options) {
  const std::string kind = StoreKindName(options.kind);
  if (options.pacing.initial.count() <= 0 || options.pacing.max < options.pacing.initial) {
    return InvalidArgument(kind + " watcher: pacing needs 0 < initial <= max");
  }
  if (options.kind == StoreKind::kFile) {
    if (options.file_path.empty()) return InvalidArgument("file watcher: no file path");
    if (options.file_path.back() == '/') {
      return InvalidArgument("file watcher: '" + options.file_path + "' names a directory");
    }
    return std::unique_ptr<Watcher>(new FileWatcher(options));
  }
  if (options.address.empty()) return InvalidArgument(kind + " watcher: no store address");
  if (options.key.empty()) return InvalidArgument(kind + " watcher: no key");
  if (options.kind == StoreKind::kConsul) {
    if (options.max_requests_per_s <= 0 || options.request_burst < 1) {
      return InvalidArgument("consul watcher: rate limit needs rate > 0 and burst >= 1");
    }
    if (options.consul_wait < std::chrono::milliseconds(1)) {
      return InvalidArgument("consul watcher: wait must be at least 1 ms");
    }
    return std::unique_ptr<Watcher>(new ConsulWatcher(options));
  }
  return std::unique_ptr<Watcher>(new EtcdWatcher(options));
}

}  // namespace vs::kv
