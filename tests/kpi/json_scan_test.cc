#include "kpi/json_scan.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <string>

namespace vs::kpi {
namespace {

// Number() against std::from_chars for every digit count from 1 to 20, every byte that can
// follow the digits (digits, '.', 'e', controls, ASCII >= ':', bytes >= 0x80 including those
// that carry when the eight-byte reader adds 6) and every distance to the end of the buffer,
// so that each length is read both eight bytes at a time and byte by byte.
TEST(JsonScanTest, NumbersOfEveryLengthFollowedByAnyByteNearTheEnd) {
  const std::string digits = "8765432109876543210";
  size_t checked = 0;
  for (size_t len = 1; len <= 20; ++len) {
    const std::string number = "9" + digits.substr(0, len - 1);  // every digit, no leading 0
    for (int next = 0; next < 256; ++next) {
      if (next >= '0' && next <= '9') continue;
      for (size_t tail = 0; tail <= 9; ++tail) {
        std::string doc = number;
        if (tail > 0) doc += static_cast<char>(next);
        doc.append(tail > 0 ? tail - 1 : 0, static_cast<char>(next));
        JsonScan s(doc);
        double got = 0;
        const bool ok = s.Number(&got);
        const bool dot_or_exp = tail > 0 && (next == '.' || next == 'e' || next == 'E');
        if (dot_or_exp) {
          EXPECT_FALSE(ok) << doc;  // a '.' or exponent without digits after it
          continue;
        }
        ASSERT_TRUE(ok) << "len " << len << " next " << next << " tail " << tail;
        double want = 0;
        std::from_chars(number.data(), number.data() + number.size(), want);
        ASSERT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want))
            << "len " << len << " next " << next << " tail " << tail;
        // Whatever follows the digits is left unread.
        if (tail > 0 && next != ' ' && next != '\t' && next != '\n' && next != '\r') {
          EXPECT_EQ(s.Peek(), next) << doc;
        } else {
          EXPECT_TRUE(s.AtEnd()) << doc;
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40000u);
}

// Fractions and exponents of every length, exact (<= 15 digits) or through from_chars.
TEST(JsonScanTest, FractionsAndExponentsOfEveryLength) {
  const std::string digits = "12345678901234567890";
  for (size_t a = 1; a <= 12; ++a) {
    for (size_t b = 1; b <= 12; ++b) {
      for (const char* suffix : {"", "e3", "E-7", "}", ",\"x\":1}"}) {
        const std::string number = digits.substr(0, a) + "." + digits.substr(digits.size() - b);
        const std::string text = number + (suffix[0] == 'e' || suffix[0] == 'E' ? suffix : "");
        const std::string doc = number + suffix;
        JsonScan s(doc);
        double got = 0;
        ASSERT_TRUE(s.Number(&got)) << doc;
        double want = 0;
        std::from_chars(text.data(), text.data() + text.size(), want);
        ASSERT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want)) << doc;
      }
    }
  }
}

}  // namespace
}  // namespace vs::kpi
