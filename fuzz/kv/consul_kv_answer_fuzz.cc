// Fuzzes the Consul KV answer parser, the catalog answer parser and base64: any input must give a
// value or an error, never a crash; a decoded value must survive an encode/decode round trip. (Like
// Go's decoder, non-zero trailing bits are accepted, so "aGVsbG3=" is "hello" too.)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kv/base64.h"
#include "kv/consul_catalog.h"
#include "kv/consul_watcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto obs = vs::kv::ParseConsulKvAnswer(in, "service/voltha/data/core/assignment");
  if (obs.ok() && !obs->exists && !obs->value.empty()) std::abort();
  auto hps = vs::kv::ParseCatalogService(std::string(in), "kafka");
  if (hps.ok() && hps->empty()) std::abort();  // empty is NotFound
  auto dec = vs::kv::Base64Decode(in);
  if (dec.ok()) {
    auto again = vs::kv::Base64Decode(vs::kv::Base64Encode(*dec));
    if (!again.ok() || *again != *dec) std::abort();
  }
  return 0;
}
