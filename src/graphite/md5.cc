#include "graphite/md5.h"

#include <cstring>

namespace vs::graphite {
namespace {

constexpr uint32_t kK[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

inline uint32_t Rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

// Unrolled rounds: about twice as fast as a loop with per-round branches, and Route() runs
// one md5 per datapoint.
#define MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))
#define MD5_STEP(f, a, b, c, d, x, t, s)     \
  (a) += MD5_##f((b), (c), (d)) + (x) + (t); \
  (a) = Rotl((a), (s));                      \
  (a) += (b)

void Block(uint32_t h[4], const uint8_t* p) {
  uint32_t m[16];
  for (size_t i = 0; i < 16; ++i) {  // little-endian words, independent of host byte order
    m[i] = uint32_t{p[4 * i]} | uint32_t{p[4 * i + 1]} << 8 | uint32_t{p[4 * i + 2]} << 16 |
           uint32_t{p[4 * i + 3]} << 24;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  MD5_STEP(F, a, b, c, d, m[0], kK[0], 7);
  MD5_STEP(F, d, a, b, c, m[1], kK[1], 12);
  MD5_STEP(F, c, d, a, b, m[2], kK[2], 17);
  MD5_STEP(F, b, c, d, a, m[3], kK[3], 22);
  MD5_STEP(F, a, b, c, d, m[4], kK[4], 7);
  MD5_STEP(F, d, a, b, c, m[5], kK[5], 12);
  MD5_STEP(F, c, d, a, b, m[6], kK[6], 17);
  MD5_STEP(F, b, c, d, a, m[7], kK[7], 22);
  MD5_STEP(F, a, b, c, d, m[8], kK[8], 7);
  MD5_STEP(F, d, a, b, c, m[9], kK[9], 12);
  MD5_STEP(F, c, d, a, b, m[10], kK[10], 17);
  MD5_STEP(F, b, c, d, a, m[11], kK[11], 22);
  MD5_STEP(F, a, b, c, d, m[12], kK[12], 7);
  MD5_STEP(F, d, a, b, c, m[13], kK[13], 12);
  MD5_STEP(F, c, d, a, b, m[14], kK[14], 17);
  MD5_STEP(F, b, c, d, a, m[15], kK[15], 22);
  MD5_STEP(G, a, b, c, d, m[1], kK[16], 5);
  MD5_STEP(G, d, a, b, c, m[6], kK[17], 9);
  MD5_STEP(G, c, d, a, b, m[11], kK[18], 14);
  MD5_STEP(G, b, c, d, a, m[0], kK[19], 20);
  MD5_STEP(G, a, b, c, d, m[5], kK[20], 5);
  MD5_STEP(G, d, a, b, c, m[10], kK[21], 9);
  MD5_STEP(G, c, d, a, b, m[15], kK[22], 14);
  MD5_STEP(G, b, c, d, a, m[4], kK[23], 20);
  MD5_STEP(G, a, b, c, d, m[9], kK[24], 5);
  MD5_STEP(G, d, a, b, c, m[14], kK[25], 9);
  MD5_STEP(G, c, d, a, b, m[3], kK[26], 14);
  MD5_STEP(G, b, c, d, a, m[8], kK[27], 20);
  MD5_STEP(G, a, b, c, d, m[13], kK[28], 5);
  MD5_STEP(G, d, a, b, c, m[2], kK[29], 9);
  MD5_STEP(G, c, d, a, b, m[7], kK[30], 14);
  MD5_STEP(G, b, c, d, a, m[12], kK[31], 20);
  MD5_STEP(H, a, b, c, d, m[5], kK[32], 4);
  MD5_STEP(H, d, a, b, c, m[8], kK[33], 11);
  MD5_STEP(H, c, d, a, b, m[11], kK[34], 16);
  MD5_STEP(H, b, c, d, a, m[14], kK[35], 23);
  MD5_STEP(H, a, b, c, d, m[1], kK[36], 4);
  MD5_STEP(H, d, a, b, c, m[4], kK[37], 11);
  MD5_STEP(H, c, d, a, b, m[7], kK[38], 16);
  MD5_STEP(H, b, c, d, a, m[10], kK[39], 23);
  MD5_STEP(H, a, b, c, d, m[13], kK[40], 4);
  MD5_STEP(H, d, a, b, c, m[0], kK[41], 11);
  MD5_STEP(H, c, d, a, b, m[3], kK[42], 16);
  MD5_STEP(H, b, c, d, a, m[6], kK[43], 23);
  MD5_STEP(H, a, b, c, d, m[9], kK[44], 4);
  MD5_STEP(H, d, a, b, c, m[12], kK[45], 11);
  MD5_STEP(H, c, d, a, b, m[15], kK[46], 16);
  MD5_STEP(H, b, c, d, a, m[2], kK[47], 23);
  MD5_STEP(I, a, b, c, d, m[0], kK[48], 6);
  MD5_STEP(I, d, a, b, c, m[7], kK[49], 10);
  MD5_STEP(I, c, d, a, b, m[14], kK[50], 15);
  MD5_STEP(I, b, c, d, a, m[5], kK[51], 21);
  MD5_STEP(I, a, b, c, d, m[12], kK[52], 6);
  MD5_STEP(I, d, a, b, c, m[3], kK[53], 10);
  MD5_STEP(I, c, d, a, b, m[10], kK[54], 15);
  MD5_STEP(I, b, c, d, a, m[1], kK[55], 21);
  MD5_STEP(I, a, b, c, d, m[8], kK[56], 6);
  MD5_STEP(I, d, a, b, c, m[15], kK[57], 10);
  MD5_STEP(I, c, d, a, b, m[6], kK[58], 15);
  MD5_STEP(I, b, c, d, a, m[13], kK[59], 21);
  MD5_STEP(I, a, b, c, d, m[4], kK[60], 6);
  MD5_STEP(I, d, a, b, c, m[11], kK[61], 10);
  MD5_STEP(I, c, d, a, b, m[2], kK[62], 15);
  MD5_STEP(I, b, c, d, a, m[9], kK[63], 21);
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
}

}  // namespace

Md5Digest Md5(std::string_view data) {
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  size_t full = n / 64;
  for (size_t i = 0; i < full; ++i) Block(h, p + 64 * i);
  // Padding: 0x80, zeros, then the bit length as 64-bit little-endian; one or two blocks.
  uint8_t tail[128] = {};
  size_t rest = n - full * 64;
  if (rest > 0) std::memcpy(tail, p + full * 64, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest < 56 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(n) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 8 + i] = static_cast<uint8_t>(bits >> (8 * i));
  Block(h, tail);
  if (tail_len == 128) Block(h, tail + 64);
  Md5Digest out;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(h[i] >> (8 * j));
  }
  return out;
}

}  // namespace vs::graphite
