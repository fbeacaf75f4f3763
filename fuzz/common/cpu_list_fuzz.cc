// ParseCpuList (shovel's --cpus) on any bytes: never crashes; an accepted list gives CPUs that
// are in range, increasing and unique, and printing them back as a list parses to the same set.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sched.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/cpu_affinity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto cpus = vs::ParseCpuList(in);
  if (!cpus.ok()) {
    if (cpus.status().message().empty()) std::abort();  // errors always say what was wrong
    return 0;
  }
  if (cpus->empty()) std::abort();
  for (size_t i = 0; i < cpus->size(); ++i) {
    int c = (*cpus)[i];
    if (c < 0 || c >= CPU_SETSIZE || (i > 0 && (*cpus)[i - 1] >= c)) std::abort();
  }
  auto again = vs::ParseCpuList(fmt::format("{}", fmt::join(*cpus, ",")));
  if (!again.ok() || *again != *cpus) std::abort();
  return 0;
}
