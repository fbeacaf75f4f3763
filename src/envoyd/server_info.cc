#include "envoyd/server_info.h"

#include <charconv>
#include <system_error>

#include "envoyd/json_object.h"

namespace vs::envoyd {

StatusOr<ServerInfo> ParseServerInfo(std::string_view body) {
  StatusOr<simdjson::dom::object> parsed =
      ParseJsonObject(body, kMaxServerInfoBytes, "server_info");
  if (!parsed.ok()) return parsed.status();
  const simdjson::dom::object obj = *parsed;
  ServerInfo info;
  std::string_view state;
  if (obj["state"].get_string().get(state)) {
    return InvalidArgument("server_info has no string \"state\"");
  }
  info.state = std::string(state);
  // proto3 JSON: an absent field holds its default, so no restart_epoch means epoch 0.
  info.restart_epoch = 0;
  simdjson::dom::element epoch;
  if (obj.at_pointer("/command_line_options/restart_epoch").get(epoch) == simdjson::SUCCESS) {
    // uint32 is written as a number; protobuf's parser also accepts the string form.
    uint64_t n = 0;
    std::string_view s;
    bool ok = epoch.get_uint64().get(n) == simdjson::SUCCESS;
    if (!ok && epoch.get_string().get(s) == simdjson::SUCCESS && !s.empty()) {
      // All of it digits: from_chars takes no sign, space or prefix for an unsigned type.
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (end == s.data() + s.size()) {
        ok = true;
        if (ec == std::errc::result_out_of_range) n = UINT64_MAX;  // out of range, below
      }
    }
    if (!ok) return InvalidArgument("server_info restart_epoch is not a non-negative integer");
    if (n > UINT32_MAX) return InvalidArgument("server_info restart_epoch is out of range");
    info.restart_epoch = static_cast<int64_t>(n);
  }
  return info;
}

bool EpochIsLive(const ServerInfo& info, int epoch) {
  return info.state == "LIVE" && info.restart_epoch == epoch;
}

}  // namespace vs::envoyd
