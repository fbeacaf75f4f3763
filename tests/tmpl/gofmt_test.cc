#include "tmpl/gofmt.h"

#include <gtest/gtest.h>

#include <vector>

namespace vs::tmpl::gofmt {
namespace {

std::string F(std::string_view format, std::vector<Value> args) {
  std::string out;
  Sprintf(format, args, &out);
  return out;
}

TEST(GoFmtTest, FormatFloatLikeStrconv) {
  EXPECT_EQ(FormatFloat(1234567, 'g', -1), "1.234567e+06");
  EXPECT_EQ(FormatFloat(100000, 'g', -1), "100000");
  EXPECT_EQ(FormatFloat(0.0001, 'g', -1), "0.0001");
  EXPECT_EQ(FormatFloat(0.00001, 'g', -1), "1e-05");
  EXPECT_EQ(FormatFloat(-0.0, 'g', -1), "-0");
  EXPECT_EQ(FormatFloat(3.14159, 'f', 2), "3.14");
  EXPECT_EQ(FormatFloat(2.5, 'f', 0), "2");
  EXPECT_EQ(FormatFloat(100, 'g', 3), "100");
  EXPECT_EQ(FormatFloat(1e21, 'f', -1), "1000000000000000000000");
  EXPECT_EQ(FormatFloat(1, 'x', -1), "0x1p+00");
  EXPECT_EQ(FormatFloat(1, 'b', -1), "4503599627370496p-52");
  EXPECT_EQ(FormatFloat(1.0 / 0.0, 'g', -1), "+Inf");
}

TEST(GoFmtTest, SprintfVerbsFlagsAndErrors) {
  EXPECT_EQ(F("%5.2f|%-4d|%04d|%x|%q", {Value::Float(3.14159), Value::Int(7), Value::Int(-7),
                                        Value::String("hi"), Value::String("a\"b")}),
            " 3.14|7   |-007|6869|\"a\\\"b\"");
  EXPECT_EQ(F("%d", {Value::String("x")}), "%!d(string=x)");
  EXPECT_EQ(F("%s %s", {Value::String("x")}), "x %!s(MISSING)");
  EXPECT_EQ(F("%s", {Value::String("x"), Value::Int(1)}), "x%!(EXTRA int=1)");
  EXPECT_EQ(F("%v", {Value()}), "<nil>");
  EXPECT_EQ(F("%d", {Value::Null()}), "%!d(<nil>)");
  EXPECT_EQ(F("%v", {Value::MakeList({Value::Float(1), Value::Null(), Value::String("a")})}),
            "[1 <nil> a]");
  EXPECT_EQ(F("%[2]d %[1]d", {Value::Int(1), Value::Int(2)}), "2 1");
  EXPECT_EQ(F("%*d", {Value::Int(4), Value::Int(1)}), "   1");
}

TEST(GoFmtTest, SprintSpacing) {
  std::string out;
  std::vector<Value> args = {Value::Int(1), Value::Int(2), Value::String("a"), Value::Int(3)};
  Sprint(args, &out);
  EXPECT_EQ(out, "1 2a3");
  out.clear();
  Sprintln(args, &out);
  EXPECT_EQ(out, "1 2 a 3\n");
}

TEST(GoFmtTest, QuoteEscapesLikeStrconv) {
  std::string out;
  Quote("a\tb\x01\xff\xe2\x98\x83", false, &out);
  EXPECT_EQ(out, "\"a\\tb\\x01\\xff\xe2\x98\x83\"");
  out.clear();
  Quote("\xe2\x98\x83", true, &out);
  EXPECT_EQ(out, "\"\\u2603\"");
}

}  // namespace
}  // namespace vs::tmpl::gofmt
