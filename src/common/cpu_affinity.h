// CPU affinity for daemons that want all their threads on a given set of CPUs (shovel's --cpus).
// Pinning the calling thread before any other thread exists pins the whole process: threads
// inherit the affinity of the thread that creates them (librdkafka's included).
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"

namespace vs {

// Parses a CPU list as taskset -c and cpuset(7) write it: "0", "2-3", "0,2-3". Returns the
// CPUs in increasing order without repeats; InvalidArgument (with the offending part) on an
// empty list, a bad number, a reversed range or a CPU >= 1024.
StatusOr<std::vector<int>> ParseCpuList(std::string_view list);

// Restricts the calling thread (and the threads it creates afterwards) to `cpus`. Fails with
// the errno context when the kernel refuses (e.g. none of them is online or allowed).
Status PinToCpus(const std::vector<int>& cpus);

// The CPUs the calling thread may run on, in increasing order.
StatusOr<std::vector<int>> CurrentCpus();

}  // namespace vs
