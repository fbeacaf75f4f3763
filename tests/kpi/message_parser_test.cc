#include "kpi/message_parser.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace vs::kpi {
namespace {

struct Point {
  std::string path;
  double ts;
  double value;
};

struct Case {
  const char* name;
  std::string message;
  std::vector<Point> want;
  std::map<PointSkip, uint32_t> skips = {};
  MessageReject reject = MessageReject::kNone;
};

std::string Dump(const ParseStats& s) {
  std::string out =
      std::string("reject=") + MessageRejectName(s.reject) + " added=" + std::to_string(s.added);
  for (size_t i = 0; i < s.skipped.size(); ++i) {
    if (s.skipped[i]) {
      out += std::string(" ") + PointSkipName(static_cast<PointSkip>(i)) + "=" +
             std::to_string(s.skipped[i]);
    }
  }
  return out;
}

// Parses c.message into a batch that already holds one point, so that a reject is seen to
// append nothing and accepted points are seen to be appended after what was there. Every case
// runs twice, with the fast path allowed and with simdjson only: both must give the expected
// result (values compared bit for bit, so -0.0 is not 0.0).
void Check(MessageParser& parser, const Case& c) {
  for (bool fast : {true, false}) {
    SCOPED_TRACE(std::string(c.name) + (fast ? " (fast path allowed)" : " (simdjson only)"));
    parser.set_fast_path(fast);
    DatapointBatch batch;
    batch.Add("before", 1, 1);
    ParseStats stats = parser.Parse(c.message, &batch);
    if (!fast) {
      EXPECT_FALSE(stats.fast_path);
    }
    EXPECT_EQ(stats.reject, c.reject) << Dump(stats);
    for (size_t i = 0; i < static_cast<size_t>(PointSkip::kCount); ++i) {
      auto it = c.skips.find(static_cast<PointSkip>(i));
      uint32_t want = it == c.skips.end() ? 0 : it->second;
      EXPECT_EQ(stats.skipped[i], want)
          << PointSkipName(static_cast<PointSkip>(i)) << ": " << Dump(stats);
    }
    EXPECT_EQ(stats.added, c.want.size());
    ASSERT_EQ(batch.size(), c.want.size() + 1) << Dump(stats);
    EXPECT_EQ(batch.path(0), "before");
    for (size_t i = 0; i < c.want.size(); ++i) {
      EXPECT_EQ(batch.path(i + 1), c.want[i].path) << i;
      EXPECT_EQ(std::bit_cast<uint64_t>(batch.timestamp(i + 1)),
                std::bit_cast<uint64_t>(c.want[i].ts))
          << i << ": " << batch.timestamp(i + 1) << " vs " << c.want[i].ts;
      EXPECT_EQ(std::bit_cast<uint64_t>(batch.value(i + 1)),
                std::bit_cast<uint64_t>(c.want[i].value))
          << i << ": " << batch.value(i + 1) << " vs " << c.want[i].value;
    }
  }
  parser.set_fast_path(true);
}

void CheckAll(const std::vector<Case>& cases, std::string_view prefix = {}) {
  MessageParser parser(64 << 20, prefix);  // one parser for all: buffers are reused
  for (const auto& c : cases) Check(parser, c);
}

// A shape-1 message with one metric whose value is the given JSON text.
std::string SeedWithValue(const std::string& json_value) {
  return R"({"type":"slice","ts":1700000000,"data":{"olt.port":{"m":)" + json_value + "}}}";
}
// A shape-1 message with one metric and the given ts JSON text.
std::string SeedWithTs(const std::string& json_ts) {
  return R"({"type":"slice","ts":)" + json_ts + R"(,"data":{"olt":{"m":1}}})";
}

constexpr double kTs = 1700000000;

TEST(MessageParserTest, SeedShape) {
  CheckAll({
      {"design example",
       R"({"type":"slice","ts":1481234567,"data":{"voltha.internal.vcore1":
           {"deferreds":3,"rss-mb":120.5}}})",
       {{"voltha.internal.vcore1.deferreds", 1481234567, 3},
        {"voltha.internal.vcore1.rss-mb", 1481234567, 120.5}}},
      {"several objects, fractional ts",
       R"({"type":"slice","ts":1481234567.25,"data":{"a":{"x":1},"b.c":{"y":-2.5}}})",
       {{"a.x", 1481234567.25, 1}, {"b.c.y", 1481234567.25, -2.5}}},
      {"extra top-level keys ignored",
       R"({"id":"x","type":"slice","ts":1,"data":{"a":{"x":1}},"other":[1,{"z":null}]})",
       {{"a.x", 1, 1}}},
      {"metric name dots are levels",
       R"({"type":"slice","ts":1,"data":{"a":{"b.c":1}}})",
       {{"a.b.c", 1, 1}}},
      {"entry that is not an object",
       R"({"type":"slice","ts":1,"data":{"a":5,"b":{"x":1},"c":[1]}})",
       {{"b.x", 1, 1}},
       {{PointSkip::kBadShape, 2}}},
      {"data that is not an object",
       R"({"type":"slice","ts":1,"data":[{"x":1}]})",
       {},
       {{PointSkip::kBadShape, 1}}},
      {"no payload at all", R"({"type":"slice","ts":1})", {}, {{PointSkip::kBadShape, 1}}},
      {"empty data", R"({"type":"slice","ts":1,"data":{}})", {}},
      {"leading whitespace is still JSON",
       " \r\n\t" + SeedWithValue("7"),
       {{"olt.port.m", kTs, 7}}},
  });
}

TEST(MessageParserTest, KpiEventShape) {
  CheckAll({
      {"two prefixes",
       R"({"type":"slice","ts":1484726400.0,"prefixes":{
           "voltha.olt.0001.pon":{"metrics":{"rx_packets":10,"tx_packets":20.5}},
           "voltha.onu.0002":{"metrics":{"temp":-3}}}})",
       {{"voltha.olt.0001.pon.rx_packets", 1484726400, 10},
        {"voltha.olt.0001.pon.tx_packets", 1484726400, 20.5},
        {"voltha.onu.0002.temp", 1484726400, -3}}},
      {"other keys beside metrics ignored",
       R"({"type":"slice","ts":5,"prefixes":{"p":{"note":"x","metrics":{"m":1}}}})",
       {{"p.m", 5, 1}}},
      {"missing metrics, metrics not an object, entry not an object",
       R"({"type":"slice","ts":5,"prefixes":{"a":{},"b":{"metrics":[1]},"c":3,
           "d":{"metrics":{"m":2}}}})",
       {{"d.m", 5, 2}},
       {{PointSkip::kBadShape, 3}}},
      {"prefixes not an object",
       R"({"type":"slice","ts":5,"prefixes":"x"})",
       {},
       {{PointSkip::kBadShape, 1}}},
      {"data and prefixes in one message",
       R"({"type":"slice","ts":5,"data":{"a":{"m":1}},"prefixes":{"b":{"metrics":{"m":2}}}})",
       {{"a.m", 5, 1}, {"b.m", 5, 2}}},
  });
}

TEST(MessageParserTest, KpiEvent2Shape) {
  CheckAll({
      {"design example",
       R"({"type":"slice","ts":1534440704.0,"slice_data":[{"metadata":{"title":"Ethernet",
           "ts":1534440704.0,"logical_device_id":"000000139521a269",
           "device_id":"000115929ed71696","serial_no":"dummy_sn2209199",
           "context":{"port_no":"1"}},"metrics":{"tx_packets":16.0}}]})",
       {{"Ethernet.000115929ed71696.1.tx_packets", 1534440704, 16}}},
      {"context values sorted by key, several metrics",
       R"({"type":"slice","ts":10,"slice_data":[{"metadata":{"title":"PON","device_id":"d1",
           "context":{"port_no":"2","intf":"pon0","a":"x"}},"metrics":{"rx":1,"tx":2}}]})",
       {{"PON.d1.x.pon0.2.rx", 10, 1}, {"PON.d1.x.pon0.2.tx", 10, 2}}},
      {"empty device_id falls back to logical_device_id",
       R"({"type":"slice","ts":10,"slice_data":[{"metadata":{"title":"T","device_id":"",
           "logical_device_id":"L"},"metrics":{"m":1}}]})",
       {{"T.L.m", 10, 1}}},
      {"absent device_id falls back to logical_device_id",
       R"({"type":"slice","ts":10,"slice_data":[{"metadata":{"title":"T",
           "logical_device_id":"L"},"metrics":{"m":1}}]})",
       {{"T.L.m", 10, 1}}},
      {"no ids at all: left out",
       R"({"type":"slice","ts":10,"slice_data":[{"metadata":{"title":"T","device_id":null,
           "context":{"k":"v"}},"metrics":{"m":1}}]})",
       {{"T.v.m", 10, 1}}},
      {"metadata.ts overrides ts",
       R"({"type":"slice","ts":10,"slice_data":[{"metadata":{"title":"T","ts":20},
           "metrics":{"m":1}},{"metadata":{"title":"U"},"metrics":{"m":2}}]})",
       {{"T.m", 20, 1}, {"U.m", 10, 2}}},
      {"metadata.ts that is not > 0 does not override",
       R"({"type":"slice","ts":10,"slice_data":[{"metadata":{"title":"A","ts":0},
           "metrics":{"m":1}},{"metadata":{"title":"B","ts":-5},"metrics":{"m":1}},
           {"metadata":{"title":"C","ts":"20"},"metrics":{"m":1}},
           {"metadata":{"title":"D","ts":1e400},"metrics":{"m":1}}]})",
       {{"A.m", 10, 1}, {"B.m", 10, 1}, {"C.m", 10, 1}, {"D.m", 10, 1}}},
      {"metadata.ts stands in for a missing ts",
       R"({"type":"slice","slice_data":[{"metadata":{"title":"T","ts":30},"metrics":{"m":1}},
           {"metadata":{"title":"U"},"metrics":{"m":2}}]})",
       {{"T.m", 30, 1}},
       {{PointSkip::kBadTimestamp, 1}}},
      {"dots inside a component are not levels",
       R"({"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"a.b","device_id":"c..d",
           "context":{"k":"1.2"}},"metrics":{"x.y":1}}]})",
       {{"a_b.c__d.1_2.x_y", 1, 1}}},
      {"empty context values dropped, é and spaces sanitised",
       R"({"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"caf\u00e9 olt",
           "device_id":"d","context":{"a":"","b":"p/1"}},"metrics":{"m":1}}]})",
       {{"caf___olt.d.p_1.m", 1, 1}}},
      {"wrong shapes are counted per entry",
       R"({"type":"slice","ts":1,"slice_data":[5,{"metrics":{"m":1}},
           {"metadata":{"title":"T"}},{"metadata":[],"metrics":{"m":1}},
           {"metadata":{"title":7},"metrics":{"m":1}},
           {"metadata":{"title":"T","context":{"k":1}},"metrics":{"m":1}},
           {"metadata":{"title":"T","context":"x"},"metrics":{"m":1}},
           {"metadata":{"title":"T","device_id":true},"metrics":{"m":1}},
           {"metadata":{"title":"ok"},"metrics":{"m":1}}]})",
       {{"ok.m", 1, 1}},
       {{PointSkip::kBadShape, 8}}},
      {"slice_data not a list",
       R"({"type":"slice","ts":1,"slice_data":{"a":1}})",
       {},
       {{PointSkip::kBadShape, 1}}},
      {"repeated context key keeps its last value",
       R"({"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"T",
           "context":{"b":"2","a":"1","b":"3"}},"metrics":{"m":1}}]})",
       {{"T.1.3.m", 1, 1}}},
  });
}

TEST(MessageParserTest, PlaintextShape) {
  CheckAll({
      {"two lines",
       "a.b 1.5 1700000000\nc.d 2 1700000001\n",
       {{"a.b", 1700000000, 1.5}, {"c.d", 1700000001, 2}}},
      {"no trailing newline, CRLF, tabs, blank lines",
       "a 1 10\r\n\r\n\tb\t2\t11  \n\nc 3 12",
       {{"a", 10, 1}, {"b", 11, 2}, {"c", 12, 3}}},
      {"malformed lines skipped, others land",
       "a 1\nb 1 2 3\nc 3 12\njunk\n",
       {{"c", 12, 3}},
       {{PointSkip::kMalformedLine, 3}}},
      {"bad values",
       "a x 1\nb nan 1\nc inf 1\nd 1e400 1\ne 1,5 1\nf -0.5e2 1\ng +3 1\n",
       {{"f", 1, -50}, {"g", 1, 3}},
       {{PointSkip::kBadValue, 5}}},
      {"bad timestamps",
       "a 1 0\nb 1 -1\nc 1 abc\nd 1 inf\ne 1 1e400\nf 1 1.5\n",
       {{"f", 1.5, 1}},
       {{PointSkip::kBadTimestamp, 5}}},
      {"path rules apply",
       "olt..caf\xc3\xa9/1. 1 5\n... 2 5\n",
       {{"olt.caf___1", 5, 1}},
       {{PointSkip::kEmptyPath, 1}}},
      {"path too long",
       std::string(1025, 'a') + " 1 5\n" + std::string(1024, 'b') + " 1 5",
       {{std::string(1024, 'b'), 5, 1}},
       {{PointSkip::kPathTooLong, 1}}},
      {"number forms, exact",
       "a 0.1 1\nb -12.5 1\nc 1. 1\nd .5 1\ne -.25 1\nf 123456789012345678 1\n"
       "g 0.30000000000000004 1\nh 1.7976931348623157e308 1\ni 1e-400 1\nj 7 1700000000.123\n",
       {{"a", 1, 0.1},
        {"b", 1, -12.5},
        {"c", 1, 1},
        {"d", 1, 0.5},
        {"e", 1, -0.25},
        {"f", 1, 123456789012345678.0},
        {"g", 1, 0.30000000000000004},
        {"h", 1, 1.7976931348623157e308},
        {"i", 1, 0},
        {"j", 1700000000.123, 7}}},
      {"a top-level JSON string is plaintext", R"("a" 1 2)", {{"_a_", 2, 1}}},
      {"empty message", "", {}},
  });
}

// Many context keys, given in reverse order: sorted by key; too many make the path too long.
TEST(MessageParserTest, LargeContexts) {
  auto message = [](int keys) {
    std::string m = R"({"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"T","context":{)";
    for (int k = keys - 1; k >= 0; --k) {
      char key[16];
      std::snprintf(key, sizeof(key), "k%06d", k);
      m += std::string(k == keys - 1 ? "" : ",") + "\"" + key + "\":\"" + std::to_string(k % 10) +
           "\"";
    }
    return m + R"(}},"metrics":{"m":1}}]})";
  };
  std::string want = "T";
  for (int k = 0; k < 300; ++k) want += "." + std::to_string(k % 10);
  CheckAll({
      {"300 keys", message(300), {{want + ".m", 1, 1}}},
      {"100,000 keys", message(100000), {}, {{PointSkip::kPathTooLong, 1}}},
  });
}

// Lines of every length with every kind of blank, so that the vectorised field splitter meets
// blanks at every offset and near the end of the message.
TEST(MessageParserTest, PlaintextBlanksAtEveryOffset) {
  const char* blanks[] = {" ", "\t", "  ", "\v", "\f", " \t ", "\r "};
  std::string message;
  std::vector<Point> want;
  uint32_t malformed = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string path = std::string(1 + i % 41, 'a' + i % 26) + "." + std::to_string(i);
    const std::string sep1 = blanks[i % 7], sep2 = blanks[(i / 7) % 7];
    if (i % 13 == 5) {
      message += path + sep1 + "1" + sep2 + "2" + sep1 + "3\n";  // four fields
      ++malformed;
      continue;
    }
    message += (i % 5 == 0 ? sep2 : "") + path + sep1 + std::to_string(i) + sep2 +
               std::to_string(1000 + i) + (i % 3 == 0 ? "\r" : "") + "\n";
    want.push_back({path, 1000.0 + i, static_cast<double>(i)});
  }
  message += "tail 5 6";  // the last line ends the message without a newline
  want.push_back({"tail", 6, 5});
  CheckAll({{"300 lines", message, want, {{PointSkip::kMalformedLine, malformed}}}});
}

TEST(MessageParserTest, Values) {
  CheckAll({
      {"integer", SeedWithValue("42"), {{"olt.port.m", kTs, 42}}},
      {"negative zero", SeedWithValue("-0"), {{"olt.port.m", kTs, 0}}},
      {"1e300 lands", SeedWithValue("1e300"), {{"olt.port.m", kTs, 1e300}}},
      {"largest double",
       SeedWithValue("1.7976931348623157e308"),
       {{"olt.port.m", kTs, 1.7976931348623157e308}}},
      {"underflow is zero", SeedWithValue("1e-400"), {{"olt.port.m", kTs, 0}}},
      {"uint64 max",
       SeedWithValue("18446744073709551615"),
       {{"olt.port.m", kTs, 18446744073709551615.0}}},
      {"2^64 (beyond 64 bits) lands",
       SeedWithValue("18446744073709551616"),
       {{"olt.port.m", kTs, 18446744073709551616.0}}},
      {"30 digits land",
       SeedWithValue("123456789012345678901234567890"),
       {{"olt.port.m", kTs, 123456789012345678901234567890.0}}},
      {"below int64 min lands",
       SeedWithValue("-9223372036854775809"),
       {{"olt.port.m", kTs, -9223372036854775809.0}}},
      {"300-digit integer lands",
       SeedWithValue("1" + std::string(300, '0')),
       {{"olt.port.m", kTs, 1e300}}},
      {"1e400 is skipped, not rejected", SeedWithValue("1e400"), {}, {{PointSkip::kBadValue, 1}}},
      {"-1e400 is skipped", SeedWithValue("-1e400"), {}, {{PointSkip::kBadValue, 1}}},
      {"400-digit integer is skipped",
       SeedWithValue("9" + std::string(400, '9')),
       {},
       {{PointSkip::kBadValue, 1}}},
      {"string", SeedWithValue(R"("42")"), {}, {{PointSkip::kBadValue, 1}}},
      {"true", SeedWithValue("true"), {}, {{PointSkip::kBadValue, 1}}},
      {"false", SeedWithValue("false"), {}, {{PointSkip::kBadValue, 1}}},
      {"null", SeedWithValue("null"), {}, {{PointSkip::kBadValue, 1}}},
      {"list", SeedWithValue("[1]"), {}, {{PointSkip::kBadValue, 1}}},
      {"object", SeedWithValue(R"({"v":1})"), {}, {{PointSkip::kBadValue, 1}}},
      {"huge and infinite mixed with good ones",
       R"({"type":"slice","ts":1,"data":{"a":{"x":1e400,"y":36893488147419103232,"z":"1",
           "w":2}}})",
       {{"a.y", 1, 36893488147419103232.0}, {"a.w", 1, 2}},
       {{PointSkip::kBadValue, 2}}},
  });
}

TEST(MessageParserTest, Timestamps) {
  CheckAll({
      {"integer", SeedWithTs("1700000000"), {{"olt.m", 1700000000, 1}}},
      {"fraction", SeedWithTs("1700000000.5"), {{"olt.m", 1700000000.5, 1}}},
      {"missing",
       R"({"type":"slice","data":{"olt":{"m":1,"n":2}}})",
       {},
       {{PointSkip::kBadTimestamp, 2}}},
      {"zero", SeedWithTs("0"), {}, {{PointSkip::kBadTimestamp, 1}}},
      {"negative", SeedWithTs("-1"), {}, {{PointSkip::kBadTimestamp, 1}}},
      {"string", SeedWithTs(R"("1700000000")"), {}, {{PointSkip::kBadTimestamp, 1}}},
      {"null", SeedWithTs("null"), {}, {{PointSkip::kBadTimestamp, 1}}},
      {"list", SeedWithTs("[1]"), {}, {{PointSkip::kBadTimestamp, 1}}},
      {"infinite", SeedWithTs("1e400"), {}, {{PointSkip::kBadTimestamp, 1}}},
      {"huge integer is finite", SeedWithTs("100000000000000000000000"), {{"olt.m", 1e23, 1}}},
      {"bad value counted before bad ts",
       R"({"type":"slice","data":{"olt":{"m":"x","n":2}}})",
       {},
       {{PointSkip::kBadValue, 1}, {PointSkip::kBadTimestamp, 1}}},
  });
}

TEST(MessageParserTest, PathRulesInJson) {
  const std::string long_obj(1020, 'o');
  CheckAll({
      {"spaces, newline, slash, double dot, é",
       R"({"type":"slice","ts":1,"data":{"olt 1..port/2":{"rx bytes":1,"new\nline":2,
           "caf\u00e9":3,"a..b":4,"/":5}}})",
       {{"olt_1.port_2.rx_bytes", 1, 1},
        {"olt_1.port_2.new_line", 1, 2},
        {"olt_1.port_2.caf__", 1, 3},
        {"olt_1.port_2.a.b", 1, 4},
        {"olt_1.port_2._", 1, 5}}},
      {"raw UTF-8 é",
       "{\"type\":\"slice\",\"ts\":1,\"data\":{\"caf\xc3\xa9\":{\"m\":1}}}",
       {{"caf__.m", 1, 1}}},
      {"empty path",
       R"({"type":"slice","ts":1,"data":{"":{"":1,".":2},"..":{"m":3}}})",
       {{"m", 1, 3}},
       {{PointSkip::kEmptyPath, 2}}},
      {"exactly 1024 bytes lands and 1025 is skipped",
       R"({"type":"slice","ts":1,"data":{")" + long_obj + R"(":{"abc":1,"abcd":2}}})",
       {{long_obj + ".abc", 1, 1}},
       {{PointSkip::kPathTooLong, 1}}},
      {"escaped control characters",
       R"({"type":"slice","ts":1,"data":{"a\u0000b":{"\t":1}}})",
       {{"a_b._", 1, 1}}},
  });
}

TEST(MessageParserTest, DuplicateKeys) {
  CheckAll({
      {"last ts wins", R"({"type":"slice","ts":1,"ts":2,"data":{"a":{"m":1}}})", {{"a.m", 2, 1}}},
      {"last type wins (accepted)",
       R"({"type":"x","type":"slice","ts":1,"data":{"a":{"m":1}}})",
       {{"a.m", 1, 1}}},
      {"last type wins (rejected)",
       R"({"type":"slice","type":"x","ts":1,"data":{"a":{"m":1}}})",
       {},
       {},
       MessageReject::kNotSlice},
      {"last data wins",
       R"({"type":"slice","ts":1,"data":{"a":{"m":1}},"data":{"b":{"m":2}}})",
       {{"b.m", 1, 2}}},
      {"repeated metric: both, in order (the last one is what whisper keeps)",
       R"({"type":"slice","ts":1,"data":{"a":{"m":1,"m":2}}})",
       {{"a.m", 1, 1}, {"a.m", 1, 2}}},
  });
}

TEST(MessageParserTest, WholeMessageRejects) {
  const auto kInvalid = MessageReject::kInvalidJson;
  CheckAll({
      {"truncated", R"({"type":"slice","ts":1,"data":{"a":{"m":1})", {}, {}, kInvalid},
      {"trailing comma", R"({"type":"slice","ts":1,})", {}, {}, kInvalid},
      {"trailing garbage", SeedWithValue("1") + " x", {}, {}, kInvalid},
      {"two documents", SeedWithValue("1") + SeedWithValue("2"), {}, {}, kInvalid},
      {"single quotes", "{'type':'slice'}", {}, {}, kInvalid},
      {"invalid UTF-8 in a key",
       "{\"type\":\"slice\",\"ts\":1,\"data\":{\"a\xc3\x28\":{\"m\":1}}}",
       {},
       {},
       kInvalid},
      {"invalid UTF-8 in an ignored field",
       "{\"type\":\"slice\",\"ts\":1,\"x\":\"\xff\",\"data\":{\"a\":{\"m\":1}}}",
       {},
       {},
       kInvalid},
      {"overlong UTF-8", "{\"type\":\"slice\",\"x\":\"\xc0\xaf\"}", {}, {}, kInvalid},
      {"UTF-16 surrogate as UTF-8",
       "{\"type\":\"slice\",\"x\":\"\xed\xa0\x80\"}",
       {},
       {},
       kInvalid},
      {"NaN literal", SeedWithValue("NaN"), {}, {}, kInvalid},
      {"Infinity literal", SeedWithValue("Infinity"), {}, {}, kInvalid},
      {"-Infinity literal", SeedWithValue("-Infinity"), {}, {}, kInvalid},
      {"nan in an ignored field",
       R"({"type":"slice","x":nan,"data":{"a":{"m":1}}})",
       {},
       {},
       kInvalid},
      {"leading zero", SeedWithValue("01"), {}, {}, kInvalid},
      {"bare dot", SeedWithValue("1."), {}, {}, kInvalid},
      {"plus sign", SeedWithValue("+1"), {}, {}, kInvalid},
      {"hex", SeedWithValue("0x10"), {}, {}, kInvalid},
      // Documents that hold a number simdjson refuses AND another error: the rewrite of the
      // number must not hide the other error.
      {"1e400 and NaN",
       R"({"type":"slice","ts":1,"data":{"a":{"x":1e400,"y":NaN}}})",
       {},
       {},
       kInvalid},
      {"2^64 and invalid UTF-8",
       "{\"type\":\"slice\",\"ts\":1,\"x\":\"\xff\",\"data\":{\"a\":{\"m\":18446744073709551616}}}",
       {},
       {},
       kInvalid},
      {"1e400 and trailing garbage", SeedWithValue("1e400") + "]", {}, {}, kInvalid},
      {"1e400 glued to a letter", SeedWithValue("1e400x"), {}, {}, kInvalid},
      {"letter glued to 1e400", SeedWithValue("x1e400"), {}, {}, kInvalid},
      {"2^64 glued to a string", SeedWithValue("18446744073709551616\"s\""), {}, {}, kInvalid},
      {"1e400 as a key", R"({"type":"slice","ts":1,1e400:1})", {}, {}, kInvalid},
      {"1e400 and a missing comma",
       R"({"type":"slice","ts":1,"data":{"a":{"x":1e400 "y":1}}})",
       {},
       {},
       kInvalid},
      {"unterminated string", R"({"type":"slice","x":"abc)", {}, {}, kInvalid},
      {"control character in a string", "{\"type\":\"slice\",\"x\":\"a\x01\"}", {}, {}, kInvalid},
      {"a lone bracket", "[", {}, {}, kInvalid},
      {"a list",
       R"([{"type":"slice","ts":1,"data":{"a":{"m":1}}}])",
       {},
       {},
       MessageReject::kNotObject},
      {"empty list", "[]", {}, {}, MessageReject::kNotObject},
      {"type missing", R"({"ts":1,"data":{"a":{"m":1}}})", {}, {}, MessageReject::kNotSlice},
      {"type not slice",
       R"({"type":"SLICE","ts":1,"data":{"a":{"m":1}}})",
       {},
       {},
       MessageReject::kNotSlice},
      {"type not a string",
       R"({"type":5,"ts":1,"data":{"a":{"m":1}}})",
       {},
       {},
       MessageReject::kNotSlice},
      {"empty object", "{}", {}, {}, MessageReject::kNotSlice},
  });
}

TEST(MessageParserTest, DeepNesting) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  const std::string ok_depth = std::string(1000, '[') + std::string(1000, ']');
  CheckAll({
      {"5000 levels",
       R"({"type":"slice","ts":1,"x":)" + deep + R"(,"data":{"a":{"m":1}}})",
       {},
       {},
       MessageReject::kTooDeep},
      {"5000 levels of objects",
       [] {
         std::string s;
         for (int i = 0; i < 5000; ++i) s += "{\"a\":";
         return s + "1" + std::string(5000, '}');
       }(),
       {},
       {},
       MessageReject::kTooDeep},
      {"1000 levels in an ignored field",
       R"({"type":"slice","ts":1,"x":)" + ok_depth + R"(,"data":{"a":{"m":1}}})",
       {{"a.m", 1, 1}}},
      {"nesting where a value should be", SeedWithValue(ok_depth), {}, {{PointSkip::kBadValue, 1}}},
  });
}

TEST(MessageParserTest, TooLarge) {
  MessageParser parser(100);
  const std::string small = SeedWithValue("1");
  ASSERT_LT(small.size(), 100u);
  Check(parser, {"under the limit", small, {{"olt.port.m", kTs, 1}}});
  Check(parser, {"over the limit",
                 small + std::string(100 - small.size() + 1, ' '),
                 {},
                 {},
                 MessageReject::kTooLarge});
  Check(parser, {"plaintext over the limit",
                 "a 1 1\n" + std::string(100, '\n'),
                 {},
                 {},
                 MessageReject::kTooLarge});
  MessageParser tiny(16);  // below simdjson's smallest document: still parses what fits
  Check(tiny, {"tiny limit, list", "[1,2]", {}, {}, MessageReject::kNotObject});
  Check(tiny, {"tiny limit, slice", R"({"type":"slice"})", {}, {{PointSkip::kBadShape, 1}}});
  Check(tiny, {"tiny limit, over", R"({"type":"slice" })", {}, {}, MessageReject::kTooLarge});
}

// A 10 MB message: 200,000 datapoints in one message, then small messages with the same
// parser (which gave its big buffers back in between).
TEST(MessageParserTest, TenMegabyteMessages) {
  std::string big = R"({"type":"slice","ts":1700000000,"data":{)";
  const int kEntries = 20000;
  for (int e = 0; e < kEntries; ++e) {
    if (e) big += ',';
    big += "\"voltha.olt." + std::to_string(e) + ".port\":{";
    for (int m = 0; m < 10; ++m) {
      if (m) big += ',';
      big += "\"metric_number_" + std::to_string(m) + "\":" + std::to_string(e * 10 + m) + ".5";
      big += std::string(30, ' ');
    }
    big += '}';
  }
  big += "}}";
  ASSERT_GT(big.size(), 10u << 20);

  MessageParser parser;
  DatapointBatch batch;
  ParseStats stats = parser.Parse(big, &batch);
  EXPECT_EQ(stats.reject, MessageReject::kNone) << Dump(stats);
  ASSERT_EQ(batch.size(), size_t{kEntries} * 10);
  EXPECT_EQ(stats.added, batch.size());
  EXPECT_EQ(batch.path(0), "voltha.olt.0.port.metric_number_0");
  EXPECT_EQ(batch.value(0), 0.5);
  EXPECT_EQ(batch.path(batch.size() - 1), "voltha.olt.19999.port.metric_number_9");
  EXPECT_EQ(batch.value(batch.size() - 1), 199999.5);

  // A 10 MB string value in an ignored field, then one in a metric name (path too long).
  const std::string huge(10 << 20, 'x');
  Check(parser, {"10 MB ignored string",
                 R"({"type":"slice","ts":1,"blob":")" + huge + R"(","data":{"a":{"m":1}}})",
                 {{"a.m", 1, 1}}});
  Check(parser, {"10 MB metric name",
                 R"({"type":"slice","ts":1,"data":{"a":{")" + huge + R"(":1,"m":2}}})",
                 {{"a.m", 1, 2}},
                 {{PointSkip::kPathTooLong, 1}}});
  Check(parser, {"10 MB of plaintext is split into lines",
                 std::string(10 << 20, '\n') + "a 1 2",
                 {{"a", 2, 1}}});
  // A 10 MB number: valid JSON, a 10-million-digit integer, not finite as a double.
  Check(parser, {"10 MB number",
                 SeedWithValue("1" + std::string(10 << 20, '0')),
                 {},
                 {{PointSkip::kBadValue, 1}}});
  Check(parser, {"small after big", SeedWithValue("3"), {{"olt.port.m", kTs, 3}}});
}

TEST(MessageParserTest, Prefix) {
  CheckAll(
      {
          {"prepended to every shape",
           R"({"type":"slice","ts":1,"data":{"a":{"m":1}},"prefixes":{"b":{"metrics":{"m":2}}},
               "slice_data":[{"metadata":{"title":"T"},"metrics":{"m":3}}]})",
           {{"pre.fix.a.m", 1, 1}, {"pre.fix.b.m", 1, 2}, {"pre.fix.T.m", 1, 3}}},
          {"plaintext", "a.b 1 2", {{"pre.fix.a.b", 2, 1}}},
          {"an empty message path is still empty",
           R"({"type":"slice","ts":1,"data":{"":{"":1}}})",
           {},
           {{PointSkip::kEmptyPath, 1}}},
          {"the prefix counts toward 1024 bytes",
           "a." + std::string(1017, 'b') + " 1 2",
           {},
           {{PointSkip::kPathTooLong, 1}}},
      },
      "pre..fix");
  CheckAll({{"prefix sanitised", "a 1 2", {{"my_pre.a", 2, 1}}}}, "my pre");
}

// The parser is reused across messages of every shape and keeps no state between them.
TEST(MessageParserTest, ReuseAcrossShapes) {
  MessageParser parser;
  DatapointBatch batch;
  const std::string messages[] = {
      SeedWithValue("1"),
      "x.y 2 3",
      R"({"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"T"},"metrics":{"m":4}}]})",
      SeedWithValue("NaN"),
      R"({"type":"slice","ts":1,"prefixes":{"p":{"metrics":{"m":5}}}})",
      SeedWithValue("1e400"),
      SeedWithValue("6"),
  };
  uint32_t added = 0;
  for (const auto& m : messages) added += parser.Parse(m, &batch).added;
  ASSERT_EQ(batch.size(), 5u);
  EXPECT_EQ(added, 5u);
  const char* paths[] = {"olt.port.m", "x.y", "T.m", "p.m", "olt.port.m"};
  const double values[] = {1, 2, 4, 5, 6};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(batch.path(i), paths[i]);
    EXPECT_EQ(batch.value(i), values[i]);
  }
}

// The usual messages of each JSON shape must be read by the fast path (else the comparisons
// above would only ever test simdjson twice), and what it gives up on must still be right.
TEST(MessageParserTest, FastPathReadsTheUsualMessages) {
  MessageParser parser(64 << 20, "pfx");
  const std::string taken[] = {
      SeedWithValue("1"),
      SeedWithValue("-12.5e3"),
      SeedWithValue("\"a string\""),  // skipped as bad_value, still the fast path
      R"({ "type" : "slice" , "ts" : 1.5 , "data" : { "a.b" : { "m" : 1 , "n" : [true] } } } )",
      R"({"id":7,"type":"slice","ts":1,"prefixes":{"p":{"x":{"y":[]},"metrics":{"m":5}}}})",
      R"({"type":"slice","ts":1534440704.0,"slice_data":[{"metadata":{"title":"Ethernet",
          "ts":1534440704.0,"logical_device_id":"000000139521a269","device_id":null,
          "serial_no":"dummy_sn2209199","context":{"port_no":"1","b":null}},
          "metrics":{"tx_packets":16.0}}]})",
      R"({"type":"slice","data":{"a":{"m":1}}})",  // no ts: bad_timestamp
  };
  for (const auto& m : taken) {
    DatapointBatch batch;
    EXPECT_TRUE(parser.Parse(m, &batch).fast_path) << m;
  }
  const std::string given_up[] = {
      SeedWithValue("-0"),
      SeedWithValue("1e400"),
      R"({"type":"slice","ts":1,"data":{"caf\u00e9":{"m":1}}})",
      "{\"type\":\"slice\",\"ts\":1,\"data\":{\"caf\xc3\xa9\":{\"m\":1}}}",
      R"({"data":{"a":{"m":1}},"type":"slice","ts":1})",
      R"({"type":"slice","data":{"a":{"m":1}},"ts":1})",
      R"({"type":"slice","ts":1,"slice_data":[{"metrics":{"m":1},"metadata":{"title":"T"}}]})",
      R"({"type":"slice","ts":1,"data":{"a":{"m":1}},"data":{"b":{"m":2}}})",
      R"({"type":"slice","ts":1,"data":{"a":{"m":1}}} x)",
      R"({"type":"slice","ts":1,"data":{"a":{"m":1},}})",
      R"({"type":"other","ts":1,"data":{"a":{"m":1}}})",
  };
  for (const auto& m : given_up) {
    DatapointBatch batch;
    batch.Add("before", 1, 1);
    ParseStats fast = parser.Parse(m, &batch);
    EXPECT_FALSE(fast.fast_path) << m;
    parser.set_fast_path(false);
    DatapointBatch slow_batch;
    slow_batch.Add("before", 1, 1);
    ParseStats slow = parser.Parse(m, &slow_batch);
    parser.set_fast_path(true);
    EXPECT_EQ(Dump(fast), Dump(slow)) << m;
    ASSERT_EQ(batch.size(), slow_batch.size()) << m;
    for (size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(batch.path(i), slow_batch.path(i));
      EXPECT_EQ(std::bit_cast<uint64_t>(batch.value(i)),
                std::bit_cast<uint64_t>(slow_batch.value(i)));
    }
  }
}

// Both paths on many variants of the three JSON shapes: bytes replaced by JSON's structural
// characters, digits, quotes, escapes and non-ASCII; cut short; numbers of every form. Each
// variant must give the same stats and the same points (bit for bit) either way.
TEST(MessageParserTest, FastPathAgreesWithSimdjson) {
  const std::string seeds[] = {
      R"({"type":"slice","ts":1481234567.25,"data":{"voltha.internal.vcore1":{"deferreds":3,"rss-mb":120.5},"b.c":{"y":-2.5e-3}}})",
      R"({"type":"slice","ts":1484726400,"prefixes":{"voltha.olt.0001.pon":{"metrics":{"rx":10,"tx":20.5}},"onu":{"x":1,"metrics":{"t":-3}}}})",
      R"({"type":"slice","ts":1534440704.0,"slice_data":[{"metadata":{"title":"Ethernet","ts":1534440705,"logical_device_id":"0001","device_id":"","serial_no":"sn","context":{"port_no":"1","a":"z"}},"metrics":{"tx_packets":16.0,"rx":1E2}},{"metadata":{"title":"PON"},"metrics":{"m":123456789012345678}}]})",
  };
  const std::string inserts[] = {"{",         "}",
                                 "[",         "]",
                                 ",",         ":",
                                 "\"",        "\\",
                                 "\\u00e9",   "\xc3\xa9",
                                 "\xff",      "0",
                                 "-",         "-0",
                                 ".",         "e",
                                 "1e400",     "99999999999999999999",
                                 " ",         "\t",
                                 "null",      "true",
                                 "\x01",      "1.7976931348623157e308",
                                 "4.9e-324",  "0.1",
                                 "\"ts\":2,", "\"type\":\"slice\","};
  const std::string numbers[] = {"0",
                                 "-0",
                                 "-0.0",
                                 "0.0",
                                 "1",
                                 "-1",
                                 "1e5",
                                 "1E+5",
                                 "1e-5",
                                 "-1.5E-2",
                                 "0.1",
                                 "123456789012345",
                                 "1234567890123456",
                                 "12345678901234567890",
                                 "-9223372036854775808",
                                 "18446744073709551615",
                                 "18446744073709551616",
                                 "1e308",
                                 "1e309",
                                 "2.2250738585072014e-308",
                                 "4.9e-324",
                                 "1e-400",
                                 "0.30000000000000004",
                                 "9007199254740993",
                                 "01",
                                 "1.",
                                 ".5",
                                 "+1",
                                 "1e",
                                 "--1",
                                 "0x10",
                                 "Infinity",
                                 "NaN"};
  MessageParser fast_parser(64 << 20, "p");
  MessageParser slow_parser(64 << 20, "p");
  slow_parser.set_fast_path(false);
  uint64_t rng = 12345;
  auto next = [&rng](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  size_t fast_taken = 0, variants = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string m = seeds[next(3)];
    const uint64_t edits = next(3);
    for (uint64_t e = 0; e < edits; ++e) {
      const size_t at = next(m.size() + 1);
      switch (next(4)) {
        case 3: {  // a number token after `at` becomes another number form
          const size_t colon = m.find(':', at);
          if (colon == std::string::npos) break;
          size_t end = colon + 1;
          while (end < m.size() && std::strchr("+-.eE0123456789", m[end]) != nullptr) ++end;
          m.replace(colon + 1, end - colon - 1, numbers[next(std::size(numbers))]);
          break;
        }
        case 0:
          m.insert(at, inserts[next(std::size(inserts))]);
          break;
        case 1:
          m.erase(at, next(4));
          break;
        default:
          m.resize(std::min(m.size(), at + 8));  // cut short (near the edit)
          break;
      }
    }
    DatapointBatch a, b;
    const ParseStats fa = fast_parser.Parse(m, &a);
    const ParseStats sb = slow_parser.Parse(m, &b);
    ++variants;
    fast_taken += fa.fast_path;
    ASSERT_EQ(Dump(fa), Dump(sb)) << m;
    ASSERT_EQ(a.size(), b.size()) << m;
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a.path(i), b.path(i)) << m;
      ASSERT_EQ(std::bit_cast<uint64_t>(a.timestamp(i)), std::bit_cast<uint64_t>(b.timestamp(i)))
          << m;
      ASSERT_EQ(std::bit_cast<uint64_t>(a.value(i)), std::bit_cast<uint64_t>(b.value(i))) << m;
    }
  }
  // Unedited messages (a third of the rounds) and harmless edits take the fast path.
  EXPECT_GT(fast_taken, variants / 4);
}

TEST(MessageParserTest, ReasonNames) {
  EXPECT_STREQ(MessageRejectName(MessageReject::kInvalidJson), "invalid_json");
  EXPECT_STREQ(MessageRejectName(MessageReject::kNotObject), "not_object");
  EXPECT_STREQ(MessageRejectName(MessageReject::kNotSlice), "not_slice");
  EXPECT_STREQ(MessageRejectName(MessageReject::kTooLarge), "too_large");
  EXPECT_STREQ(MessageRejectName(MessageReject::kTooDeep), "too_deep");
  EXPECT_STREQ(PointSkipName(PointSkip::kBadTimestamp), "bad_timestamp");
  EXPECT_STREQ(PointSkipName(PointSkip::kBadValue), "bad_value");
  EXPECT_STREQ(PointSkipName(PointSkip::kEmptyPath), "empty_path");
  EXPECT_STREQ(PointSkipName(PointSkip::kPathTooLong), "path_too_long");
  EXPECT_STREQ(PointSkipName(PointSkip::kMalformedLine), "malformed_line");
  EXPECT_STREQ(PointSkipName(PointSkip::kBadShape), "bad_shape");
}

// JSON whitespace may stand between any two tokens. With every kind of it around every
// structural byte, each shape must give exactly what its compact form gives, still on the
// fast path (which looks at the next byte before it skips whitespace).
TEST(MessageParserTest, WhitespaceBetweenAnyTokensChangesNothing) {
  const std::string compact[] = {
      R"({"type":"slice","ts":1534440704,"data":{"olt.pon.0":{"rx_bytes":12.5,"n":-3}}})",
      R"({"type":"slice","ts":1.5,"prefixes":{"p.q":{"x":[1,{"y":null}],"metrics":{"m":5e2}}}})",
      R"({"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"Ethernet","ts":1534440704.0,)"
      R"("logical_device_id":"ld","device_id":null,"context":{"port_no":"1","b":"x"}},)"
      R"("metrics":{"tx_packets":16.0,"s":"no"}},{"metadata":{},"metrics":{}}]})",
  };
  const std::string blanks[] = {" ", "\n", "\t\r", " \n\t "};
  MessageParser parser(1 << 20, "");
  for (const std::string& m : compact) {
    DatapointBatch want;
    const ParseStats want_stats = parser.Parse(m, &want);
    ASSERT_TRUE(want_stats.fast_path) << m;
    for (const std::string& blank : blanks) {
      std::string spaced = blank;
      bool in_string = false;
      for (char c : m) {
        const bool structural = !in_string && std::strchr("{}[]:,", c) != nullptr;
        if (structural) spaced += blank;
        spaced += c;
        if (structural) spaced += blank;
        if (c == '"') in_string = !in_string;
      }
      DatapointBatch got;
      const ParseStats stats = parser.Parse(spaced, &got);
      EXPECT_TRUE(stats.fast_path) << spaced;
      EXPECT_EQ(Dump(stats), Dump(want_stats)) << spaced;
      ASSERT_EQ(got.size(), want.size()) << spaced;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got.path(i), want.path(i));
        EXPECT_EQ(got.timestamp(i), want.timestamp(i));
        EXPECT_EQ(got.value(i), want.value(i));
      }
    }
  }
}

}  // namespace
}  // namespace vs::kpi
