#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "envoyd/atomic_file.h"
#include "envoyd/process.h"
#include "test_common/subprocess.h"

namespace vs::envoyd {
namespace {

using vs::testing::ReadFile;
using vs::testing::TempDir;
using vs::testing::WriteFile;

TEST(AtomicFile, WritesKeepsBackupAndLeavesNoTemp) {
  TempDir d;
  std::string f = d.File("cfg.json");
  Duration fsync{0};
  ASSERT_TRUE(WriteFileAtomically(f, "one", true, &fsync).ok());
  EXPECT_EQ(ReadFile(f), "one");
  EXPECT_FALSE(std::filesystem::exists(f + ".bak"));
  EXPECT_GT(fsync.count(), 0);
  ASSERT_TRUE(WriteFileAtomically(f, "two", true).ok());
  EXPECT_EQ(ReadFile(f), "two");
  EXPECT_EQ(ReadFile(f + ".bak"), "one");
  struct stat st;
  ASSERT_EQ(stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(d.path())) (void)e, ++n;
  EXPECT_EQ(n, 2u);
}

TEST(AtomicFile, StageAbortAndStaleCleanup) {
  TempDir d;
  std::string f = d.File("cfg.json");
  WriteFile(f, "old");
  auto s = StageFile(f, "new");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ReadFile(s->tmp_path), "new");
  EXPECT_EQ(ReadFile(f), "old");
  AbortFile(*s);
  EXPECT_FALSE(std::filesystem::exists(s->tmp_path));
  // A process killed between stage and commit leaves temp files: they are removed at start.
  auto a = StageFile(f, "x");
  auto b = StageFile(f, "y");
  ASSERT_TRUE(a.ok() && b.ok());
  WriteFile(d.File("other.tmp.1"), "keep me");
  EXPECT_EQ(RemoveStaleTempFiles(f), 2);
  EXPECT_TRUE(std::filesystem::exists(d.File("other.tmp.1")));
  EXPECT_EQ(ReadFile(f), "old");
}

TEST(AtomicFile, BackupWhenBakIsAlreadyTheTarget) {
  // A writer killed between its .bak step and its rename leaves .bak and the target as two
  // links of one inode; rename() between them is a no-op, which must not leave a temp link.
  TempDir d;
  std::string f = d.File("cfg.json");
  WriteFile(f, "old");
  ASSERT_EQ(link(f.c_str(), (f + ".bak").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomically(f, "new", true).ok());
  EXPECT_EQ(ReadFile(f), "new");
  EXPECT_EQ(ReadFile(f + ".bak"), "old");
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(d.path())) (void)e, ++n;
  EXPECT_EQ(n, 2u);
}

TEST(AtomicFile, ErrorsCarryThePath) {
  Status st = WriteFileAtomically("/nonexistent-dir/x/cfg.json", "a", true);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/nonexistent-dir/x/"), std::string::npos) << st.ToString();
  EXPECT_EQ(ReadWholeFile("/nonexistent-dir/x").status().code(), Code::kNotFound);
}

TEST(SplitWords, QuotesAndEscapes) {
  auto w = SplitWords(R"(haproxy -f "/etc/my cfg" -sf 'a b' x\ y "q\"q")");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(
      *w, (std::vector<std::string>{"haproxy", "-f", "/etc/my cfg", "-sf", "a b", "x y", "q\"q"}));
  EXPECT_TRUE(SplitWords("  ")->empty());
  EXPECT_EQ(*SplitWords("a ''"), (std::vector<std::string>{"a", ""}));
  EXPECT_FALSE(SplitWords("a 'b").ok());
}

TEST(SubstitutePath, PlaceholderOrAppend) {
  EXPECT_EQ(SubstitutePath({"envoy", "-c", "{}"}, "/t"),
            (std::vector<std::string>{"envoy", "-c", "/t"}));
  EXPECT_EQ(SubstitutePath({"check", "--file={}"}, "/t"),
            (std::vector<std::string>{"check", "--file=/t"}));
  EXPECT_EQ(SubstitutePath({"check"}, "/t"), (std::vector<std::string>{"check", "/t"}));
}

TEST(RunCommand, ExitCodesOutputAndTimeout) {
  auto ok = RunCommand({"sh", "-c", "echo hello; echo err >&2"}, std::chrono::seconds(10));
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->ok());
  EXPECT_EQ(ok->output, "hello\nerr\n");
  auto bad = RunCommand({"sh", "-c", "exit 3"}, std::chrono::seconds(10));
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->ok());
  EXPECT_EQ(DescribeWaitStatus(bad->wait_status), "exit 3");
  auto missing = RunCommand({"/nonexistent/bin"}, std::chrono::seconds(10));
  EXPECT_FALSE(missing.ok());
  auto start = std::chrono::steady_clock::now();
  auto slow = RunCommand({"sleep", "30"}, Millis(200));
  EXPECT_EQ(slow.status().code(), Code::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RealProcessRunner, StartsReapsAndResetsSignalState) {
  // The test blocks SIGTERM like envoyd does (signalfd); the child must still die of it.
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  RealProcessRunner r;
  auto pid = r.Start({"sleep", "30"}, "sleeper");
  ASSERT_TRUE(pid.ok());
  EXPECT_TRUE(r.Reap().empty());
  r.Signal(*pid, SIGTERM);
  std::vector<ExitEvent> ev;
  ASSERT_TRUE(vs::testing::WaitFor(
      [&] {
        auto e = r.Reap();
        ev.insert(ev.end(), e.begin(), e.end());
        return !ev.empty();
      },
      std::chrono::seconds(5)));
  EXPECT_EQ(ev[0].pid, *pid);
  EXPECT_TRUE(WIFSIGNALED(ev[0].wait_status));
  EXPECT_EQ(WTERMSIG(ev[0].wait_status), SIGTERM);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  EXPECT_FALSE(r.Start({"/nonexistent/envoy"}, "x").ok());
}

TEST(RealProcessRunner, DrainsAChattyChild) {
  // 4 MiB of output: far more than a pipe holds; the child finishes only if we keep draining.
  RealProcessRunner r;
  auto pid =
      r.Start({"sh", "-c", "head -c 4194304 /dev/zero | tr '\\0' 'x' | fold -w 100"}, "chatty");
  ASSERT_TRUE(pid.ok());
  auto old = spdlog::default_logger()->level();
  spdlog::set_level(spdlog::level::warn);  // the lines are logged at info
  bool exited = vs::testing::WaitFor(
      [&] {
        std::vector<pollfd> fds;
        r.PollFds(&fds);
        poll(fds.data(), fds.size(), 10);
        r.Pump();
        return !r.Reap().empty();
      },
      std::chrono::seconds(20), std::chrono::milliseconds(0));
  spdlog::set_level(old);
  EXPECT_TRUE(exited);
}

}  // namespace
}  // namespace vs::envoyd
