// Checks the claim that parsing allocates nothing per datapoint: once the parser and the batch
// have grown to the size of the messages, parsing more of them allocates nothing at all.
// Its own binary, because it replaces the global operator new to count allocations.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "kpi/message_parser.h"

namespace {
std::atomic<long> g_allocations{0};

void* Allocate(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(size_t n) { return Allocate(n); }
void* operator new[](size_t n) { return Allocate(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace vs::kpi {
namespace {

TEST(MessageParserAllocTest, NoAllocationOnceWarm) {
  std::vector<std::string> messages;
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(i);
    messages.push_back(R"({"type":"slice","ts":1700000000,"data":{"olt.)" + n +
                       R"(":{"rx":1,"tx":2.5,"bad":"x"}}})");
    messages.push_back(R"({"type":"slice","ts":1,"prefixes":{"p)" + n +
                       R"(":{"metrics":{"m":1,"caf\u00e9":2}}}})");
    messages.push_back(R"({"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"T",)"
                       R"("device_id":"d)" +
                       n +
                       R"(","context":{"b":"2","a":"1"}},)"
                       R"("metrics":{"m":1,"n":1e400}}]})");
    messages.push_back("a." + n + " 1 2\nb..c 3.5 4\nbad line\n");
    messages.push_back(R"({"type":"slice","ts":1,"data":{"a":{"m":18446744073709551616}}})");
    messages.push_back(R"({"type":"slice","x":NaN})");
  }
  MessageParser parser;
  DatapointBatch batch;
  size_t added = 0;
  for (int round = 0; round < 2; ++round) {
    const long before = g_allocations.load();
    for (const auto& m : messages) added += parser.Parse(m, &batch).added;
    const long during = g_allocations.load() - before;
    if (round == 0) {
      EXPECT_GT(during, 0);  // growing to size does allocate: the counter works
    } else {
      EXPECT_EQ(during, 0) << "allocations while parsing " << messages.size() << " messages";
    }
    batch.Clear();  // keeps its capacity, as shovel's batches do
  }
  EXPECT_EQ(added, 2u * 50 * 8);  // 2 + 2 + 1 + 2 + 1 + 0 per message set
}

}  // namespace
}  // namespace vs::kpi
