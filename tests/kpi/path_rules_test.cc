#include "kpi/path_rules.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace vs::kpi {
namespace {

struct PathCase {
  const char* name;
  std::string input;
  std::string want;  // "" with too_long=false: nothing left
  bool too_long = false;
};

TEST(PathRulesTest, ComponentIsSanitisedByteByByte) {
  const PathCase cases[] = {
      {"plain", "rx_bytes", "rx_bytes"},
      {"allowed punctuation kept", "a_:#@%+=-Z9", "a_:#@%+=-Z9"},
      {"dot is not a level here", "a.b", "a_b"},
      {"space", "rx bytes", "rx_bytes"},
      {"newline", "rx\nbytes", "rx_bytes"},
      {"slash", "eth0/1", "eth0_1"},
      {"e acute is two bytes", "caf\xc3\xa9", "caf__"},
      {"double dot", "..", "__"},
      {"nul byte", std::string("a\0b", 3), "a_b"},
      {"high byte", "\xff", "_"},
      {"empty dropped", "", ""},
  };
  for (const auto& c : cases) {
    PathBuilder b;
    b.AppendComponent(c.input);
    EXPECT_EQ(b.view(), c.want) << c.name;
    EXPECT_FALSE(b.too_long()) << c.name;
  }
}

TEST(PathRulesTest, LevelsSplitOnDotsAndDropEmptyComponents) {
  const PathCase cases[] = {
      {"levels", "voltha.internal.vcore1", "voltha.internal.vcore1"},
      {"double dot", "a..b", "a.b"},
      {"leading and trailing dots", ".a.b.", "a.b"},
      {"only dots", "...", ""},
      {"empty", "", ""},
      {"e acute", "olt.caf\xc3\xa9", "olt.caf__"},
      {"space and slash", "olt 1.port/2", "olt_1.port_2"},
      {"newline", "a\n.b", "a_.b"},
  };
  for (const auto& c : cases) {
    PathBuilder b;
    b.AppendLevels(c.input);
    EXPECT_EQ(b.view(), c.want) << c.name;
  }
}

TEST(PathRulesTest, EveryByteOutsideTheSetBecomesUnderscore) {
  const std::string allowed =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:#@%+=-";
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const bool keep = allowed.find(c) != std::string::npos;
    EXPECT_EQ(IsPathByte(static_cast<uint8_t>(b)), keep) << b;
    PathBuilder p;
    p.AppendComponent(std::string(1, c));
    EXPECT_EQ(p.view(), std::string(1, keep ? c : '_')) << b;
  }
}

TEST(PathRulesTest, LongerThan1024BytesIsTooLong) {
  const PathCase cases[] = {
      {"exactly 1024", std::string(1024, 'a'), std::string(1024, 'a')},
      {"1025", std::string(1025, 'a'), "", true},
      {"1024 with levels", std::string(511, 'a') + "." + std::string(512, 'b'),
       std::string(511, 'a') + "." + std::string(512, 'b')},
      {"1025 with levels", std::string(512, 'a') + "." + std::string(512, 'b'), "", true},
      {"long before dropped dots", std::string(1024, 'a') + "....", std::string(1024, 'a')},
      {"multibyte counts after sanitising", std::string(1022, 'a') + "\xc3\xa9",
       std::string(1022, 'a') + "__"},
      {"multibyte over", std::string(1023, 'a') + "\xc3\xa9", "", true},
  };
  for (const auto& c : cases) {
    PathBuilder b;
    b.AppendLevels(c.input);
    EXPECT_EQ(b.too_long(), c.too_long) << c.name;
    if (!c.too_long) {
      EXPECT_EQ(b.view(), c.want) << c.name;
    }
  }
}

TEST(PathRulesTest, TruncateComesBackToAMark) {
  PathBuilder b;
  b.AppendLevels("olt.port");
  const size_t mark = b.size();
  b.AppendComponent(std::string(2000, 'x'));
  EXPECT_TRUE(b.too_long());
  b.Truncate(mark);
  EXPECT_FALSE(b.too_long());
  b.AppendComponent("rx");
  EXPECT_EQ(b.view(), "olt.port.rx");
  b.Truncate(mark);
  b.AppendComponent("tx");
  EXPECT_EQ(b.view(), "olt.port.tx");

  // A mark taken while too long keeps every later path too long.
  PathBuilder long_prefix;
  long_prefix.AppendComponent(std::string(1100, 'p'));
  const size_t long_mark = long_prefix.size();
  long_prefix.Truncate(long_mark);
  long_prefix.AppendComponent("m");
  EXPECT_TRUE(long_prefix.too_long());
}

TEST(PathRulesTest, NormalizePath) {
  EXPECT_EQ(NormalizePath("voltha..kpi."), "voltha.kpi");
  EXPECT_EQ(NormalizePath("my prefix"), "my_prefix");
  EXPECT_EQ(NormalizePath("..."), "");
  EXPECT_EQ(NormalizePath(std::string(1025, 'a')), "");
}

// The rules written the obvious way, to compare the vectorised builder against.
std::string ReferenceLevels(const std::string& dotted) {
  std::string out, component;
  auto flush = [&] {
    if (component.empty()) return;
    if (!out.empty()) out += '.';
    for (unsigned char c : component) out += IsPathByte(c) ? static_cast<char>(c) : '_';
    component.clear();
  };
  for (char c : dotted) {
    if (c == '.') {
      flush();
    } else {
      component += c;
    }
  }
  flush();
  return out;
}

// Random strings of every length up to 70 (the vector code has cases for < 4, 4-7, 8-15 and
// 16+ bytes with an overlapping last block) over an alphabet rich in the interesting bytes.
TEST(PathRulesTest, MatchesTheReferenceOnRandomInput) {
  const std::string alphabet = std::string("aZ09_:#@%+=-`/ .\x7f\x80\xc3\xa9\xff\0", 22) + "..";
  std::mt19937 rng(42);
  int clean = 0;
  for (int round = 0; round < 20000; ++round) {
    const size_t len = round % 71;
    // Mostly clean strings with few dots, so that the fast path is exercised too.
    const bool mostly_clean = round % 3 != 0;
    std::string s;
    for (size_t i = 0; i < len; ++i) {
      size_t k = rng() % (mostly_clean ? 12 : alphabet.size());
      s += mostly_clean && rng() % 8 == 0 ? '.' : alphabet[k];
    }
    const std::string want = ReferenceLevels(s);
    PathBuilder levels;
    levels.AppendLevels(s);
    ASSERT_EQ(levels.view(), want) << "levels of [" << s << "]";

    std::string want_component;
    for (unsigned char c : s) want_component += IsPathByte(c) ? static_cast<char>(c) : '_';
    PathBuilder component;
    component.AppendComponent("p");
    component.AppendComponent(s);
    ASSERT_EQ(component.view(), s.empty() ? "p" : "p." + want_component) << "[" << s << "]";

    std::vector<char> out(len + 1, '!');
    const bool ok = CopyIfClean(reinterpret_cast<const uint8_t*>(s.data()), len, out.data(),
                                /*dots=*/true);
    ASSERT_EQ(ok, want == s) << "[" << s << "]";
    if (ok) {
      ++clean;
      ASSERT_EQ(std::string(out.data(), len), s);
      ASSERT_EQ(out[len], '!');  // nothing written past the end
    }
  }
  EXPECT_GT(clean, 5000);  // the fast path was taken often enough to mean something
}

// A component marked `repeats` may be answered from the builder's memory of clean strings.
// One long-lived builder takes strings drawn from a small pool (so they come back, hit and
// evict each other), as a metric name and as dotted levels: every answer must be the
// reference's, whatever was remembered before.
TEST(PathRulesTest, RememberedComponentsGiveTheReferenceAnswer) {
  const std::string alphabet = std::string("ab_.9 \xff", 7);
  std::mt19937 rng(7);
  std::vector<std::string> pool;
  for (int i = 0; i < 2000; ++i) {
    // Half share their first 8 bytes (and many their length), so that they differ only in
    // the last word, and fill the memory's slots many times over.
    std::string s = i % 2 ? "metric_0" : "";
    const size_t len = 1 + rng() % (s.empty() ? 18 : 8);  // around the 4-16 bytes remembered
    for (size_t k = 0; k < len; ++k) s += alphabet[rng() % (i % 4 < 2 ? 7 : 3)];
    pool.push_back(s);
  }
  PathBuilder b;
  for (int round = 0; round < 100000; ++round) {
    const std::string& s = pool[rng() % pool.size()];
    b.Clear();
    b.AppendComponent("p");
    const size_t mark = b.size();
    b.AppendLevels(s, /*repeats=*/true);
    const std::string want_levels = ReferenceLevels(s);
    ASSERT_EQ(b.view(), want_levels.empty() ? "p" : "p." + want_levels) << "[" << s << "]";
    b.Truncate(mark);
    b.AppendComponent(s, /*repeats=*/true);
    std::string want_component;
    for (unsigned char c : s) want_component += IsPathByte(c) ? static_cast<char>(c) : '_';
    ASSERT_EQ(b.view(), "p." + want_component) << "[" << s << "]";
  }
}

// The same bytes are clean as levels but not as one component: the dots must not be carried
// over from one answer to the other.
TEST(PathRulesTest, RememberedLevelsAreNotAComponent) {
  PathBuilder b;
  for (int i = 0; i < 3; ++i) {
    b.Clear();
    b.AppendLevels("olt.pon.0", /*repeats=*/true);
    EXPECT_EQ(b.view(), "olt.pon.0");
    b.Clear();
    b.AppendComponent("olt.pon.0", /*repeats=*/true);
    EXPECT_EQ(b.view(), "olt_pon_0");
    b.Clear();
    b.AppendLevels("rx_bytes", /*repeats=*/true);
    b.AppendComponent("rx_bytes", /*repeats=*/true);
    EXPECT_EQ(b.view(), "rx_bytes.rx_bytes");
  }
}

}  // namespace
}  // namespace vs::kpi
