#include "kv/consul_catalog.h"

#include <simdjson.h>

#include "common/http_client.h"

namespace vs::kv {

StatusOr<std::vector<HostPort>> ParseCatalogService(const std::string& json,
                                                    const std::string& service) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(json).get(doc)) {
    return InvalidArgument("consul catalog " + service + ": " + simdjson::error_message(err));
  }
  simdjson::dom::array arr;
  if (doc.get_array().get(arr)) {
    return InvalidArgument("consul catalog " + service + ": answer is not a JSON array");
  }
  std::vector<HostPort> out;
  for (auto entry : arr) {
    std::string_view addr;
    if (entry["ServiceAddress"].get_string().get(addr) || addr.empty()) {
      if (entry["Address"].get_string().get(addr)) continue;
    }
    int64_t port = 0;
    if (entry["ServicePort"].get_int64().get(port) || port <= 0 || port > 65535) continue;
    if (addr.empty()) continue;
    out.push_back(HostPort{std::string(addr), static_cast<uint16_t>(port)});
  }
  if (out.empty()) return NotFound("consul catalog: service '" + service + "' has no instances");
  return out;
}

StatusOr<std::vector<HostPort>> LookupService(const std::string& consul, const std::string& service,
                                              const std::string& token) {
  HttpRequest req;
  std::string base = consul.find("://") == std::string::npos ? "http://" + consul : consul;
  req.url = base + "/v1/catalog/service/" + service;
  req.timeout = std::chrono::seconds(5);
  req.max_body = 4 << 20;
  if (!token.empty()) req.headers.push_back("X-Consul-Token: " + token);
  auto resp = HttpCall(req);
  if (!resp.ok()) return resp.status().WithContext("consul lookup of '" + service + "'");
  if (resp->status != 200) {
    return Unavailable("consul lookup of '" + service + "' at " + consul + ": HTTP " +
                       std::to_string(resp->status));
  }
  return ParseCatalogService(resp->body, service);
}

std::string JoinHostPorts(const std::vector<HostPort>& hps) {
  std::string s;
  for (const auto& hp : hps) {
    if (!s.empty()) s += ",";
    s += hp.ToString();
  }
  return s;
}

}  // namespace vs::kv
