// CONTRACT (shovel depends on it; the graphite owner implements it and may extend it).
//
// Carbon destinations "host[:port[:instance]]" and carbon's consistent hashing (carbon_ch, as
// carbon/hashing.py ConsistentHashRing with 100 replicas and md5 positions), so that shovel
// routes each path to the same carbon-cache a carbon-relay would. Immutable after construction;
// thread-safe to query.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vs::graphite {

struct Destination {
  std::string host;
  uint16_t port = 2004;
  std::string instance;  // empty = None
  std::string ToString() const;  // "host:port[:instance]"
};

// Parses carbon's destination syntax; default_port when the port is absent.
StatusOr<Destination> ParseDestination(const std::string& s, uint16_t default_port);

class ConsistentHashRing {
 public:
  explicit ConsistentHashRing(const std::vector<Destination>& destinations);
  // Index into the constructor's vector of the destination for `path`.
  size_t Route(std::string_view path) const;

 private:
  std::vector<std::pair<uint32_t, size_t>> ring_;  // (position, destination index), sorted
};

}  // namespace vs::graphite
