// Internal: SHA-256 (FIPS 180-4), for the sha256Hex template function. Pure function.
#pragma once

#include <string>
#include <string_view>

namespace vs::tmpl {
// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);
}  // namespace vs::tmpl
