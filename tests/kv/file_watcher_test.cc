// The file watcher on a temp directory: rename into place, in-place writes, delete and
// re-create, a symlink swap, a missing directory, and stop latency.
#include "kv/file_watcher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "kv/recorder.h"
#include "test_common/subprocess.h"

namespace vs::kv {
namespace {

using std::chrono::milliseconds;
using testing::Recorder;
using vs::testing::TempDir;
using vs::testing::WaitFor;
using vs::testing::WriteFile;

constexpr auto kTimeout = milliseconds(5000);

std::unique_ptr<Watcher> MakeFileWatcher(const std::string& path) {
  WatcherOptions o;
  o.kind = StoreKind::kFile;
  o.file_path = path;
  o.pacing = {milliseconds(20), milliseconds(100)};
  auto w = MakeWatcher(o);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return std::move(*w);
}

// Writes in place: open(O_TRUNC) on the existing inode, write, close.
void WriteInPlace(const std::string& path, const std::string& data) {
  int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(fd);
}

void RenameIntoPlace(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  WriteFile(tmp, data);
  ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0);
}

TEST(FileWatcher, SeesRenameInPlaceWritesDeleteAndRecreate) {
  TempDir dir;
  std::string path = dir.File("assignment.json");
  auto w = MakeFileWatcher(path);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout)) << "missing file";

  RenameIntoPlace(path, "{\"v\":1}");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "{\"v\":1}"); }, kTimeout));
  WriteInPlace(path, "{\"v\":2}");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "{\"v\":2}"); }, kTimeout));
  RenameIntoPlace(path, "{\"v\":3}");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "{\"v\":3}"); }, kTimeout));
  ASSERT_EQ(unlink(path.c_str()), 0);
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  WriteInPlace(path, "{\"v\":4}");  // re-created by a writer
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "{\"v\":4}"); }, kTimeout));
  rec.Stop();

  EXPECT_TRUE(rec.errors().empty());
  // Every change once, in order; never a half-written (empty) file.
  std::vector<std::pair<bool, std::string>> seen;
  for (const auto& o : rec.values()) seen.emplace_back(o.exists, o.value);
  std::vector<std::pair<bool, std::string>> want = {{false, ""},         {true, "{\"v\":1}"},
                                                    {true, "{\"v\":2}"}, {true, "{\"v\":3}"},
                                                    {false, ""},         {true, "{\"v\":4}"}};
  EXPECT_EQ(seen, want);
  EXPECT_FALSE(rec.values().back().version.empty());
}

TEST(FileWatcher, AnUnrelatedFileInTheDirectoryIsNotAChange) {
  TempDir dir;
  std::string path = dir.File("a.json");
  WriteFile(path, "x");
  auto w = MakeFileWatcher(path);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "x"); }, kTimeout));
  WriteFile(dir.File("other"), "y");
  WriteInPlace(path, "z");  // a later change, to know the events before it were handled
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "z"); }, kTimeout));
  EXPECT_EQ(rec.values().size(), 2u);
}

TEST(FileWatcher, FollowsASymlinkSwapLikeAConfigMap) {
  TempDir dir;
  std::filesystem::create_directory(dir.File("v1"));
  std::filesystem::create_directory(dir.File("v2"));
  WriteFile(dir.File("v1/assignment.json"), "one");
  WriteFile(dir.File("v2/assignment.json"), "two");
  std::filesystem::create_directory_symlink("v1", dir.File("..data"));
  std::filesystem::create_symlink("..data/assignment.json", dir.File("assignment.json"));
  auto w = MakeFileWatcher(dir.File("assignment.json"));
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "one"); }, kTimeout));
  std::filesystem::create_directory_symlink("v2", dir.File("..data_tmp"));
  std::filesystem::rename(dir.File("..data_tmp"), dir.File("..data"));
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "two"); }, kTimeout));
}

TEST(FileWatcher, MissingDirectoryIsRetriedUntilItAppears) {
  TempDir dir;
  std::string sub = dir.File("later");
  std::string path = sub + "/assignment.json";
  auto w = MakeFileWatcher(path);
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.errors().size() >= 2; }, kTimeout));
  EXPECT_TRUE(rec.LastIs(false));
  ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
  RenameIntoPlace(path, "here");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "here"); }, kTimeout));
  // Removing the directory is reported, and a new one is watched again.
  std::filesystem::remove_all(sub);
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
  // The watch is re-armed after a backoff: write until a write is seen.
  ASSERT_TRUE(WaitFor(
      [&] {
        RenameIntoPlace(path, "back");
        return rec.LastIs(true, "back");
      },
      kTimeout, milliseconds(100)));
}

TEST(FileWatcher, GetReadsTheFileOnce) {
  TempDir dir;
  std::string path = dir.File("a.json");
  auto w = MakeFileWatcher(path);
  auto missing = w->Get();
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->exists);
  WriteFile(path, "content");
  auto got = w->Get();
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->exists);
  EXPECT_EQ(got->value, "content");
  auto on_dir = MakeFileWatcher(dir.path())->Get();
  EXPECT_FALSE(on_dir.ok()) << "a directory is not a value";
}

TEST(FileWatcher, StopIsPrompt) {
  TempDir dir;
  auto w = MakeFileWatcher(dir.File("a.json"));
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  EXPECT_LT(rec.Stop(), milliseconds(200));
}

}  // namespace
}  // namespace vs::kv
