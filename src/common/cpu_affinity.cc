#include "common/cpu_affinity.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sched.h>

#include <algorithm>
#include <bitset>
#include <cerrno>
#include <charconv>

namespace vs {
namespace {

bool ParseCpu(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && *out >= 0 && *out < CPU_SETSIZE;
}

}  // namespace

StatusOr<std::vector<int>> ParseCpuList(std::string_view list) {
  if (list.empty()) return InvalidArgument("empty CPU list");
  // A set of CPU_SETSIZE bits: memory stays fixed however long or repetitive the list is.
  std::bitset<CPU_SETSIZE> set;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = std::min(list.find(',', start), list.size());
    std::string_view part = list.substr(start, comma - start);
    size_t dash = part.find('-');
    int first, last;
    bool ok = dash == std::string_view::npos ? ParseCpu(part, &first) && ParseCpu(part, &last)
                                             : ParseCpu(part.substr(0, dash), &first) &&
                                                   ParseCpu(part.substr(dash + 1), &last);
    if (!ok || first > last) {
      return InvalidArgument(fmt::format(
          "CPU list '{}': bad part '{}' (use N, N-M or a comma-separated list of CPUs below {})",
          list, part, CPU_SETSIZE));
    }
    for (int c = first; c <= last; ++c) set.set(static_cast<size_t>(c));
    start = comma + 1;
  }
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (set.test(static_cast<size_t>(c))) cpus.push_back(c);
  }
  return cpus;
}

Status PinToCpus(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) {
    if (c < 0 || c >= CPU_SETSIZE) return InvalidArgument(fmt::format("CPU {} out of range", c));
    CPU_SET(c, &set);
  }
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    return ErrnoStatus(fmt::format("sched_setaffinity to CPUs {}", fmt::join(cpus, ",")), errno);
  }
  return OkStatus();
}

StatusOr<std::vector<int>> CurrentCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return ErrnoStatus("sched_getaffinity", errno);
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  }
  return cpus;
}

}  // namespace vs
