// The first step of every JSON input envoyd reads (the assignment, Envoy's /server_info): a
// bounded size, valid JSON, an object at the top. Thread-safe: one parser per thread, reused.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "common/status.h"

namespace vs::envoyd {

// Parses `text` as a JSON object. Errors say which check failed and name the input as `what`
// ("assignment of N bytes exceeds the limit", "server_info is not valid JSON: ..."):
// kResourceExhausted over max_bytes, kInvalidArgument otherwise. The object is valid until the
// next call on the same thread.
StatusOr<simdjson::dom::object> ParseJsonObject(std::string_view text, size_t max_bytes,
                                                std::string_view what);

}  // namespace vs::envoyd
