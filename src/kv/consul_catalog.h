// Service lookup in Consul's catalog (DESIGN.md 2.3): GET /v1/catalog/service/<name>, each
// instance as ServiceAddress (falling back to Address) and ServicePort. Used to resolve
// "-K @kafka". One bounded HTTP call per lookup; the caller owns retries. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/net.h"
#include "common/status.h"

namespace vs::kv {

// Parses a catalog answer (a JSON array). Entries without an address or port are skipped;
// an empty result is NotFound.
StatusOr<std::vector<HostPort>> ParseCatalogService(const std::string& json,
                                                    const std::string& service);

// consul: "host:port" of the agent (http:// is added when no scheme is given).
// token: sent as X-Consul-Token when not empty.
StatusOr<std::vector<HostPort>> LookupService(const std::string& consul, const std::string& service,
                                              const std::string& token = "");

// "h1:p1,h2:p2" for a bootstrap list.
std::string JoinHostPorts(const std::vector<HostPort>& hps);

}  // namespace vs::kv
