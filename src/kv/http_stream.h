// An HTTP call that a stop_token interrupts at once, with an optional streaming body callback:
// the transport of the Consul blocking queries and the etcd watch stream. libcurl's multi
// interface is polled, and a stop request wakes the poll (curl_multi_wakeup), so a blocked
// request returns within milliseconds of the stop. Each call has its own handles; thread-safe.
#pragma once

#include <functional>
#include <stop_token>
#include <string_view>

#include "common/http_client.h"
#include "common/status.h"

namespace vs::kv {

struct StreamOptions {
  // Called with each piece of the body as it arrives (instead of collecting it into
  // HttpResponse::body). Return a non-ok Status to abort the transfer with that error.
  std::function<Status(std::string_view)> on_data;
  // Abort when fewer than 1 byte/s arrives for this long (0: off). For long-lived streams,
  // whose total time is unbounded (set HttpRequest::timeout to 0 for them).
  Duration idle_timeout{0};
};

// Like vs::HttpCall (a transport failure is a non-ok Status, any HTTP status is ok), but:
// returns Unavailable("... stopped") promptly when `stop` is requested, and streams the body
// when options.on_data is set. req.timeout of 0 means no overall limit.
StatusOr<HttpResponse> StoppableHttpCall(const HttpRequest& req, std::stop_token stop,
                                         const StreamOptions& options = {});

// Waits for `d`, or less if `stop` is requested; returns false when stopped.
bool SleepFor(std::stop_token stop, Duration d);

}  // namespace vs::kv
