// Address parsing and small socket helpers. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace vs {

struct HostPort {
  std::string host;  // without IPv6 brackets
  uint16_t port = 0;
  // "host:port", with brackets around an IPv6 host.
  std::string ToString() const;
};

// Parses "host:port", "[v6]:port", or "host" (then default_port, which must be non-zero).
StatusOr<HostPort> ParseHostPort(const std::string& s, uint16_t default_port);

// Parses a decimal port 1..65535 (0 allowed when allow_zero).
StatusOr<uint16_t> ParsePort(const std::string& s, bool allow_zero = false);

// A free TCP port on 127.0.0.1 (bind to port 0, read it, close). For tests and demos that
// start servers which cannot report the port they bound.
StatusOr<uint16_t> FreeLoopbackPort();

// Sets O_NONBLOCK and FD_CLOEXEC.
Status SetNonBlocking(int fd);

}  // namespace vs
