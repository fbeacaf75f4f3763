// Resolution of the store's address (-kv-svc-name / -kv-port) as the original envoyd did it,
// but never giving up: each failure is reported and retried with jittered backoff until it
// works or the caller stops. The resolver function is injectable for tests.
//
// Thread-safe (no shared state). Each attempt of SystemResolve is bounded by the system
// resolver's own timeouts (resolv.conf); a stop request is seen between attempts.
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/net.h"
#include "common/status.h"
#include "kv/watcher.h"

namespace vs::kv {

// host -> its addresses, in preference order (as text, IPv6 without brackets).
using ResolveFn = std::function<StatusOr<std::vector<std::string>>(const std::string& host)>;

// getaddrinfo(host, SOCK_STREAM, AF_UNSPEC): the addresses in the order it gives, without
// duplicates. An IP literal resolves to itself. NotFound for an unknown name, Unavailable for
// a temporary failure.
StatusOr<std::vector<std::string>> SystemResolve(const std::string& host);

// The first address of `name` with `port`, after as many attempts as it takes; on_error (if
// set) is called with each failure. Returns Unavailable only when `stop` is requested.
StatusOr<HostPort> ResolveStoreAddress(const std::string& name, uint16_t port, std::stop_token stop,
                                       const Pacing& pacing,
                                       const std::function<void(const Status&)>& on_error = {},
                                       const ResolveFn& resolve = SystemResolve);

}  // namespace vs::kv
