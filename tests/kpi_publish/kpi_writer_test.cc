// libkpi write side: sample building, the three shapes byte for byte, escaping of hostile
// names, invalid samples, batching under a byte limit. Messages are read back with an
// independent simdjson reader (json_reader.h).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "common/utf8.h"
#include "kpi/json_writer.h"
#include "kpi/sample.h"
#include "kpi_publish/json_reader.h"

namespace vs::kpi {
namespace {

using testing::ReadMessage;
using testing::ReadPoint;

std::vector<ReadPoint> ReadAll(const std::vector<std::string>& msgs) {
  std::vector<ReadPoint> out;
  for (const auto& m : msgs) {
    std::string err;
    EXPECT_TRUE(ReadMessage(m, &out, &err)) << err << " in " << m;
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<ReadPoint> Expected(const std::vector<Sample>& samples) {
  std::vector<ReadPoint> out;
  for (const auto& s : samples) out.push_back({s.GraphitePath(), s.value, s.timestamp});
  std::sort(out.begin(), out.end());
  return out;
}

DeviceMeta Olt(std::string title, std::string port) {
  DeviceMeta d;
  d.title = std::move(title);
  d.logical_device_id = "000000139521a269";
  d.device_id = "000115929ed71696";
  d.serial_no = "dummy_sn2209199";
  d.context = {{"port_no", std::move(port)}};
  return d;
}

const Shape kShapes[] = {Shape::kSeed, Shape::kKpiEvent, Shape::kKpiEvent2};

TEST(SampleTest, DevicePathFollowsShovelRules) {
  DeviceMeta d = Olt("Ethernet", "1");
  d.context = {{"z", "last"}, {"a", "first"}};
  Sample s = MakeDeviceSample(d, "tx_packets", 16, 1534440704);
  EXPECT_TRUE(s.has_device);
  EXPECT_EQ(s.device.context[0].first, "a");  // sorted by key
  EXPECT_EQ(s.GraphitePath(), "Ethernet.000115929ed71696.first.last.tx_packets");
  d.device_id.clear();  // falls back to the logical device id
  EXPECT_EQ(DevicePath(d), "Ethernet.000000139521a269.last.first");
  d.logical_device_id.clear();
  d.context.clear();
  EXPECT_EQ(DevicePath(d), "Ethernet");
}

TEST(SampleTest, Validation) {
  EXPECT_TRUE(ValidateSample(MakeSample("a.b", "m", 1, 1)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a", "m", std::nan(""), 1)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a", "m", INFINITY, 1)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a", "m", 1, 0)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a", "m", 1, -5)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a", "m", 1, INFINITY)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("", "m", 1, 1)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a", "", 1, 1)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a\xff", "m", 1, 1)).ok());
  EXPECT_FALSE(ValidateSample(MakeSample("a", "\xc0\xaf", 1, 1)).ok());      // overlong '/'
  EXPECT_FALSE(ValidateSample(MakeSample("a", "\xed\xa0\x80", 1, 1)).ok());  // surrogate
  EXPECT_FALSE(ValidateSample(MakeSample("a", "\xe2\x82", 1, 1)).ok());      // truncated
  DeviceMeta d = Olt("PON", "\xfe");
  EXPECT_FALSE(ValidateSample(MakeDeviceSample(d, "m", 1, 1)).ok());
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
}

TEST(ShapeTest, Names) {
  for (Shape s : kShapes) {
    auto p = ParseShape(ShapeName(s));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, s);
  }
  EXPECT_FALSE(ParseShape("Seed").ok());
  EXPECT_FALSE(ParseShape("").ok());
}

TEST(JsonWriterTest, SeedShapeBytes) {
  JsonWriter w;
  std::vector<Sample> in = {MakeSample("voltha.internal.c1", "deferreds", 3, 1481234567),
                            MakeSample("voltha.internal.c1", "rss-mb", 101.5, 1481234567)};
  auto msgs = w.WriteAll(in);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], R"({"type":"slice","ts":1481234567,"data":{"voltha.internal.c1":)"
                     R"({"deferreds":3,"rss-mb":101.5}}})");
}

TEST(JsonWriterTest, KpiEventShapeBytes) {
  JsonWriter w({.shape = Shape::kKpiEvent});
  std::vector<Sample> in = {MakeSample("a.b", "m", 0.25, 1484726400.5),
                            MakeSample("c", "n", -2, 1484726400.5)};
  auto msgs = w.WriteAll(in);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], R"({"type":"slice","ts":1484726400.5,"prefixes":{"a.b":{"metrics":)"
                     R"({"m":0.25}},"c":{"metrics":{"n":-2}}}})");
}

TEST(JsonWriterTest, KpiEvent2ShapeBytes) {
  JsonWriter w({.shape = Shape::kKpiEvent2});
  std::vector<Sample> in = {MakeDeviceSample(Olt("Ethernet", "1"), "tx_packets", 16, 1534440704),
                            MakeSample("voltha.internal.c1", "rss-mb", 7, 1534440705)};
  auto msgs = w.WriteAll(in);
  ASSERT_EQ(msgs.size(), 1u);  // kpievent2 carries a ts per entry
  EXPECT_EQ(msgs[0],
            R"({"type":"slice","ts":1534440704,"slice_data":[{"metadata":{"title":"Ethernet",)"
            R"("ts":1534440704,"logical_device_id":"000000139521a269",)"
            R"("device_id":"000115929ed71696","serial_no":"dummy_sn2209199",)"
            R"("context":{"port_no":"1"}},"metrics":{"tx_packets":16}},)"
            R"({"metadata":{"title":"voltha","ts":1534440705,"context":{"001":"internal",)"
            R"("002":"c1"}},"metrics":{"rss-mb":7}}]})");
  EXPECT_EQ(ReadAll(msgs), Expected(in));
}

TEST(JsonWriterTest, NumbersRoundTripExactly) {
  std::vector<Sample> in;
  const double values[] = {0.0,
                           -0.0,
                           0.1,
                           1e300,
                           -1e-300,
                           123456789012345678.0,
                           1.0 / 3,
                           5e-324,
                           2.5e15,
                           18446744073709551616.0,
                           -9.3e18,
                           4e15 + 1,
                           16.0,
                           -7,
                           std::numeric_limits<double>::max()};
  int i = 0;
  for (double v : values)
    in.push_back(MakeSample("n", "m" + std::to_string(i++), v, 1.7e9 + 0.125));
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape});
    auto got = ReadAll(w.WriteAll(in));
    auto want = Expected(in);
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < got.size(); ++k) {
      EXPECT_EQ(got[k].path, want[k].path);
      EXPECT_EQ(got[k].value, want[k].value) << got[k].path;  // bit-exact for finite doubles
      EXPECT_EQ(std::signbit(got[k].value), std::signbit(want[k].value)) << got[k].path;
      EXPECT_EQ(got[k].ts, want[k].ts);
    }
  }
}

TEST(JsonWriterTest, HostileNamesAreEscaped) {
  const std::vector<std::string> names = {"quote\"d",
                                          "back\\slash",
                                          "new\nline",
                                          "tab\tand\rcr",
                                          std::string("nul\0byte", 8),
                                          "\x01\x1f\x7f",
                                          "sp ace",
                                          "sl/ash",
                                          "dot..dot",
                                          "caf\xc3\xa9",
                                          "emoji\xf0\x9f\x98\x80",
                                          "</script>",
                                          "{\"json\":1}",
                                          "\\u0000",
                                          "'single'"};
  std::vector<Sample> in;
  for (const auto& n : names) in.push_back(MakeSample(n, n, 1, 1.7e9));
  DeviceMeta d = Olt("Eth\"er\\net\n", "po\"rt\x02");
  d.context.push_back({"ke\"y\x1b", "v"});
  in.push_back(MakeDeviceSample(d, "m\"x", 2, 1.7e9));
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape});
    WriteStats st;
    auto msgs = w.WriteAll(in, &st);
    EXPECT_EQ(st.samples, in.size());
    EXPECT_EQ(st.invalid, 0u);
    for (const auto& m : msgs) {
      for (unsigned char c : m) EXPECT_GE(c, 0x20) << "raw control byte in " << m;
    }
    auto got = ReadAll(msgs);
    if (shape == Shape::kKpiEvent2) {
      // Plain samples lose their empty levels there ("dot..dot" -> "dot.dot"), as in shovel.
      for (auto& p : got) {
        if (p.path.find("dot.dot") == 0) p.path = "dot..dot.dot..dot";
      }
      std::sort(got.begin(), got.end());
    }
    EXPECT_EQ(got, Expected(in)) << ShapeName(shape);
  }
}

TEST(JsonWriterTest, InvalidSamplesAreSkippedAndCounted) {
  std::vector<Sample> in = {MakeSample("ok", "a", 1, 10),
                            MakeSample("bad", "nan", std::nan(""), 10),
                            MakeSample("bad", "ts", 1, -1), MakeSample("bad\xff", "utf8", 1, 10),
                            MakeSample("ok", "b", 2, 10)};
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape});
    WriteStats st;
    auto msgs = w.WriteAll(in, &st);
    EXPECT_EQ(st.invalid, 3u);
    EXPECT_EQ(st.samples, 2u);
    EXPECT_EQ(msgs.size(), 1u);
    EXPECT_EQ(ReadAll(msgs), Expected({in[0], in[4]}));
  }
}

TEST(JsonWriterTest, SeedStartsAMessagePerTimestamp) {
  std::vector<Sample> in = {MakeSample("a", "m", 1, 10), MakeSample("a", "n", 2, 10),
                            MakeSample("a", "m", 3, 20), MakeSample("b", "m", 4, 10)};
  for (Shape shape : {Shape::kSeed, Shape::kKpiEvent}) {
    JsonWriter w({.shape = shape});
    auto msgs = w.WriteAll(in);
    EXPECT_EQ(msgs.size(), 3u);
    EXPECT_EQ(ReadAll(msgs), Expected(in));
  }
  JsonWriter w2({.shape = Shape::kKpiEvent2});
  auto msgs = w2.WriteAll(in);
  EXPECT_EQ(msgs.size(), 1u);
  EXPECT_EQ(ReadAll(msgs), Expected(in));
}

TEST(JsonWriterTest, NeverRepeatsAKey) {
  // The same path again after another path, and the same metric twice: ReadMessage fails on a
  // duplicate key, and every sample must still come back.
  std::vector<Sample> in = {MakeSample("a", "m", 1, 10), MakeSample("b", "m", 2, 10),
                            MakeSample("a", "n", 3, 10), MakeSample("a", "n", 4, 10)};
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape});
    WriteStats st;
    auto msgs = w.WriteAll(in, &st);
    EXPECT_EQ(st.samples, 4u);
    EXPECT_EQ(ReadAll(msgs), Expected(in)) << ShapeName(shape);
  }
  // Many metrics in one group take the hash-set path.
  std::vector<Sample> big;
  for (int i = 0; i < 100; ++i) big.push_back(MakeSample("g", "m" + std::to_string(i), i, 10));
  big.push_back(MakeSample("g", "m42", 1000, 10));
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape});
    auto msgs = w.WriteAll(big);
    EXPECT_EQ(msgs.size(), shape == Shape::kKpiEvent2 ? 1u : 2u);
    EXPECT_EQ(ReadAll(msgs), Expected(big));
  }
}

TEST(JsonWriterTest, BatchesUnderTheByteLimit) {
  std::vector<Sample> in;
  for (int dev = 0; dev < 50; ++dev) {
    for (int port = 1; port <= 4; ++port) {
      DeviceMeta d = Olt(port == 1 ? "NNI" : "PON", std::to_string(port));
      d.device_id = "dev" + std::to_string(dev);
      for (const char* m : {"tx_packets", "rx_packets", "tx_bytes", "rx_bytes", "rx_errors"}) {
        in.push_back(MakeDeviceSample(d, m, dev * 1000 + port, 1.7e9));
      }
    }
    for (int k = 0; k < 20; ++k) {
      in.push_back(MakeSample("host.h" + std::to_string(dev), "k" + std::to_string(k), k, 1.7e9));
    }
  }
  for (Shape shape : kShapes) {
    for (size_t limit : {size_t{300}, size_t{1000}, size_t{4096}, size_t{1} << 20}) {
      JsonWriter w({.shape = shape, .max_message_bytes = limit});
      WriteStats st;
      size_t counted = 0;
      std::vector<std::string> msgs;
      st = w.Write(in, [&](std::string_view m, size_t n) {
        msgs.emplace_back(m);
        counted += n;
      });
      EXPECT_EQ(st.samples, in.size()) << ShapeName(shape) << " " << limit;
      EXPECT_EQ(counted, in.size());
      EXPECT_EQ(st.messages, msgs.size());
      for (const auto& m : msgs) EXPECT_LE(m.size(), limit);
      if (limit <= 1000) {
        EXPECT_GT(msgs.size(), 10u);
      }
      if (limit == 4096) {
        EXPECT_GT(msgs.size(), 4u);
      }
      if (limit == (size_t{1} << 20)) {
        EXPECT_EQ(msgs.size(), 1u);
      }
      EXPECT_EQ(ReadAll(msgs), Expected(in)) << ShapeName(shape) << " " << limit;
    }
  }
}

TEST(JsonWriterTest, SampleTooLargeForAnyMessage) {
  std::vector<Sample> in = {MakeSample("small", "a", 1, 10),
                            MakeSample(std::string(2000, 'x'), "huge", 2, 10),
                            MakeSample("small", "b", 3, 10)};
  for (Shape shape : kShapes) {
    JsonWriter w({.shape = shape, .max_message_bytes = 1000});
    WriteStats st;
    auto msgs = w.WriteAll(in, &st);
    EXPECT_EQ(st.too_large, 1u);
    EXPECT_EQ(st.samples, 2u);
    EXPECT_EQ(ReadAll(msgs), Expected({in[0], in[2]}));
  }
}

TEST(JsonWriterTest, EmptyInputEmitsNothing) {
  JsonWriter w;
  WriteStats st;
  EXPECT_TRUE(w.WriteAll({}, &st).empty());
  EXPECT_EQ(st.messages, 0u);
}

}  // namespace
}  // namespace vs::kpi
