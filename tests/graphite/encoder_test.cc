#include "graphite/encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/utf8.h"
#include "test_common/subprocess.h"

namespace vs::graphite {
namespace {

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out += ' ';
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

std::string HexCompact(const std::string& s) {
  std::string h = Hex(s);
  std::erase(h, ' ');
  return h;
}

TEST(PickleTest, WorkedExampleOfDesignDoc) {
  FrameEncoder enc(Protocol::kPickle, kCarbonMaxPickleLength);
  ASSERT_TRUE(enc.Append("a.b.c", 1700000000, 1.5));
  EXPECT_EQ(enc.count(), 1u);
  EXPECT_EQ(enc.bytes(), 36u);
  std::string frame = enc.Finish();
  EXPECT_EQ(Hex(frame),
            "00 00 00 20 80 02 5d 28 58 05 00 00 00 61 2e 62 2e 63 4a 00 f1 53 65 47 3f f8 00 "
            "00 00 00 00 00 86 86 65 2e");
  EXPECT_EQ(enc.count(), 0u);
  EXPECT_EQ(enc.bytes(), 0u);
  EXPECT_EQ(enc.Finish(), "");
}

TEST(PickleTest, NumberEncodings) {
  FrameEncoder enc(Protocol::kPickle, 1000);
  // Fractional timestamp -> BINFLOAT; int32 value -> BININT; negative int; -0.0 stays float;
  // 2^31 is out of int32 range -> float.
  ASSERT_TRUE(enc.Append("x", 1.25, -7));
  ASSERT_TRUE(enc.Append("y", -1, -0.0));
  ASSERT_TRUE(enc.Append("z", 2147483648.0, 2147483647.0));
  std::string f = enc.Finish();
  EXPECT_EQ(Hex(f.substr(8, f.size() - 10)),
            // x: 58 len x, 47 3ff4.., 4a f9ffffff
            "58 01 00 00 00 78 47 3f f4 00 00 00 00 00 00 4a f9 ff ff ff 86 86 "
            // y: 4a ffffffff, 47 8000..
            "58 01 00 00 00 79 4a ff ff ff ff 47 80 00 00 00 00 00 00 00 86 86 "
            // z: 47 41e0000000000000, 4a ffffff7f
            "58 01 00 00 00 7a 47 41 e0 00 00 00 00 00 00 4a ff ff ff 7f 86 86");
  EXPECT_EQ(Hex(f.substr(0, 8)), "00 00 00 48 80 02 5d 28");
  EXPECT_EQ(Hex(f.substr(f.size() - 2)), "65 2e");
}

TEST(PickleTest, RejectsWhatCarbonWouldChokeOn) {
  FrameEncoder enc(Protocol::kPickle, 1000);
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(enc.Add("a", inf, 1), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("a", nan, 1), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("a", 1, nan), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("a", 1, -inf), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("", 1, 1), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("bad\xff", 1, 1), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("\xed\xa0\x80", 1, 1), FrameEncoder::Result::kRejected);  // surrogate
  EXPECT_EQ(enc.Add("\xc0\xaf", 1, 1), FrameEncoder::Result::kRejected);      // overlong
  EXPECT_FALSE(enc.Append("a", inf, 1));
  EXPECT_EQ(enc.count(), 0u);
  EXPECT_EQ(enc.Finish(), "");
  // Pickle carries any valid UTF-8, spaces included.
  EXPECT_EQ(enc.Add("caf\xc3\xa9 x", 1, 1), FrameEncoder::Result::kAppended);
}

TEST(Utf8Test, AgreesWithPythonStrictDecode) {
  // Random short byte strings biased towards UTF-8 lead and continuation bytes.
  std::mt19937_64 rng(13);
  const unsigned char interesting[] = {0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
                                       0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x90};
  std::vector<std::string> samples;
  std::string input;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    int n = 1 + rng() % 6;
    for (int k = 0; k < n; ++k) {
      s += static_cast<char>(rng() % 2 ? interesting[rng() % sizeof(interesting)] : rng() % 256);
    }
    samples.push_back(s);
    input += HexCompact(s) + "\n";
  }
  testing::TempDir dir;
  testing::WriteFile(dir.File("in.txt"), input);
  int rc = -1;
  std::string out = testing::Run(
      "/usr/bin/python3 -c \"import sys\nfor l in open(sys.argv[1]):\n  b = "
      "bytes.fromhex(l.strip())"
      "\n  try:\n    b.decode('utf-8'); print(1)\n  except UnicodeDecodeError: print(0)\" " +
          dir.File("in.txt"),
      &rc);
  ASSERT_EQ(rc, 0) << out;
  std::istringstream in(out);
  std::string line;
  size_t valid = 0;
  for (const auto& s : samples) {
    ASSERT_TRUE(std::getline(in, line));
    ASSERT_EQ(IsValidUtf8(s), line == "1") << HexCompact(s);
    valid += line == "1";
    FrameEncoder enc(Protocol::kPickle, 1000);
    EXPECT_EQ(enc.Add(s, 1, 1) == FrameEncoder::Result::kAppended, line == "1");
  }
  EXPECT_GT(valid, 100u);  // both outcomes are exercised
  EXPECT_LT(valid, samples.size() - 100);
}

struct Point {
  std::string path;
  double ts;
  double value;
};

// Checks the frames' invariants and returns the points in frame order (decoded by a small
// reader of our own subset of pickle, independent of the encoder).
std::vector<Point> DecodePickleFrames(const std::vector<std::string>& frames, size_t max) {
  std::vector<Point> out;
  auto rd32le = [](const char* p) {
    uint32_t v = 0;
    for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(p[k]);
    return v;
  };
  auto number = [&](const std::string& f, size_t& i) -> double {
    if (f[i] == '\x4a') {
      double d = static_cast<int32_t>(rd32le(&f[i + 1]));
      i += 5;
      return d;
    }
    EXPECT_EQ(f[i], '\x47');
    uint64_t u = 0;
    for (int k = 1; k <= 8; ++k) u = (u << 8) | static_cast<unsigned char>(f[i + k]);
    i += 9;
    return std::bit_cast<double>(u);
  };
  for (const auto& f : frames) {
    EXPECT_LE(f.size(), max);
    uint32_t len = 0;
    for (int k = 0; k < 4; ++k) len = (len << 8) | static_cast<unsigned char>(f[k]);
    EXPECT_EQ(len + 4, f.size());
    EXPECT_EQ(f.substr(4, 4), std::string("\x80\x02\x5d\x28"));
    size_t i = 8;
    while (i < f.size() - 2) {
      EXPECT_EQ(f[i], '\x58');
      uint32_t n = rd32le(&f[i + 1]);
      Point p;
      p.path = f.substr(i + 5, n);
      i += 5 + n;
      p.ts = number(f, i);
      p.value = number(f, i);
      EXPECT_EQ(f.substr(i, 2), "\x86\x86");
      i += 2;
      out.push_back(p);
    }
    EXPECT_EQ(f.substr(f.size() - 2), "\x65\x2e");
  }
  return out;
}

std::string RandomPath(std::mt19937_64& rng) {
  static const std::vector<std::string> pieces = {"voltha",
                                                  "kpi",
                                                  "rx_bytes",
                                                  "olt",
                                                  "\xc3\xa9t\xc3\xa9",
                                                  "\xe2\x82\xac",
                                                  "\xf0\x9f\x98\x80",
                                                  "port-1",
                                                  "a b",
                                                  "x",
                                                  "_",
                                                  "#@%+=",
                                                  "ONU:12",
                                                  "\xe4\xb8\xad\xe6\x96\x87"};
  std::string p;
  int n = 1 + rng() % 8;
  for (int i = 0; i < n; ++i) {
    if (i) p += '.';
    p += pieces[rng() % pieces.size()];
    if (rng() % 4 == 0) p += std::to_string(rng() % 100000);
  }
  if (rng() % 50 == 0) p += std::string(900, 'L');  // long paths too
  return p;
}

double RandomNumber(std::mt19937_64& rng) {
  switch (rng() % 9) {
    case 0:
      return static_cast<double>(static_cast<int32_t>(rng()));  // int32
    case 1:
      return static_cast<double>(static_cast<int64_t>(rng()));  // huge integral
    case 2:
      return std::ldexp(static_cast<double>(rng() % 1000000) - 500000, -(int)(rng() % 40));
    case 3:
      return -0.0;
    case 4:
      return 1e300 * ((rng() % 2) ? 1 : -1);
    case 5:
      return std::numeric_limits<double>::denorm_min() * (rng() % 1000 + 1);
    case 6:
      return std::numeric_limits<double>::max();
    case 7:
      return 2147483648.0;
    default: {
      uint64_t bits;
      do bits = rng();
      while (!std::isfinite(std::bit_cast<double>(bits)));
      return std::bit_cast<double>(bits);
    }
  }
}

std::vector<Point> RandomPoints(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Point> pts;
  for (size_t i = 0; i < n; ++i) {
    Point p{RandomPath(rng), RandomNumber(rng), RandomNumber(rng)};
    if (rng() % 3 == 0) p.ts = 1700000000 + static_cast<double>(rng() % 1000);  // typical
    if (rng() % 5 == 0) p.ts += 0.5;
    pts.push_back(p);
  }
  return pts;
}

// Encodes all points with the caller protocol: Append, on false Finish and retry.
std::vector<std::string> EncodeAll(FrameEncoder& enc, const std::vector<Point>& pts) {
  std::vector<std::string> frames;
  for (const auto& p : pts) {
    if (!enc.Append(p.path, p.ts, p.value)) {
      EXPECT_GT(enc.count(), 0u);  // every point here fits an empty frame
      frames.push_back(enc.Finish());
      EXPECT_TRUE(enc.Append(p.path, p.ts, p.value)) << p.path;
    }
    EXPECT_LE(enc.bytes(), enc.max_frame_bytes());
  }
  if (enc.count() > 0) frames.push_back(enc.Finish());
  return frames;
}

TEST(PickleTest, FrameSplittingKeepsEveryPointOnceInOrder) {
  auto pts = RandomPoints(5000, 1);
  for (size_t max : {1200u, 4096u, 65536u, 1u << 20}) {
    FrameEncoder enc(Protocol::kPickle, max);
    auto frames = EncodeAll(enc, pts);
    EXPECT_GT(frames.size(), max < 65536 ? 50u : 0u);
    auto got = DecodePickleFrames(frames, max);
    ASSERT_EQ(got.size(), pts.size()) << max;
    for (size_t i = 0; i < pts.size(); ++i) {
      ASSERT_EQ(got[i].path, pts[i].path);
      ASSERT_EQ(std::bit_cast<uint64_t>(got[i].ts), std::bit_cast<uint64_t>(pts[i].ts));
      ASSERT_EQ(std::bit_cast<uint64_t>(got[i].value), std::bit_cast<uint64_t>(pts[i].value));
    }
  }
}

TEST(PickleTest, RecycledStorageGivesTheSameFrames) {
  // Frames handed back with Recycle() (dirty, of every size) are reused as storage; the bytes
  // of later frames must not depend on it, in either protocol.
  auto pts = RandomPoints(4000, 3);
  std::erase_if(pts, [](const Point& p) { return p.path.find(' ') != std::string::npos; });
  for (Protocol proto : {Protocol::kPickle, Protocol::kPlaintext}) {
    FrameEncoder fresh(proto, 16384);
    auto want = EncodeAll(fresh, pts);
    FrameEncoder reused(proto, 16384);
    std::vector<std::string> got;
    for (const auto& p : pts) {
      if (!reused.Append(p.path, p.ts, p.value)) {
        got.push_back(reused.Finish());
        std::string junk = got.back();
        std::fill(junk.begin(), junk.end(), '\xff');
        reused.Recycle(std::move(junk));
        ASSERT_TRUE(reused.Append(p.path, p.ts, p.value));
      }
    }
    got.push_back(reused.Finish());
    EXPECT_GT(got.size(), 5u);
    EXPECT_EQ(got, want);
  }
}

TEST(PickleTest, RecycledFramesAreReusedInBursts) {
  // A sender writes several frames at once and hands them all back: up to kMaxSpares of them
  // become the storage of the next frames (no fresh allocation), the rest are freed.
  FrameEncoder enc(Protocol::kPickle, 4096);
  std::vector<std::string> frames;
  for (size_t i = 0; i < FrameEncoder::kMaxSpares + 4; ++i) {
    ASSERT_TRUE(enc.Append("a.b.c", 1700000000, static_cast<double>(i)));
    frames.push_back(enc.Finish());
  }
  std::vector<const char*> handed_back;
  for (auto& f : frames) {
    handed_back.push_back(f.data());
    enc.Recycle(std::move(f));
  }
  EXPECT_EQ(enc.spare_count(), FrameEncoder::kMaxSpares);
  // The next frame is the encoder's own buffer; each of the kMaxSpares after it is written in
  // storage that was handed back.
  ASSERT_TRUE(enc.Append("a.b.c", 1700000000, 1.0));
  (void)enc.Finish();
  for (size_t i = 0; i < FrameEncoder::kMaxSpares; ++i) {
    ASSERT_TRUE(enc.Append("a.b.c", 1700000000, 1.0));
    std::string f = enc.Finish();
    EXPECT_NE(std::find(handed_back.begin(), handed_back.end(), f.data()), handed_back.end()) << i;
  }
  EXPECT_EQ(enc.spare_count(), 0u);
}

TEST(PickleTest, RecycledFrameStorageStopsGrowing) {
  // Points are written at their widest and trimmed to their exact size; near the end of a frame
  // that must never grow recycled storage again (a reallocation copies the whole frame).
  for (size_t limit : {size_t{4096}, size_t{65536}}) {
    FrameEncoder enc(Protocol::kPickle, limit);
    std::vector<size_t> capacities;
    for (int i = 0; capacities.size() < 30; ++i) {
      const double v = i % 3 == 0 ? 1.5 : i;  // BINFLOAT and BININT mixed
      if (!enc.Append("voltha.openolt.dev" + std::to_string(i % 97) + ".m", 1700000000, v)) {
        std::string f = enc.Finish();
        EXPECT_LE(f.size(), limit);
        capacities.push_back(f.capacity());
        enc.Recycle(std::move(f));
      }
    }
    // Warmed up after a few frames: later frames never find their storage too small.
    const size_t warm = *std::max_element(capacities.begin(), capacities.begin() + 5);
    EXPECT_LE(*std::max_element(capacities.begin() + 5, capacities.end()), warm)
        << ::testing::PrintToString(capacities);
  }
}

TEST(PickleTest, ExactFitAndTooLarge) {
  // One point of the worked example is 36 bytes: a 36-byte limit holds exactly one.
  FrameEncoder enc(Protocol::kPickle, 36);
  EXPECT_EQ(enc.Add("a.b.c", 1700000000, 1.5), FrameEncoder::Result::kAppended);
  EXPECT_EQ(enc.bytes(), 36u);
  EXPECT_EQ(enc.Add("a.b.c", 1700000000, 1.5), FrameEncoder::Result::kFull);
  EXPECT_EQ(enc.Finish().size(), 36u);
  FrameEncoder tiny(Protocol::kPickle, 35);
  EXPECT_EQ(tiny.Add("a.b.c", 1700000000, 1.5), FrameEncoder::Result::kTooLarge);
  EXPECT_FALSE(tiny.Append("a.b.c", 1700000000, 1.5));
  EXPECT_EQ(tiny.count(), 0u);
}

std::string PyNumber(double d) {
  if (d >= -2147483648.0 && d <= 2147483647.0 && d == std::trunc(d) &&
      !(d == 0 && std::signbit(d))) {
    return "int:" + std::to_string(static_cast<int64_t>(d));
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "float:%016llx",
                static_cast<unsigned long long>(std::bit_cast<uint64_t>(d)));
  return buf;
}

TEST(PickleTest, RoundTripThroughPythonAndCarbonSafeUnpickler) {
  auto pts = RandomPoints(20000, 7);
  FrameEncoder enc(Protocol::kPickle, 16384);
  auto frames = EncodeAll(enc, pts);
  testing::TempDir dir;
  std::string all;
  for (const auto& f : frames) all += f;
  testing::WriteFile(dir.File("frames.bin"), all);
  int rc = -1;
  std::string out = testing::Run("/usr/bin/python3 " + testing::SourceDir() +
                                     "/tests/graphite/pickle_oracle.py " + dir.File("frames.bin"),
                                 &rc);
  ASSERT_EQ(rc, 0) << out;
  std::istringstream in(out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "frames " + std::to_string(frames.size()));
  size_t i = 0;
  for (; std::getline(in, line); ++i) {
    ASSERT_LT(i, pts.size());
    std::string want =
        HexCompact(pts[i].path) + " " + PyNumber(pts[i].ts) + " " + PyNumber(pts[i].value);
    ASSERT_EQ(line, want) << "point " << i;
  }
  EXPECT_EQ(i, pts.size());
}

TEST(PlaintextTest, Format) {
  FrameEncoder enc(Protocol::kPlaintext, 1000);
  ASSERT_TRUE(enc.Append("a.b.c", 1700000000, 1.5));
  ASSERT_TRUE(enc.Append("x", 1700000000.25, 42));
  ASSERT_TRUE(enc.Append("y", 1, 0.1));
  ASSERT_TRUE(enc.Append("z", 2, 1e300));
  ASSERT_TRUE(enc.Append("w", 3, -2.5e-7));
  EXPECT_EQ(enc.count(), 5u);
  std::string f = enc.Finish();
  EXPECT_EQ(f,
            "a.b.c 1.5 1700000000\n"
            "x 42 1700000000.25\n"
            "y 0.1 1\n"
            "z 1e+300 2\n"
            "w -2.5e-07 3\n");
}

TEST(PlaintextTest, NumbersRoundTrip) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100000; ++i) {
    double d = RandomNumber(rng);
    std::string s = FormatPlaintextNumber(d);
    EXPECT_EQ(s.find_first_of(" \n"), std::string::npos);
    double back = std::strtod(s.c_str(), nullptr);
    ASSERT_EQ(std::bit_cast<uint64_t>(back), std::bit_cast<uint64_t>(d)) << s;
  }
  EXPECT_EQ(FormatPlaintextNumber(1e15), "1000000000000000");
  EXPECT_EQ(FormatPlaintextNumber(-3), "-3");
  EXPECT_EQ(FormatPlaintextNumber(-0.0), "-0");
}

TEST(PlaintextTest, RejectsAndSplits) {
  FrameEncoder enc(Protocol::kPlaintext, 30);
  EXPECT_EQ(enc.Add("has space", 1, 1), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("has\nnewline", 1, 1), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("tab\t", 1, 1), FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add("a", 1, std::numeric_limits<double>::infinity()),
            FrameEncoder::Result::kRejected);
  EXPECT_EQ(enc.Add(std::string(40, 'p'), 1, 1), FrameEncoder::Result::kTooLarge);
  EXPECT_EQ(enc.Add("aaaaaaaaaa", 1, 1), FrameEncoder::Result::kAppended);  // 15 bytes
  EXPECT_EQ(enc.Add("bbbbbbbbbb", 1, 1), FrameEncoder::Result::kAppended);  // 30: exact fit
  EXPECT_EQ(enc.Add("c", 1, 1), FrameEncoder::Result::kFull);
  EXPECT_EQ(enc.bytes(), 30u);
  EXPECT_EQ(enc.Finish(), "aaaaaaaaaa 1 1\nbbbbbbbbbb 1 1\n");
  FrameEncoder big(Protocol::kPlaintext, 1 << 20);
  EXPECT_EQ(big.Add(std::string(kCarbonMaxLineLength, 'p'), 1, 1),
            FrameEncoder::Result::kRejected);  // over carbon's line limit
}

TEST(PlaintextTest, SplittingKeepsEveryLineOnceInOrder) {
  auto pts = RandomPoints(3000, 11);
  for (auto& p : pts) std::replace(p.path.begin(), p.path.end(), ' ', '_');
  FrameEncoder enc(Protocol::kPlaintext, 2000);
  auto frames = EncodeAll(enc, pts);
  size_t i = 0;
  for (const auto& f : frames) {
    ASSERT_LE(f.size(), 2000u);
    ASSERT_EQ(f.back(), '\n');
    std::istringstream in(f);
    std::string path, v, ts;
    while (in >> path >> v >> ts) {
      ASSERT_LT(i, pts.size());
      EXPECT_EQ(path, pts[i].path);
      EXPECT_EQ(std::strtod(v.c_str(), nullptr), pts[i].value);
      EXPECT_EQ(std::strtod(ts.c_str(), nullptr), pts[i].ts);
      ++i;
    }
  }
  EXPECT_EQ(i, pts.size());
}

}  // namespace
}  // namespace vs::graphite
