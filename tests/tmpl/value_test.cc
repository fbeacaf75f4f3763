#include "tmpl/value.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <vector>

namespace vs::tmpl {
namespace {

TEST(ValueTest, BuildersAndAccessors) {
  Value v = Value::Object({{"b", Value::Float(2)},
                           {"a", Value::String("x")},
                           {"l", Value::StringList({"p", "q"})},
                           {"a", Value::String("last wins")}});
  ASSERT_EQ(v.kind(), Value::Kind::kMap);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.as_map()[0].first, "a");  // sorted
  EXPECT_EQ(v.Find("a")->as_string(), "last wins");
  EXPECT_EQ(v.Find("l")->as_list()[1].as_string(), "q");
  EXPECT_EQ(v.Find("zz"), nullptr);
  EXPECT_FALSE(Value().valid());
  EXPECT_TRUE(Value::Null().is_nil());
  EXPECT_STREQ(Value::Int64(1).TypeName(), "int64");
}

TEST(ValueTest, ListCapacityFollowsGoAppend) {
  // Spot values of Go 1.19 (the diff test checks every length 0..5000 against Go itself).
  const std::pair<size_t, size_t> want[] = {{0, 0},     {1, 1},     {2, 2},     {3, 4},      {5, 8},
                                            {256, 256}, {257, 512}, {513, 848}, {4999, 5120}};
  for (auto [n, cap] : want) EXPECT_EQ(GoAppendCap(n), cap) << n;
  Value l = Value::MakeList({Value::Float(1), Value::Float(2), Value::Float(3)});
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(l.cap(), 4u);
  EXPECT_STREQ(l.TypeName(), "[]interface {}");
  // A view past the length: the spare capacity reads as nil, nothing is copied.
  Value v = l.SliceList(1, 4, 4);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.cap(), 3u);
  EXPECT_EQ(v.as_list()[0].as_float(), 2);
  EXPECT_TRUE(v.as_list()[2].is_nil());
  size_t n = 0;
  for (const Value& e : v.as_list()) n += e.is_nil();
  EXPECT_EQ(n, 1u);
  Value s = Value::StringSlice({"a", "b"});
  EXPECT_EQ(s.cap(), 2u);
  EXPECT_TRUE(s.is_string_list());
  EXPECT_STREQ(s.SliceList(0, 1, 2).TypeName(), "[]string");
}

TEST(ValueTest, ParseJsonNumbersAreFloat64) {
  StatusOr<Value> v = ParseJson(R"({"n": 1234567, "s": "a\u00e9\ud83d\ude00", "l": [null, true]})");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->Find("n")->kind(), Value::Kind::kFloat);
  EXPECT_EQ(v->Find("n")->as_float(), 1234567.0);
  EXPECT_EQ(v->Find("s")->as_string(), "a\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_TRUE(v->Find("l")->as_list()[0].is_nil());
}

TEST(ValueTest, ParseJsonErrorsAreGosAndSayWhere) {
  // Go's texts (the diff test compares many more against Go itself).
  const std::pair<const char*, const char*> want[] = {
      {"", "unexpected end of JSON input"},
      {"{", "unexpected end of JSON input"},
      {"[1,]", "invalid character ']' looking for beginning of value"},
      {"{\"a\" 1}", "invalid character '1' after object key"},
      {"01", "invalid character '1' after top-level value"},
      {"1e400", "json: cannot unmarshal number 1e400 into Go value of type float64"},
      {"\"\x01\"", "invalid character '\\x01' in string literal"},
      {"tru", "invalid character ' ' in literal true (expecting 'e')"},  // Go feeds a space at EOF
      {"trux", "invalid character 'x' in literal true (expecting 'e')"},
  };
  for (auto [bad, msg] : want) {
    StatusOr<Value> v = ParseJson(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.status().message(), msg) << bad;
  }
  size_t at = 0;
  StatusOr<Value> v = ParseJson("{\n  \"a\": [1,\n  2,,]}", &at);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(at, 17u) << v.status().message();
}

TEST(ValueTest, ParseJsonReplacesInvalidUtf8) {
  StatusOr<Value> v = ParseJson(
      "\"a\xff"
      "b\"");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_string(),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(ValueTest, ToJsonMatchesGo) {
  StatusOr<Value> v = ParseJson(R"({"b":[1,1e21,1e-7,0.5,"<&>"],"a":null,"c":{}})");
  ASSERT_TRUE(v.ok());
  StatusOr<std::string> j = ToJson(*v);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(*j, R"({"a":null,"b":[1,1e+21,1e-7,0.5,"\u003c\u0026\u003e"],"c":{}})");
  StatusOr<std::string> p = ToJson(Value::Object({{"x", Value::MakeList({Value::Int(1)})}}), "  ");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "{\n  \"x\": [\n    1\n  ]\n}");
  EXPECT_FALSE(ToJson(Value::Float(1.0 / 0.0)).ok());
}

}  // namespace
}  // namespace vs::tmpl

namespace vs::tmpl {
namespace {

TEST(ValueTest, JsonNestingLimitIsGos) {
  // Go's decoder allows 10000 levels; so do we, without exhausting the stack.
  std::string ok = std::string(9999, '[') + std::string(9999, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  std::string deep = std::string(10001, '[') + std::string(10001, ']');
  StatusOr<Value> v = ParseJson(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("exceeded max depth"), std::string::npos);
}

// Entries already in key order are moved into the map as they are (envoyd's template data
// builds 10,000 such maps per rendering): the map's storage is the caller's.
TEST(ValueTest, MakeMapKeepsSortedEntriesWithoutCopying) {
  Value::Map m;
  m.reserve(3);
  m.emplace_back("Host", Value::String("h"));
  m.emplace_back("Id", Value::String("i"));
  m.emplace_back("Port", Value::Float(1));
  const Value::Entry* storage = m.data();
  Value v = Value::MakeSortedMap(std::move(m));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.as_map().data(), storage);
  EXPECT_EQ(v.Find("Id")->as_string(), "i");
  // Out of order or duplicated keys given to MakeSortedMap are still sorted, last one wins.
  Value u = Value::MakeSortedMap({{"b", Value::Float(1)},
                                  {"a", Value::Float(2)},
                                  {"b", Value::Float(3)},
                                  {"a", Value::Float(4)}});
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u.as_map()[0].first, "a");
  EXPECT_EQ(u.Find("a")->as_float(), 4);
  EXPECT_EQ(u.Find("b")->as_float(), 3);
}

// The in-place sort and de-duplication against a std::map reference (insert-or-assign: the last
// of equal keys wins), below and above the insertion-sort cut-off, with many duplicates.
TEST(ValueTest, MakeMapSortsAndKeepsTheLastOfEqualKeys) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    size_t n = rng() % 40;
    int keys = 1 + static_cast<int>(rng() % 30);
    Value::Map entries;
    std::map<std::string, double> want;
    for (size_t i = 0; i < n; ++i) {
      std::string k = "k" + std::to_string(rng() % keys);
      double x = static_cast<double>(round * 1000 + i);
      entries.emplace_back(k, Value::Float(x));
      want[k] = x;
    }
    if (round % 3 == 0) {  // sorted unique input: the fast path
      entries.clear();
      for (const auto& [k, x] : want) entries.emplace_back(k, Value::Float(x));
    }
    Value v = Value::MakeMap(std::move(entries));
    ASSERT_EQ(v.size(), want.size()) << round;
    size_t i = 0;
    for (const auto& [k, x] : want) {
      EXPECT_EQ(v.as_map()[i].first, k) << round;
      EXPECT_EQ(v.as_map()[i].second.as_float(), x) << round << " " << k;
      ++i;
    }
  }
}

// A string stored in a caller's block: the block lives as long as any Value (or copy) of it,
// and the value is indistinguishable from String().
TEST(ValueTest, SharedStringKeepsItsBlockAlive) {
  struct Block {
    std::string a, b;
  };
  auto block = std::make_shared<Block>(Block{"short", std::string(100, 'x')});
  std::weak_ptr<Block> alive = block;
  Value a = Value::SharedString(block, &block->a);
  Value m = Value::MakeMap({{"b", Value::SharedString(block, &block->b)}});
  block.reset();
  EXPECT_FALSE(alive.expired());
  EXPECT_EQ(a.kind(), Value::Kind::kString);
  EXPECT_EQ(a.as_string(), "short");
  EXPECT_EQ(a.size(), 5u);
  EXPECT_STREQ(a.TypeName(), "string");
  EXPECT_EQ(ToJson(a).value(), ToJson(Value::String("short")).value());
  Value copy = *m.Find("b");
  a = Value();
  m = Value();
  EXPECT_FALSE(alive.expired());
  EXPECT_EQ(copy.as_string(), std::string(100, 'x'));
  copy = Value();
  EXPECT_TRUE(alive.expired());
}

// A map stored in a caller's block is used in place (same storage) when its keys are sorted
// and unique; otherwise it is copied through MakeMap and the block is not kept.
TEST(ValueTest, SharedMapUsesSortedMapsInPlace) {
  auto block = std::make_shared<std::vector<Value::Map>>(2);
  (*block)[0].emplace_back("a", Value::Float(1));
  (*block)[0].emplace_back("b", Value::Float(2));
  (*block)[1].emplace_back("b", Value::Float(3));
  (*block)[1].emplace_back("a", Value::Float(4));
  std::weak_ptr<std::vector<Value::Map>> alive = block;
  Value sorted = Value::SharedMap(block, &(*block)[0]);
  Value unsorted = Value::SharedMap(block, &(*block)[1]);
  EXPECT_EQ(sorted.Address(), reinterpret_cast<uintptr_t>(&(*block)[0]));
  EXPECT_NE(unsorted.Address(), reinterpret_cast<uintptr_t>(&(*block)[1]));
  block.reset();
  EXPECT_FALSE(alive.expired());
  EXPECT_EQ(sorted.Find("b")->as_float(), 2);
  EXPECT_EQ(unsorted.as_map()[0].first, "a");
  EXPECT_EQ(unsorted.Find("a")->as_float(), 4);
  EXPECT_EQ(ToJson(sorted).value(), R"({"a":1,"b":2})");
  sorted = Value();
  EXPECT_TRUE(alive.expired());
  EXPECT_EQ(unsorted.size(), 2u);
}

}  // namespace
}  // namespace vs::tmpl
