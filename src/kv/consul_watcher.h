// The Consul KV watcher (DESIGN.md 2.3): blocking queries on GET /v1/kv/<key>.
//
// Index rules: the first read carries no index; each answer's X-Consul-Index (also on a 404,
// which means the key is missing and is reported as exists=false) is the next `index=`, with
// `wait=` set from the options; an index of 0 is replaced by 1 (blocking on 0 returns at once);
// an index lower than the previous answer's means the store was reset or replaced: that answer
// is discarded and one read without index follows, whose index is then used. The loop is paced by
// a token bucket and backs off with jitter on errors (transport failures, 403, 5xx, answers
// without X-Consul-Index or with bad JSON), keeping its index across errors.
//
// Thread: one thread calls Get/Run at a time. Stop interrupts a blocking query at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kv/watcher.h"

namespace vs::kv {

// Parses a Consul KV answer (a JSON array of {"Key", "Value" (base64 or null), ...}) for
// `key`: exists=true with the decoded value (a null Value is the empty value), version from
// ModifyIndex. An empty array is exists=false. Bad JSON, no entry for `key` or bad base64 is
// InvalidArgument. Thread-safe.
StatusOr<Observation> ParseConsulKvAnswer(std::string_view json, std::string_view key);

// Percent-encodes a key for the URL path, keeping '/' and RFC 3986 unreserved characters.
std::string EscapeConsulKey(std::string_view key);

class ConsulWatcher final : public Watcher {
 public:
  // The options must have been validated by MakeWatcher; reads CONSUL_HTTP_TOKEN(_FILE) here.
  explicit ConsulWatcher(WatcherOptions options);
  StatusOr<Observation> Get() override;
  void Run(std::stop_token stop, const std::function<void(const Observation&)>& on_value,
           const std::function<void(const Status&)>& on_error) override;

 private:
  struct Answer {
    Observation obs;
    uint64_t index = 0;
  };
  // index 0: a plain read; otherwise a blocking query on that index.
  StatusOr<Answer> Fetch(std::stop_token stop, uint64_t index);
  StatusOr<std::string> Token() const;

  WatcherOptions o_;
  std::string base_url_;
  std::string token_;       // fixed token (options or CONSUL_HTTP_TOKEN)
  std::string token_file_;  // re-read before each request when set
};

}  // namespace vs::kv
