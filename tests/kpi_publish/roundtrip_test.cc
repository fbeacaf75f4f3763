// The writer and shovel's parser agree (issue 5): every sample that already follows shovel's
// path rules (components of [A-Za-z0-9_:#@%+=-], no empty component, <= 1024 bytes, a metric
// without dots) comes back out of kpi::MessageParser with the same path, value and timestamp,
// in every shape and under every message size limit. Hostile names never make shovel reject a
// message the writer produced.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

#include "kpi/json_writer.h"
#include "kpi/message_parser.h"
#include "kpi/path_rules.h"
#include "kpi/sample.h"

namespace vs::kpi {
namespace {

const Shape kShapes[] = {Shape::kSeed, Shape::kKpiEvent, Shape::kKpiEvent2};
constexpr char kAllowed[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:#@%+=-";

using Point = std::tuple<std::string, double, double>;  // path, ts, value

std::string Component(std::mt19937_64& rng, int max_len) {
  std::uniform_int_distribution<int> len(1, max_len);
  std::uniform_int_distribution<size_t> ch(0, sizeof(kAllowed) - 2);
  std::string s;
  for (int n = len(rng); n > 0; --n) s.push_back(kAllowed[ch(rng)]);
  return s;
}

double Value(std::mt19937_64& rng) {
  static const double kSpecial[] = {
      0.0, -0.0, 1e300, -1e300, 5e-324, 0.1, 1.0 / 3, 9007199254740993.0, 18446744073709551616.0,
      -42};
  std::uniform_int_distribution<int> pick(0, 14);
  int k = pick(rng);
  if (k < 10) return kSpecial[k];
  if (k < 12) return static_cast<double>(rng() >> 11);  // large integers (counters)
  return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
}

std::vector<Sample> RuleFollowingSamples(uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::vector<Sample> out;
  std::uniform_int_distribution<int> kind(0, 2), levels(1, 6), ctx(0, 3);
  const double ts_choices[] = {1481234567, 1484726400.5, 1534440704.25};
  while (static_cast<int>(out.size()) < n) {
    double ts = ts_choices[rng() % 3];
    int metrics = 1 + static_cast<int>(rng() % 8);
    if (kind(rng) < 2) {
      std::string path = Component(rng, 12);
      for (int l = levels(rng); l > 1; --l) path += "." + Component(rng, 12);
      for (int m = 0; m < metrics; ++m) {
        out.push_back(MakeSample(path, Component(rng, 16), Value(rng), ts));
      }
    } else {
      DeviceMeta d;
      d.title = Component(rng, 10);
      int ids = static_cast<int>(rng() % 3);  // both ids, only logical, none
      if (ids == 0) d.device_id = Component(rng, 16);
      if (ids <= 1) d.logical_device_id = Component(rng, 16);
      d.serial_no = Component(rng, 10);
      for (int c = ctx(rng); c > 0; --c) {
        d.context.push_back({"k" + std::to_string(c) + Component(rng, 4), Component(rng, 8)});
      }
      for (int m = 0; m < metrics; ++m) {
        out.push_back(MakeDeviceSample(d, Component(rng, 16), Value(rng), ts));
      }
    }
  }
  return out;
}

std::vector<Point> Parse(const std::vector<std::string>& msgs, bool* all_accepted) {
  MessageParser parser;
  DatapointBatch batch;
  *all_accepted = true;
  for (const auto& m : msgs) {
    ParseStats st = parser.Parse(m, &batch);
    if (st.reject != MessageReject::kNone) *all_accepted = false;
    for (auto skipped : st.skipped) {
      if (skipped != 0) *all_accepted = false;
    }
  }
  std::vector<Point> out;
  for (size_t i = 0; i < batch.size(); ++i) {
    out.emplace_back(std::string(batch.path(i)), batch.timestamp(i), batch.value(i));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Point> Expected(const std::vector<Sample>& samples) {
  std::vector<Point> out;
  for (const auto& s : samples) out.emplace_back(s.GraphitePath(), s.timestamp, s.value);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RoundTripTest, RuleFollowingSamplesComeBackUnchanged) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto samples = RuleFollowingSamples(seed, 400);
    auto want = Expected(samples);
    for (Shape shape : kShapes) {
      for (size_t limit : {size_t{600}, size_t{8192}, size_t{512} * 1024}) {
        JsonWriter w({.shape = shape, .max_message_bytes = limit});
        WriteStats ws;
        auto msgs = w.WriteAll(samples, &ws);
        ASSERT_EQ(ws.samples, samples.size());
        bool accepted = false;
        auto got = Parse(msgs, &accepted);
        EXPECT_TRUE(accepted) << ShapeName(shape) << " seed " << seed;
        ASSERT_EQ(got.size(), want.size()) << ShapeName(shape) << " seed " << seed;
        for (size_t i = 0; i < got.size(); ++i) {
          EXPECT_EQ(std::get<0>(got[i]), std::get<0>(want[i]));
          EXPECT_EQ(std::get<1>(got[i]), std::get<1>(want[i]));
          // Bit-exact, -0 included.
          EXPECT_EQ(std::signbit(std::get<2>(got[i])), std::signbit(std::get<2>(want[i])));
          EXPECT_EQ(std::get<2>(got[i]), std::get<2>(want[i])) << std::get<0>(want[i]);
        }
      }
    }
  }
}

TEST(RoundTripTest, KpiEventPathsMatchAcrossShapes) {
  // The daemon's own samples keep their Graphite paths whatever --shape says.
  std::vector<Sample> in = {MakeSample("voltha.internal.core1", "rss-mb", 12.5, 1.7e9),
                            MakeSample("voltha.host.h1.net.eth0", "rx-bytes", 1e12, 1.7e9)};
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape});
    bool accepted = false;
    EXPECT_EQ(Parse(w.WriteAll(in), &accepted), Expected(in)) << ShapeName(shape);
    EXPECT_TRUE(accepted);
  }
}

TEST(RoundTripTest, HostileNamesAreNeverRejected) {
  const std::vector<std::string> names = {
      "quote\"d",  "back\\slash", "new\nline", std::string("nul\0b", 5),
      "\x01\x1f",  "sp ace",      "sl/ash",    "caf\xc3\xa9",
      "{\"a\":1}", "\\u0000",     "x"};
  std::vector<Sample> in;
  for (const auto& n : names) in.push_back(MakeSample("ok." + n, "m" + n, 1, 1.7e9));
  DeviceMeta d;
  d.title = "Eth\"er";
  d.device_id = "de\\v";
  d.context = {{"p\n", "1\t"}};
  in.push_back(MakeDeviceSample(d, "tx\x02", 2, 1.7e9));
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape});
    MessageParser parser;
    DatapointBatch batch;
    for (const auto& m : w.WriteAll(in)) {
      ParseStats st = parser.Parse(m, &batch);
      EXPECT_EQ(st.reject, MessageReject::kNone) << m;
    }
    EXPECT_EQ(batch.size(), in.size()) << ShapeName(shape);
    for (size_t i = 0; i < batch.size(); ++i) {
      for (char c : batch.path(i)) EXPECT_TRUE(c == '.' || IsPathByte(c)) << batch.path(i);
    }
  }
}

}  // namespace
}  // namespace vs::kpi
