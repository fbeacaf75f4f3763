// CONTRACT (shovel depends on it; the graphite owner implements it and may extend it).
//
// Carbon destinations "host[:port[:instance]]" and carbon's consistent hashing (carbon_ch, as
// carbon/hashing.py ConsistentHashRing with 100 replicas and md5 positions), so that shovel
// routes each path to the same carbon-cache a carbon-relay would. Immutable after construction;
// thread-safe to query.
//
// Ring (carbon 1.1 hashing.py): destinations are added in the given order; for each, replicas
// i = 0..99 get position int(md5("%s:%d" % ((server, instance), i))[:4], 16), where the tuple
// is printed as Python does ("('127.0.0.1', None)", "('10.0.0.1', 'a')"); a position already
// taken is bumped by one until free. A path goes to the first ring entry whose position is >=
// int(md5(path)[:4], 16), wrapping to the first entry. The port is not part of the key.
// Verified against carbon's own module by tests/graphite/hashing_test.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace vs::graphite {

struct Destination {
  std::string host;
  uint16_t port = 2004;
  std::string instance;          // empty = None
  std::string ToString() const;  // "host:port[:instance]", IPv6 hosts in brackets
};

// Parses carbon's destination syntax; default_port when the port is absent. Accepts "host",
// "host:port", "host:port:instance", "[v6]", "[v6]:port[:instance]". An empty host, a bad
// port or an empty instance ("h:1:") is InvalidArgument.
StatusOr<Destination> ParseDestination(const std::string& s, uint16_t default_port);

// Carbon refuses two destinations with the same (host, instance): so do we (InvalidArgument).
// Call it before building a ring from user input; an empty list is also InvalidArgument.
Status CheckDestinations(const std::vector<Destination>& destinations);

// Python's str() of the ring key tuple (host, instance), e.g. "('127.0.0.1', None)".
std::string CarbonNodeKey(const Destination& d);

class ConsistentHashRing {
 public:
  // `destinations` must be non-empty (aborts otherwise); duplicates behave as in carbon's
  // ConsistentHashRing.add_node (use CheckDestinations to refuse them).
  explicit ConsistentHashRing(const std::vector<Destination>& destinations);
  // Index into the constructor's vector of the destination for `path`. One md5 of the path
  // and a table lookup; with one destination, no hashing at all.
  size_t Route(std::string_view path) const;

  // The ring (position, destination index), sorted: for tests and diagnostics.
  const std::vector<std::pair<uint32_t, size_t>>& ring() const { return ring_; }

 private:
  std::vector<std::pair<uint32_t, size_t>> ring_;  // (position, destination index), sorted
  std::vector<uint16_t> table_;                    // md5 prefix (0..0xffff) -> destination index
  size_t count_ = 0;
};

// A memo of ConsistentHashRing::Route for one thread: KPI paths repeat every interval, and a
// hash-map hit costs a fraction of the md5 (see docs/PERFORMANCE.md). Same answers as Route.
// Bounded: forgets everything when it holds max_entries paths. Not thread-safe; the ring must
// outlive it.
class RouteCache {
 public:
  explicit RouteCache(const ConsistentHashRing* ring, size_t max_entries = 1 << 16)
      : ring_(ring), max_(max_entries) {}
  size_t Route(std::string_view path);
  size_t size() const { return memo_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const ConsistentHashRing* ring_;
  size_t max_;
  std::unordered_map<std::string, uint16_t, Hash, std::equal_to<>> memo_;
};

}  // namespace vs::graphite
