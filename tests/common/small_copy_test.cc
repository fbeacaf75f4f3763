#include "common/small_copy.h"

#include <gtest/gtest.h>

#include <string>

namespace vs {
namespace {

// Every length around the size classes, at every alignment: the bytes arrive, and the guard
// bytes on both sides of the destination are untouched.
TEST(SmallCopyTest, CopiesExactlyTheBytesAtEveryLengthAndAlignment) {
  std::string src(128, '\0');
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>('A' + i % 53);
  for (size_t n = 0; n <= 70; ++n) {
    for (size_t off = 0; off < 16; ++off) {
      std::string dst(n + 32, '#');
      CopySmall(dst.data() + off, src.data() + off, n);
      EXPECT_EQ(dst.substr(0, off), std::string(off, '#')) << n << " at " << off;
      EXPECT_EQ(dst.substr(off, n), src.substr(off, n)) << n << " at " << off;
      EXPECT_EQ(dst.substr(off + n), std::string(32 - off, '#')) << n << " at " << off;
    }
  }
}

}  // namespace
}  // namespace vs
