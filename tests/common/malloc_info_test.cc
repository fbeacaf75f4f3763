#include "common/malloc_info.h"

#include <gtest/gtest.h>

#include <regex>

namespace vs {
namespace {

// This test binary is not linked with jemalloc: its malloc is glibc's, or the sanitizer
// runtime's in sanitizer builds. (The shovel binary's jemalloc is checked end to end by
// ShovelTest.StartupLogNamesTheMallocInUse.)
TEST(MallocInfoTest, NamesTheLibraryThatDefinesMalloc) {
  const std::string d = DescribeMalloc();
  EXPECT_TRUE(std::regex_match(d, std::regex(R"(lib(c|asan|tsan)\.so\.\d+)"))) << d;
}

}  // namespace
}  // namespace vs
