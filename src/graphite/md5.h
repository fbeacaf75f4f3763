// MD5 (RFC 1321), only for carbon_ch ring positions: carbon hashes with md5, so must we. Not for
// security. Pure functions, thread-safe, no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace vs::graphite {

using Md5Digest = std::array<uint8_t, 16>;

Md5Digest Md5(std::string_view data);

// The first 16 bits of the digest as a number: int(md5(data).hexdigest()[:4], 16) in Python.
inline uint32_t Md5Prefix16(std::string_view data) {
  Md5Digest d = Md5(data);
  return (uint32_t{d[0]} << 8) | d[1];
}

}  // namespace vs::graphite
