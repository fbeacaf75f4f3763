// Base64 (RFC 4648, standard alphabet, with padding) as Consul and etcd's JSON gateway use it
// for keys and values. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vs::kv {

std::string Base64Encode(std::string_view in);
// Rejects characters outside the alphabet and bad padding; ignores nothing (no whitespace).
StatusOr<std::string> Base64Decode(std::string_view in);

}  // namespace vs::kv
