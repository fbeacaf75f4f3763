// Envoy admin /server_info (admin.v3.ServerInfo as JSON): which process answered and its state.
//
// Why not /ready: during a hot restart the previous epoch keeps the admin address until the new
// one asks for it (Envoy's ShutdownParentAdmin, after the new epoch has loaded its config). In
// that window /ready is answered LIVE by the *old* epoch, so a probe of /ready would count a new
// epoch as up before it has even initialized. /server_info names the answering epoch
// (command_line_options.restart_epoch), so envoyd can wait for the epoch it started.
//
// Pure functions, thread-safe, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vs::envoyd {

// Larger answers are rejected (a real one is a few KiB; `node` metadata may add some).
inline constexpr size_t kMaxServerInfoBytes = 1 << 20;

struct ServerInfo {
  std::string state;          // "LIVE", "DRAINING", "PRE_INITIALIZING", "INITIALIZING"
  int64_t restart_epoch = 0;  // command_line_options.restart_epoch; absent = 0 (proto3 default)
};

// Parses the body of GET /server_info. Not JSON, not an object, no string `state`, a
// restart_epoch that is not a non-negative integer, or over the size limit: an error
// (kInvalidArgument / kResourceExhausted) saying which.
StatusOr<ServerInfo> ParseServerInfo(std::string_view body);

// The answer says epoch `epoch` is LIVE.
bool EpochIsLive(const ServerInfo& info, int epoch);

}  // namespace vs::envoyd
