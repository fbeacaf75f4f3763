// CONTRACT (agreed between kv and envoyd; the kv owner implements and may extend it).
//
// A watcher of one key in a store (Consul, etcd, a file). It reports observations, not changes:
// the same value may be reported again (Consul answers on any index move), and the consumer
// compares content. Transient failures (store down, HTTP 5xx, bad answers) are retried
// internally with jittered backoff and reported through on_error; Run never gives up.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

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
  // One read of the key now (for `envoyd once`). Bounded in time.
  virtual StatusOr<Observation> Get() = 0;
  // Blocks, calling on_value for each observation and on_error for each failed attempt, until
  // `stop` is requested; returns within about a second of that. Both callbacks run on the
  // calling thread.
  virtual void Run(std::stop_token stop, const std::function<void(const Observation&)>& on_value,
                   const std::function<void(const Status&)>& on_error) = 0;
};

}  // namespace vs::kv
