#include "graphite/hashing.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

#include "common/net.h"
#include "graphite/md5.h"

namespace vs::graphite {
namespace {

constexpr int kReplicas = 100;

// Python 3's repr() of a str, for the characters a host or instance name can hold: printable
// text is kept (non-ASCII too), quotes chosen as Python does, escapes for \\, \t, \n, \r and
// other control characters.
std::string PyRepr(const std::string& s) {
  char quote = '\'';
  if (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) quote = '"';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

}  // namespace

std::string Destination::ToString() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ":" + std::to_string(port);
  if (!instance.empty()) out += ":" + instance;
  return out;
}

StatusOr<Destination> ParseDestination(const std::string& s, uint16_t default_port) {
  auto bad = [&s](const std::string& why) {
    return InvalidArgument("carbon destination \"" + s + "\": " + why);
  };
  Destination d;
  std::string rest;  // after the host: "" or ":port[:instance]"
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string::npos) return bad("missing ']'");
    d.host = s.substr(1, close - 1);
    rest = s.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return bad("expected ':' after ']'");
  } else {
    size_t colon = s.find(':');
    d.host = s.substr(0, colon);
    if (colon != std::string::npos) rest = s.substr(colon);
  }
  if (d.host.empty()) return bad("empty host");
  d.port = default_port;
  if (!rest.empty()) {
    rest.erase(0, 1);               // the ':'
    size_t colon = rest.find(':');  // carbon: port, _, instance = port.partition(':')
    std::string port = rest.substr(0, colon);
    if (colon != std::string::npos) {
      d.instance = rest.substr(colon + 1);
      if (d.instance.empty()) return bad("empty instance");
    }
    auto p = ParsePort(port);
    if (!p.ok()) return p.status().WithContext("carbon destination \"" + s + "\"");
    d.port = *p;
  }
  if (d.port == 0) return bad("no port");
  return d;
}

Status CheckDestinations(const std::vector<Destination>& destinations) {
  if (destinations.empty()) return InvalidArgument("no carbon destination");
  std::unordered_set<std::string> seen;
  for (const auto& d : destinations) {
    if (!seen.insert(CarbonNodeKey(d)).second) {
      return InvalidArgument("carbon destination " + d.ToString() +
                             ": (host, instance) configured twice");
    }
  }
  return OkStatus();
}

std::string CarbonNodeKey(const Destination& d) {
  return "(" + PyRepr(d.host) + ", " + (d.instance.empty() ? "None" : PyRepr(d.instance)) + ")";
}

ConsistentHashRing::ConsistentHashRing(const std::vector<Destination>& destinations)
    : count_(destinations.size()) {
  if (destinations.empty() || destinations.size() > UINT16_MAX) std::abort();
  // Positions are unique after bumping, so a set of taken positions replaces carbon's linear
  // scan; insertion order still decides who gets bumped, as in add_node.
  std::unordered_set<uint32_t> taken;
  ring_.reserve(destinations.size() * kReplicas);
  for (size_t idx = 0; idx < destinations.size(); ++idx) {
    std::string key = CarbonNodeKey(destinations[idx]);
    for (int i = 0; i < kReplicas; ++i) {
      uint32_t pos = Md5Prefix16(key + ":" + std::to_string(i));
      while (taken.count(pos)) ++pos;
      taken.insert(pos);
      ring_.emplace_back(pos, idx);
    }
  }
  std::sort(ring_.begin(), ring_.end());
  // bisect_left(ring, (p, ())) = the first entry with position >= p, since () sorts before any
  // node tuple; past the end wraps to entry 0. Precomputed for every 16-bit p.
  table_.resize(0x10000);
  size_t e = 0;
  for (uint32_t p = 0; p < 0x10000; ++p) {
    while (e < ring_.size() && ring_[e].first < p) ++e;
    table_[p] = static_cast<uint16_t>(ring_[e == ring_.size() ? 0 : e].second);
  }
}

size_t ConsistentHashRing::Route(std::string_view path) const {
  if (count_ == 1) return 0;
  return table_[Md5Prefix16(path)];
}

size_t RouteCache::Route(std::string_view path) {
  if (auto it = memo_.find(path); it != memo_.end()) return it->second;
  size_t idx = ring_->Route(path);
  if (memo_.size() >= max_) memo_.clear();
  memo_.emplace(std::string(path), static_cast<uint16_t>(idx));
  return idx;
}

}  // namespace vs::graphite
