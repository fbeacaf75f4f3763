#include "envoyd/model.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>

#include "envoyd/json_object.h"

namespace vs::envoyd {

std::string Core::Address() const {
  std::string p = std::to_string(port);
  std::string h(host);
  if (host.find(':') != std::string_view::npos) return "[" + h + "]:" + p;
  return h + ":" + p;
}

bool ValidHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.find(':') != std::string_view::npos) {
    std::string h(host);  // inet_pton wants a NUL-terminated string
    in6_addr a6;
    return inet_pton(AF_INET6, h.c_str(), &a6) == 1;
  }
  static constexpr auto kDnsChars = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
      t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '-' || c == '_';
    }
    return t;
  }();
  for (char c : host) {
    if (!kDnsChars[static_cast<unsigned char>(c)]) return false;
  }
  return host.front() != '-' && host.front() != '.';
}

namespace {

// A string in the arena being built: views are made only once it stops growing.
struct Span {
  uint32_t off = 0, len = 0;
};

struct RawCore {
  Span slot, id, host;
};

// A "host:port" address as a sort key: the first 16 bytes as a big-endian 128-bit integer
// (zero-padded: hosts hold no NUL, so the padding orders a prefix first, as bytewise
// comparison does), the rest compared by memcmp on a tie.
struct AddressKey {
  unsigned __int128 prefix;
  Span addr;
  uint32_t core;
};

unsigned __int128 Prefix16(const char* p, size_t n) {
  static_assert(std::endian::native == std::endian::little, "the keys are built by bswap");
  unsigned char b[16] = {0};
  std::memcpy(b, p, std::min<size_t>(n, 16));
  uint64_t hi, lo;
  std::memcpy(&hi, b, 8);
  std::memcpy(&lo, b + 8, 8);
  return (static_cast<unsigned __int128>(__builtin_bswap64(hi)) << 64) | __builtin_bswap64(lo);
}

}  // namespace

StatusOr<Assignment> ParseAssignment(std::string_view json, uint16_t core_port) {
  StatusOr<simdjson::dom::object> parsed = ParseJsonObject(json, kMaxAssignmentBytes, "assignment");
  if (!parsed.ok()) return parsed.status();
  const simdjson::dom::object obj = *parsed;
  if (obj.size() > kMaxCores) {
    return ResourceExhausted("assignment has more than " + std::to_string(kMaxCores) + " entries");
  }
  Assignment a;
  // Every string of the result lives in one arena: one allocation instead of three per core.
  auto arena = std::make_shared<std::string>();
  arena->reserve(json.size() + obj.size() * 16);
  auto put = [&arena](std::string_view s) {
    Span sp{static_cast<uint32_t>(arena->size()), static_cast<uint32_t>(s.size())};
    arena->append(s);
    return sp;
  };
  std::vector<RawCore> raw;
  raw.reserve(obj.size());
  for (auto field : obj) {
    simdjson::dom::element v = field.value;
    if (v.is_null()) {
      ++a.skipped;
      continue;
    }
    simdjson::dom::object entry;
    if (v.get_object().get(entry)) {
      ++a.skipped;
      a.warnings.push_back("slot " + std::string(field.key) + ": not an object");
      continue;
    }
    std::string_view host;
    if (entry["host"].get_string().get(host)) {
      ++a.skipped;
      a.warnings.push_back("slot " + std::string(field.key) + ": no string host");
      continue;
    }
    // A bracketed IPv6 literal is accepted and stored without brackets.
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (!ValidHost(host)) {
      ++a.skipped;
      a.warnings.push_back("slot " + std::string(field.key) + ": invalid host");
      continue;
    }
    std::string_view id;
    if (entry["id"].get_string().get(id)) id = {};
    RawCore& c = raw.emplace_back();
    c.slot = put(field.key);
    c.id = put(id);
    c.host = put(host);
  }
  auto view = [&arena](Span s) { return std::string_view(arena->data() + s.off, s.len); };
  auto by_slot = [&view](const RawCore& x, const RawCore& y) {
    int c = view(x.slot).compare(view(y.slot));
    return c != 0 ? c < 0 : view(x.host) < view(y.host);
  };
  // Leaders write the slots in order: a linear check saves the sort's many compares.
  if (!std::is_sorted(raw.begin(), raw.end(), by_slot)) {
    std::sort(raw.begin(), raw.end(), by_slot);
  }

  // The "host:port" strings, appended to the arena, sorted as keys, de-duplicated.
  char port_buf[8];
  auto [port_end, ec] = std::to_chars(port_buf, port_buf + sizeof(port_buf), core_port);
  (void)ec;
  std::string_view port(port_buf, static_cast<size_t>(port_end - port_buf));
  // The host is copied from the arena into the arena: reserve first, so that no append
  // reallocates under the view being copied.
  size_t needed = 0;
  for (const auto& c : raw) needed += c.host.len + 3 + port.size();
  arena->reserve(arena->size() + needed);
  std::vector<AddressKey> keys;
  keys.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    uint32_t off = static_cast<uint32_t>(arena->size());
    std::string_view host = view(raw[i].host);
    bool v6 = host.find(':') != std::string_view::npos;
    if (v6) arena->push_back('[');
    arena->append(host);
    if (v6) arena->push_back(']');
    arena->push_back(':');
    arena->append(port);
    Span addr{off, static_cast<uint32_t>(arena->size() - off)};
    keys.push_back({Prefix16(arena->data() + off, addr.len), addr, static_cast<uint32_t>(i)});
  }
  std::sort(keys.begin(), keys.end(), [&view](const AddressKey& x, const AddressKey& y) {
    if (x.prefix != y.prefix) return x.prefix < y.prefix;
    if (x.addr.len <= 16 && y.addr.len <= 16) return x.addr.len < y.addr.len;
    return view(x.addr) < view(y.addr);
  });

  // The arena is complete: views into it stay valid for as long as it lives.
  a.cores.reserve(raw.size());
  for (const auto& c : raw) a.cores.push_back({view(c.slot), view(c.id), view(c.host), core_port});
  a.rr.reserve(keys.size());
  a.rr_core.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0 && keys[i].prefix == keys[i - 1].prefix &&
        view(keys[i].addr) == view(keys[i - 1].addr)) {
      continue;
    }
    a.rr.push_back(view(keys[i].addr));
    a.rr_core.push_back(keys[i].core);
  }
  a.arena = std::move(arena);
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
  // Unique (host, port) pairs in the bytewise order of their addresses, as VolthaRR:
  // ParseAssignment recorded a core for each address.
  std::vector<const Core*> eps;
  if (a.rr_core.size() == a.rr.size()) {
    eps.reserve(a.rr_core.size());
    for (uint32_t i : a.rr_core) eps.push_back(&a.cores[i]);
  } else {  // an Assignment built by hand
    std::vector<std::pair<std::string, const Core*>> keyed;
    keyed.reserve(a.cores.size());
    for (const auto& c : a.cores) keyed.emplace_back(c.Address(), &c);
    std::sort(keyed.begin(), keyed.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    for (size_t i = 0; i < keyed.size(); ++i) {
      if (i == 0 || keyed[i].first != keyed[i - 1].first) eps.push_back(keyed[i].second);
    }
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
  // An IP literal resolves to itself: no getaddrinfo (NSS, /etc/hosts, gai.conf) per render.
  char buf[INET6_ADDRSTRLEN] = {0};
  in_addr a4;
  in6_addr a6;
  if (inet_pton(AF_INET, name.c_str(), &a4) == 1) {
    return std::string(inet_ntop(AF_INET, &a4, buf, sizeof(buf)));
  }
  if (inet_pton(AF_INET6, name.c_str(), &a6) == 1) {
    return std::string(inet_ntop(AF_INET6, &a6, buf, sizeof(buf)));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    return Unavailable("resolve '" + name + "': " + gai_strerror(rc));
  }
  const void* addr =
      res->ai_family == AF_INET6
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr);
  inet_ntop(res->ai_family, addr, buf, sizeof(buf));
  freeaddrinfo(res);
  return std::string(buf);
}

namespace {

// XXH64 (Yann Collet's xxHash, 64-bit, seed 0), little-endian loads.
constexpr uint64_t kP1 = 0x9E3779B185EBCA87ULL, kP2 = 0xC2B2AE3D27D4EB4FULL,
                   kP3 = 0x165667B19E3779F9ULL, kP4 = 0x85EBCA77C2B2AE63ULL,
                   kP5 = 0x27D4EB2F165667C5ULL;

uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t Round(uint64_t acc, uint64_t in) { return Rotl(acc + in * kP2, 31) * kP1; }
uint64_t Merge(uint64_t acc, uint64_t v) { return (acc ^ Round(0, v)) * kP1 + kP4; }

uint64_t Xxh64(std::string_view data) {
  const char* p = data.data();
  const char* end = p + data.size();
  uint64_t h;
  if (data.size() >= 32) {
    uint64_t v1 = kP1 + kP2, v2 = kP2, v3 = 0, v4 = 0 - kP1;
    for (; p + 32 <= end; p += 32) {
      v1 = Round(v1, Load64(p));
      v2 = Round(v2, Load64(p + 8));
      v3 = Round(v3, Load64(p + 16));
      v4 = Round(v4, Load64(p + 24));
    }
    h = Rotl(v1, 1) + Rotl(v2, 7) + Rotl(v3, 12) + Rotl(v4, 18);
    h = Merge(Merge(Merge(Merge(h, v1), v2), v3), v4);
  } else {
    h = kP5;
  }
  h += data.size();
  for (; p + 8 <= end; p += 8) h = Rotl(h ^ Round(0, Load64(p)), 27) * kP1 + kP4;
  if (p + 4 <= end) {
    h = Rotl(h ^ (static_cast<uint64_t>(Load32(p)) * kP1), 23) * kP2 + kP3;
    p += 4;
  }
  for (; p < end; ++p) h = Rotl(h ^ (static_cast<unsigned char>(*p) * kP5), 11) * kP1;
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

}  // namespace

std::string Digest(std::string_view data) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(Xxh64(data)));
  return buf;
}

}  // namespace vs::envoyd
