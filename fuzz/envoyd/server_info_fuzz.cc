// Fuzz target for envoyd's /server_info answer parser (Envoy's admin answer is input from
// outside): never crashes, and whatever it accepts has an epoch in uint32 range and counts as
// LIVE only for that epoch and the state "LIVE".
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "envoyd/server_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto i = vs::envoyd::ParseServerInfo(in);
  if (!i.ok()) return 0;
  if (i->restart_epoch < 0 || i->restart_epoch > UINT32_MAX) std::abort();
  int e = static_cast<int>(i->restart_epoch & 0x3fffffff);
  if (vs::envoyd::EpochIsLive(*i, e) != (i->state == "LIVE" && i->restart_epoch == e)) {
    std::abort();
  }
  if (vs::envoyd::EpochIsLive(*i, e + 1) && e + 1 != i->restart_epoch) std::abort();
  return 0;
}
