#include "common/malloc_info.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <sys/types.h>

#include <cstdlib>
#include <cstring>

namespace vs {
namespace {

using MallctlFn = int (*)(const char*, void*, size_t*, void*, size_t);

template <typename T>
std::string Read(MallctlFn mallctl, const char* name) {
  T v{};
  size_t len = sizeof(v);
  if (mallctl(name, &v, &len, nullptr, 0) != 0) return "?";
  return fmt::format("{}", v);
}

}  // namespace

std::string DescribeMalloc() {
  // The address malloc resolves to here is the one every library's calls resolve to.
  Dl_info info{};
  void* addr = reinterpret_cast<void*>(&std::malloc);
  if (dladdr(addr, &info) == 0 || info.dli_fname == nullptr) return "unknown";
  const char* file = std::strrchr(info.dli_fname, '/');
  file = file ? file + 1 : info.dli_fname;
  if (std::strstr(file, "jemalloc") == nullptr) return file;
  // Looked up, not linked: this library does not depend on jemalloc.
  auto mallctl = reinterpret_cast<MallctlFn>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (mallctl == nullptr) return file;
  return fmt::format(
      "jemalloc {} (narenas {}, tcache_max {}, dirty_decay_ms {}, muzzy_decay_ms {})",
      Read<const char*>(mallctl, "version"), Read<unsigned>(mallctl, "opt.narenas"),
      Read<size_t>(mallctl, "opt.tcache_max"), Read<ssize_t>(mallctl, "opt.dirty_decay_ms"),
      Read<ssize_t>(mallctl, "opt.muzzy_decay_ms"));
}

}  // namespace vs
