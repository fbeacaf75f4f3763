// The assignment model (DESIGN.md 1.1, issue 4 point 2): the JSON value of the assignment key
// turned into the data the templates see. Pure functions, thread-safe, no I/O except
// ResolveFirstAddress (getaddrinfo, bounded by the resolver's own timeouts).
//
// Parsing rules, each a fix of a defect of the original (DESIGN.md 1.3):
//  - `null` slots and entries without a string `host` are skipped (counted in `skipped`), never
//    borrowing another entry's host;
//  - a host must be an IPv4/IPv6 literal or a DNS name ([A-Za-z0-9._-], <= 253 bytes): quotes,
//    spaces or newlines would otherwise be injected into the rendered config;
//  - IPv6 hosts are joined in brackets; `host:port` strings are de-duplicated and sorted
//    bytewise, so the same assignment always renders the same bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace vs::envoyd {

// Limits on hostile input: larger values are rejected as a whole (keep-last-good applies).
inline constexpr size_t kMaxAssignmentBytes = 16 << 20;
inline constexpr size_t kMaxCores = 100000;

// The strings of a parsed assignment are views into its `arena` (one allocation for all of
// them). An Assignment may be copied and moved freely: the arena is shared and immutable.
// Cores built by hand (tests) may view any string that outlives them.
struct Core {
  std::string_view slot;  // the JSON key, e.g. "0001"
  std::string_view id;    // "" when absent or not a string
  std::string_view host;  // without brackets
  uint16_t port = 0;
  // "host:port", "[v6]:port" for IPv6.
  std::string Address() const;
};

struct Assignment {
  std::vector<Core> cores;                   // valid entries, sorted by slot then host
  std::vector<std::string_view> rr;          // unique "host:port", sorted bytewise (VolthaRR)
  std::vector<uint32_t> rr_core;             // for each rr entry, the index of a core with it
  size_t skipped = 0;                        // null slots and invalid entries
  std::vector<std::string> warnings;         // one per skipped non-null entry (for the log)
  std::shared_ptr<const std::string> arena;  // owns every view above (ParseAssignment)
};

// Parses the assignment JSON. Non-object top level, invalid JSON or size limits: an error
// (kInvalidArgument / kResourceExhausted). An object with no valid entry gives an empty
// Assignment (the caller decides that this keeps the config in force).
StatusOr<Assignment> ParseAssignment(std::string_view json, uint16_t core_port);

// True for an IPv4/IPv6 literal or a plausible DNS name.
bool ValidHost(std::string_view host);

// The template data: the original variables plus Cores and EdsPath.
struct TemplateData {
  std::string voltha_vip;  // "addr:port"
  std::string vip_host;    // addr alone (no brackets), for socket_address fields
  int vip_port = 0;
  std::string http_port, https_port, grpc_port;
  std::string eds_path;
  const Assignment* assignment = nullptr;
};

// The template data as JSON text (Go json.Unmarshal into `any` semantics on the tmpl side):
// {"VolthaVip":..,"VolthaRR":[..],"HttpPort":..,"HttpsPort":..,"GrpcPort":..,"EdsPath":..,
//  "VipHost":..,"VipPort":N,"Cores":[{"Slot":..,"Id":..,"Host":..,"Port":N}]}
std::string TemplateDataJson(const TemplateData& d);

// An EDS DiscoveryResponse (v3) holding one ClusterLoadAssignment for `cluster` with one
// endpoint per unique address, for a `path_config_source` cluster. version_info = `version`.
std::string EdsResponseJson(const Assignment& a, const std::string& cluster,
                            const std::string& version);

using vs::AppendJsonString;  // common/json.h

// The first address getaddrinfo gives for `name` (numeric, without brackets).
StatusOr<std::string> ResolveFirstAddress(const std::string& name);

// A 64-bit digest in hex (XXH64, seed 0): identifies a config in logs, /config and EDS
// version_info. Not cryptographic. About 10 GB/s: configs of 10,000 cores are ~1 MB.
std::string Digest(std::string_view data);

}  // namespace vs::envoyd
