#include "envoyd/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace vs::envoyd {
namespace {

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string TempPrefix(const std::string& target) {
  std::string dir = DirOf(target);
  return (dir == "/" ? "" : dir) + "/." + BaseOf(target) + ".tmp.";
}

Duration ThreadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

Status FsyncTimed(int fd, const std::string& what, StagedFile* s) {
  Duration c0 = ThreadCpu();
  auto t0 = std::chrono::steady_clock::now();
  int rc = fsync(fd);
  s->fsync_time += std::chrono::steady_clock::now() - t0;
  s->fsync_cpu += ThreadCpu() - c0;
  if (rc != 0) return ErrnoStatus("fsync " + what, errno);
  return OkStatus();
}

}  // namespace

StatusOr<StagedFile> StageFile(const std::string& target, std::string_view content) {
  static std::atomic<uint64_t> counter{0};
  StagedFile s;
  s.target = target;
  s.tmp_path = TempPrefix(target) + std::to_string(getpid()) + "." + std::to_string(counter++);
  int fd = open(s.tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create " + s.tmp_path, errno);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = ErrnoStatus("write " + s.tmp_path, errno);
      close(fd);
      unlink(s.tmp_path.c_str());
      return st;
    }
    done += static_cast<size_t>(n);
  }
  Status st = FsyncTimed(fd, s.tmp_path, &s);
  if (close(fd) != 0 && st.ok()) st = ErrnoStatus("close " + s.tmp_path, errno);
  if (!st.ok()) {
    unlink(s.tmp_path.c_str());
    return st;
  }
  return s;
}

Status CommitFile(StagedFile* staged, bool keep_backup) {
  const std::string& target = staged->target;
  if (keep_backup) {
    // link() fails with ENOENT when there is no old file yet: nothing to keep then.
    std::string bak = target + ".bak";
    std::string bak_tmp = TempPrefix(target) + "bak." + std::to_string(getpid());
    unlink(bak_tmp.c_str());
    if (link(target.c_str(), bak_tmp.c_str()) == 0) {
      int rc = rename(bak_tmp.c_str(), bak.c_str());
      int err = errno;
      // rename() between two links of one inode (a write killed after its .bak step left
      // .bak == target) succeeds without doing anything: the temp link must go either way.
      unlink(bak_tmp.c_str());
      if (rc != 0) {
        Status st = ErrnoStatus("rename " + bak_tmp + " -> " + bak, err);
        AbortFile(*staged);
        return st;
      }
    } else if (errno != ENOENT) {
      Status st = ErrnoStatus("link " + target + " -> " + bak_tmp, errno);
      AbortFile(*staged);
      return st;
    }
  }
  if (rename(staged->tmp_path.c_str(), target.c_str()) != 0) {
    Status st = ErrnoStatus("rename " + staged->tmp_path + " -> " + target, errno);
    AbortFile(*staged);
    return st;
  }
  std::string dir = DirOf(target);
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoStatus("open dir " + dir, errno);
  Status st = FsyncTimed(dfd, dir, staged);
  close(dfd);
  return st;
}

void AbortFile(const StagedFile& staged) { unlink(staged.tmp_path.c_str()); }

Status WriteFileAtomically(const std::string& target, std::string_view content, bool keep_backup,
                           Duration* fsync_time) {
  auto staged = StageFile(target, content);
  if (!staged.ok()) return staged.status();
  Status st = CommitFile(&*staged, keep_backup);
  if (fsync_time) *fsync_time = staged->fsync_time;
  return st;
}

int RemoveStaleTempFiles(const std::string& target) {
  std::string dir = DirOf(target);
  std::string prefix = "." + BaseOf(target) + ".tmp.";
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  int removed = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind(prefix, 0) == 0) {
      if (unlinkat(dirfd(d), name.c_str(), 0) == 0) ++removed;
    }
  }
  closedir(d);
  return removed;
}

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("open " + path + ": no such file");
    return ErrnoStatus("open " + path, errno);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = ErrnoStatus("read " + path, errno);
      close(fd);
      return st;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

}  // namespace vs::envoyd
