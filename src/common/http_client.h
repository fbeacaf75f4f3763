// A blocking HTTP client on libcurl for the control plane (Consul, etcd, Envoy admin). Each
// call is bounded by `timeout`; the body is capped at `max_body` bytes (larger: an error).
// Thread-safe: each call uses its own easy handle. Never throws.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vs {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  Duration timeout = std::chrono::seconds(10);
  size_t max_body = 16 << 20;
  // TLS, all optional: CA bundle, client cert and key, and whether to verify the peer.
  std::string ca_file, cert_file, key_file;
  bool insecure = false;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
};

// A transport failure (refused, timeout, oversize) is a non-ok Status; any HTTP status is ok.
StatusOr<HttpResponse> HttpCall(const HttpRequest& req);

}  // namespace vs
