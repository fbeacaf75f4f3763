// Fuzzes the etcd watch stream path: the bytes are cut into two chunks (at a place chosen by
// the first byte), split into lines and each line parsed as a watch message and as a range
// answer. Any input must give messages or errors, never a crash or an unbounded buffer.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kv/etcd_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t cut = size > 1 ? data[0] % (in.size() + 1) : 0;
  vs::kv::LineSplitter lines(4096);
  auto on_line = [](std::string_view line) {
    auto m = vs::kv::ParseEtcdWatchMessage(line, "k1");
    if (m.ok()) {
      for (const auto& e : m->events) {
        if (!e.exists && !e.value.empty()) std::abort();  // a delete carries no value
      }
    }
    auto r = vs::kv::ParseEtcdRange(line, "k1");
    if (r.ok() && r->revision <= 0) std::abort();  // a range always has a revision
    return vs::OkStatus();
  };
  (void)lines.Feed(in.substr(0, cut), on_line);
  (void)lines.Feed(in.substr(cut), on_line);
  if (lines.buffered() > 4096) std::abort();
  return 0;
}
