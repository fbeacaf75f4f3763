// Fuzz target: Template::Parse and Execute (and ParseJson) on arbitrary input must not crash,
// hang or grow without bound: every failure is a Status. Input: TEMPLATE [\n--data--\nJSON].
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tmpl/template.h"

namespace {

const vs::tmpl::Value& DefaultData() {
  static const vs::tmpl::Value* v = [] {
    auto r = vs::tmpl::ParseJson(R"({"s":"hello","n":1234567,"f":1.5,"l":["a","b",null,[1,2]],
        "m":{"a":1,"b":{"c":"d"}},"t":true,"nul":null,"e":""})");
    return new vs::tmpl::Value(*r);
  }();
  return *v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view text = in;
  vs::tmpl::Value value = DefaultData();
  size_t sep = in.find("\n--data--\n");
  if (sep != std::string_view::npos) {
    text = in.substr(0, sep);
    auto parsed = vs::tmpl::ParseJson(in.substr(sep + 10));
    if (parsed.ok()) value = *parsed;
  }
  auto t = vs::tmpl::Template::Parse("fuzz", text);
  if (!t.ok()) return 0;
  vs::tmpl::Template::Limits limits;
  limits.max_output = 1 << 20;
  limits.max_depth = 50;
  limits.max_steps = 200000;
  limits.max_nesting = 1000;
  std::string out;
  (void)t->Execute(value, &out, limits);
  return 0;
}
