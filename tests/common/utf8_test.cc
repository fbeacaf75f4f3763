#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace vs {
namespace {

TEST(Utf8Test, Validator) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain.ascii.path.longer.than.eight"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\x80"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("abc\x80"));           // stray continuation
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated 3-byte
}

TEST(Utf8Test, NonAsciiByteAtEveryOffsetOfEveryLength) {
  // The ASCII check reads whole paths in overlapping blocks: one stray byte anywhere, at any
  // length, must still be seen.
  for (size_t n = 0; n <= 70; ++n) {
    std::string s(n, 'a');
    EXPECT_TRUE(IsValidUtf8(s)) << n;
    EXPECT_TRUE(IsAscii(s)) << n;
    for (size_t i = 0; i < n; ++i) {
      s[i] = '\x80';
      EXPECT_FALSE(IsValidUtf8(s)) << n << " at " << i;
      EXPECT_FALSE(IsAscii(s)) << n << " at " << i;
      s[i] = 'a';
    }
  }
}

}  // namespace
}  // namespace vs
