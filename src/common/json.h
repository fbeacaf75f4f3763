// JSON text helpers shared by the writers (kpi samples, envoyd's model and EDS files).
// Thread-safe, no allocation beyond *out.
#pragma once

#include <string>
#include <string_view>

namespace vs {

// Appends `s` as a JSON string literal (quotes included): `"` and `\` escaped, control
// characters as \n \r \t or \u00XX, every other byte (UTF-8 included) copied as is.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace vs
