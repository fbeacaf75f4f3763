// CONTRACT (agreed between kv and envoyd; the kv owner implements and may extend it).
//
// A watcher of one key in a store (Consul, etcd, a file). It reports observations, not changes:
// the same value may be reported again (for example after a reconnect or when a value goes
// A -> B -> A), and the consumer compares content. Run() does coalesce consecutive identical
// observations (same `exists` and `value`), so a bare Consul index move or an etcd rewrite of
// the same bytes is not reported. Transient failures (store down, HTTP 5xx, 403, bad answers,
// missing directory) are retried internally with jittered backoff and reported through
// on_error; Run never gives up.
//
// Build one with MakeWatcher(WatcherOptions) below; that is all a consumer needs to know.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace vs::kv {

struct Observation {
  bool exists = false;  // false: the key is missing or was deleted
  std::string value;    // raw bytes when exists
  std::string version;  // store position (Consul index, etcd mod revision, file mtime) for logs
};

class Watcher {
 public:
  virtual ~Watcher() = default;
  // One read of the key now (for `envoyd once`). Bounded in time (about 10 s at most).
  // A missing key is an ok Observation with exists=false, not an error.
  virtual StatusOr<Observation> Get() = 0;
  // Blocks, calling on_value for each observation and on_error for each failed attempt, until
  // `stop` is requested; returns within about a second of that. Both callbacks run on the
  // calling thread. The first observation is reported as soon as the store answers.
  virtual void Run(std::stop_token stop, const std::function<void(const Observation&)>& on_value,
                   const std::function<void(const Status&)>& on_error) = 0;
};

enum class StoreKind { kConsul, kEtcd, kFile };

// "consul", "etcd" or "file" (the -kv flag); anything else is InvalidArgument.
StatusOr<StoreKind> ParseStoreKind(const std::string& s);
const char* StoreKindName(StoreKind kind);

// Retry pacing: the delay after the n-th consecutive failure is drawn from [d/2, d] with
// d = min(max, initial * 2^n); a success resets it. Failures never end the watch.
struct Pacing {
  Duration initial = std::chrono::seconds(2);
  Duration max = std::chrono::seconds(20);
};

// The original envoyd's -retries N and -wait-time S (seconds) as pacing: the first retry after
// about S seconds, growing to S * N at most. (They never cause an exit here.)
Pacing PacingFromFlags(int retries, double wait_time_s);

// TLS for Consul and etcd (libcurl options). Setting ca_file, cert_file or key_file switches a
// scheme-less address to https.
struct TlsOptions {
  std::string ca_file;    // CA bundle to verify the server
  std::string cert_file;  // client certificate (PEM)
  std::string key_file;   // client key (PEM)
  bool insecure = false;  // do not verify the server (tests only)
  bool enabled() const { return !ca_file.empty() || !cert_file.empty() || !key_file.empty(); }
};

struct WatcherOptions {
  StoreKind kind = StoreKind::kConsul;
  // consul/etcd: "host:port" (e.g. from ResolveStoreAddress in kv/resolver.h), or a URL
  // "http://host:port" / "https://host:port".
  std::string address;
  // consul/etcd: the key watched, e.g. "service/voltha/data/core/assignment".
  std::string key;
  // file: the file watched (-kv-file). Its directory is watched with inotify.
  std::string file_path;
  TlsOptions tls;
  // Consul ACL token. Never take it from a command-line flag: when `token` and `token_file`
  // are empty, CONSUL_HTTP_TOKEN is used, else the file named by CONSUL_HTTP_TOKEN_FILE.
  // `token_file` is re-read before each request, so a rotated token is picked up.
  // `token` is for embedders and tests only.
  std::string token_file;
  std::string token;
  Pacing pacing;
  // Consul: the blocking-query wait (`wait=`); Consul caps it at 10 minutes.
  Duration consul_wait = std::chrono::seconds(60);
  // Consul: use ?raw (the bare value) instead of the JSON array answer.
  bool consul_raw = false;
  // Consul: the request loop is paced by a token bucket (answers can come back at once when
  // the index keeps moving or the server misbehaves).
  double max_requests_per_s = 5;
  double request_burst = 10;
  // etcd: a watch stream that has carried no byte for this long is re-established (the
  // watch asks for progress notifications, which etcd sends every 10 minutes by default).
  Duration etcd_idle_timeout = std::chrono::minutes(15);
  // For the token bucket; nullptr means the real clock. Not owned.
  const Clock* clock = nullptr;
};

// Validates the options (address and key for consul/etcd, file_path for file) and builds the
// watcher; no I/O happens here. Thread-safe. The watcher is used by one thread at a time.
StatusOr<std::unique_ptr<Watcher>> MakeWatcher(const WatcherOptions& options);

}  // namespace vs::kv
