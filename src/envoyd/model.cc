#include "envoyd/model.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <algorithm>

namespace vs::envoyd {

std::string Core::Address() const {
  std::string p = std::to_string(port);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + p;
  return host + ":" + p;
}

bool ValidHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::string h(host);
  in6_addr a6;
  if (host.find(':') != std::string_view::npos) return inet_pton(AF_INET6, h.c_str(), &a6) == 1;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return host.front() != '-' && host.front() != '.';
}

StatusOr<Assignment> ParseAssignment(std::string_view json, uint16_t core_port) {
  if (json.size() > kMaxAssignmentBytes) {
    return ResourceExhausted("assignment of " + std::to_string(json.size()) +
                             " bytes exceeds the limit");
  }
  // One parser per thread: its buffers are reused across the (frequent) calls.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc)) {
    return InvalidArgument(std::string("assignment is not valid JSON: ") +
                           simdjson::error_message(err));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return InvalidArgument("assignment is not a JSON object");
  if (obj.size() > kMaxCores) {
    return ResourceExhausted("assignment has more than " + std::to_string(kMaxCores) + " entries");
  }
  Assignment a;
  for (auto field : obj) {
    std::string slot(field.key);
    simdjson::dom::element v = field.value;
    if (v.is_null()) {
      ++a.skipped;
      continue;
    }
    simdjson::dom::object entry;
    if (v.get_object().get(entry)) {
      ++a.skipped;
      a.warnings.push_back("slot " + slot + ": not an object");
      continue;
    }
    std::string_view host;
    if (entry["host"].get_string().get(host)) {
      ++a.skipped;
      a.warnings.push_back("slot " + slot + ": no string host");
      continue;
    }
    // A bracketed IPv6 literal is accepted and stored without brackets.
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (!ValidHost(host)) {
      ++a.skipped;
      a.warnings.push_back("slot " + slot + ": invalid host");
      continue;
    }
    Core c;
    c.slot = std::move(slot);
    std::string_view id;
    if (!entry["id"].get_string().get(id)) c.id = std::string(id);
    c.host = std::string(host);
    c.port = core_port;
    a.cores.push_back(std::move(c));
  }
  auto by_slot = [](const Core& x, const Core& y) {
    int c = x.slot.compare(y.slot);
    return c != 0 ? c < 0 : x.host < y.host;
  };
  // Leaders write the slots in order: a linear check saves the sort's many compares.
  if (!std::is_sorted(a.cores.begin(), a.cores.end(), by_slot)) {
    std::sort(a.cores.begin(), a.cores.end(), by_slot);
  }
  a.rr.reserve(a.cores.size());
  for (const auto& c : a.cores) a.rr.push_back(c.Address());
  std::sort(a.rr.begin(), a.rr.end());
  a.rr.erase(std::unique(a.rr.begin(), a.rr.end()), a.rr.end());
  return a;
}

namespace {

void AppendKeyString(const char* key, std::string_view v, std::string* out) {
  out->push_back('"');
  out->append(key);
  out->append("\":");
  AppendJsonString(v, out);
}

}  // namespace

std::string TemplateDataJson(const TemplateData& d) {
  static const Assignment kEmpty;
  const Assignment& a = d.assignment ? *d.assignment : kEmpty;
  std::string out;
  out.reserve(256 + a.cores.size() * 96);
  out.push_back('{');
  AppendKeyString("VolthaVip", d.voltha_vip, &out);
  out.append(",\"VolthaRR\":[");
  for (size_t i = 0; i < a.rr.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(a.rr[i], &out);
  }
  out.append("],");
  AppendKeyString("HttpPort", d.http_port, &out);
  out.push_back(',');
  AppendKeyString("HttpsPort", d.https_port, &out);
  out.push_back(',');
  AppendKeyString("GrpcPort", d.grpc_port, &out);
  out.push_back(',');
  AppendKeyString("EdsPath", d.eds_path, &out);
  out.push_back(',');
  AppendKeyString("VipHost", d.vip_host, &out);
  out.append(",\"VipPort\":");
  out.append(std::to_string(d.vip_port));
  out.append(",\"Cores\":[");
  for (size_t i = 0; i < a.cores.size(); ++i) {
    const Core& c = a.cores[i];
    if (i) out.push_back(',');
    out.push_back('{');
    AppendKeyString("Slot", c.slot, &out);
    out.push_back(',');
    AppendKeyString("Id", c.id, &out);
    out.push_back(',');
    AppendKeyString("Host", c.host, &out);
    out.append(",\"Port\":");
    out.append(std::to_string(c.port));
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

std::string EdsResponseJson(const Assignment& a, const std::string& cluster,
                            const std::string& version) {
  // Unique (host, port) pairs in the bytewise order of their addresses, as VolthaRR. The
  // addresses are built once, not in every comparison.
  std::vector<std::pair<std::string, const Core*>> keyed;
  keyed.reserve(a.cores.size());
  for (const auto& c : a.cores) keyed.emplace_back(c.Address(), &c);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<const Core*> eps;
  eps.reserve(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (i == 0 || keyed[i].first != keyed[i - 1].first) eps.push_back(keyed[i].second);
  }
  std::string out;
  out.reserve(256 + eps.size() * 120);
  out.append("{\"version_info\":");
  AppendJsonString(version, &out);
  out.append(
      ",\"resources\":[{\"@type\":\"type.googleapis.com/"
      "envoy.config.endpoint.v3.ClusterLoadAssignment\",\"cluster_name\":");
  AppendJsonString(cluster, &out);
  out.append(",\"endpoints\":[{\"lb_endpoints\":[");
  for (size_t i = 0; i < eps.size(); ++i) {
    if (i) out.push_back(',');
    out.append("{\"endpoint\":{\"address\":{\"socket_address\":{\"address\":");
    AppendJsonString(eps[i]->host, &out);
    out.append(",\"port_value\":");
    out.append(std::to_string(eps[i]->port));
    out.append("}}}}");
  }
  out.append("]}]}]}\n");
  return out;
}

StatusOr<std::string> ResolveFirstAddress(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    return Unavailable("resolve '" + name + "': " + gai_strerror(rc));
  }
  char buf[INET6_ADDRSTRLEN] = {0};
  const void* addr =
      res->ai_family == AF_INET6
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr);
  inet_ntop(res->ai_family, addr, buf, sizeof(buf));
  freeaddrinfo(res);
  return std::string(buf);
}

std::string Digest(std::string_view data) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace vs::envoyd
