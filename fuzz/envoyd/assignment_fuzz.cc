// Fuzz target for envoyd's assignment parser (the value of the KV key is untrusted input):
// never crashes, and whatever it accepts yields valid hosts, a sorted unique VolthaRR, and
// template data and an EDS file that are valid JSON.
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "envoyd/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto a = vs::envoyd::ParseAssignment(in, 50556);
  if (!a.ok()) return 0;
  for (const auto& c : a->cores) {
    if (!vs::envoyd::ValidHost(c.host)) std::abort();
  }
  if (!std::is_sorted(a->rr.begin(), a->rr.end())) std::abort();
  if (std::adjacent_find(a->rr.begin(), a->rr.end()) != a->rr.end()) std::abort();
  vs::envoyd::TemplateData d{"10.0.0.1:50556", "10.0.0.1", 50556,         "8882",
                             "8443",           "50555",    "/e/eds.json", &*a};
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(vs::envoyd::TemplateDataJson(d)).get(doc)) std::abort();
  if (p.parse(vs::envoyd::EdsResponseJson(*a, "vcore", "v")).get(doc)) std::abort();
  return 0;
}
