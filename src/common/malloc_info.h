// Which malloc a process runs on, for its start-up log. A daemon can be linked with jemalloc
// (shovel is: docs/SHOVEL.md, "Memory allocator"); whether its malloc() really resolves there,
// and whether the options compiled into it took effect, is only knowable at run time.
#pragma once

#include <string>

namespace vs {

// "jemalloc <version> (narenas N, tcache_max N, dirty_decay_ms N, muzzy_decay_ms N)" when the
// malloc this process calls is jemalloc's (the options read back with mallctl), otherwise the
// file name of the library that defines it, e.g. "libc.so.6". Never fails: "unknown" when the
// symbol's library cannot be found.
std::string DescribeMalloc();

}  // namespace vs
