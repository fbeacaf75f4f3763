#include "common/status.h"

#include <gtest/gtest.h>

namespace vs {
namespace {

TEST(StatusTest, OkAndContext) {
  EXPECT_TRUE(OkStatus().ok());
  Status s = Unavailable("refused").WithContext("carbon a:1");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(s.ToString(), "UNAVAILABLE: carbon a:1: refused");
  EXPECT_TRUE(OkStatus().WithContext("x").ok());
}

TEST(StatusTest, ErrnoMapsCodes) {
  EXPECT_EQ(ErrnoStatus("connect", ECONNREFUSED).code(), Code::kUnavailable);
  EXPECT_EQ(ErrnoStatus("open", ENOENT).code(), Code::kNotFound);
  EXPECT_EQ(ErrnoStatus("write", ENOSPC).code(), Code::kResourceExhausted);
  EXPECT_NE(ErrnoStatus("open /x", ENOENT).message().find("open /x: "), std::string::npos);
}

TEST(StatusOrTest, ValueOrError) {
  StatusOr<int> v = 3;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 3);
  StatusOr<int> e = NotFound("k");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Code::kNotFound);
  EXPECT_DEATH({ (void)*e; }, "");
}

}  // namespace
}  // namespace vs
