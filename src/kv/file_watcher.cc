#include "kv/file_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "common/backoff.h"
#include "kv/http_stream.h"

namespace vs::kv {
namespace {

constexpr size_t kMaxFile = 16 << 20;
constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                           IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

bool SameContent(const Observation& a, const Observation& b) {
  return a.exists == b.exists && a.value == b.value;
}

bool IsLinkOrDir(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode));
}

// Closes an fd on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

StatusOr<Observation> ReadFileObservation(const std::string& path) {
  Observation obs;
  Fd f{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return obs;
    return ErrnoStatus("open " + path, errno);
  }
  struct stat st {};
  if (fstat(f.fd, &st) != 0) return ErrnoStatus("stat " + path, errno);
  if (!S_ISREG(st.st_mode)) return InvalidArgument(path + ": not a regular file");
  if (static_cast<size_t>(st.st_size) > kMaxFile) {
    return ResourceExhausted(path + ": over " + std::to_string(kMaxFile) + " bytes");
  }
  char buf[65536];
  for (;;) {
    ssize_t n = read(f.fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("read " + path, errno);
    if (n == 0) break;
    obs.value.append(buf, static_cast<size_t>(n));
    if (obs.value.size() > kMaxFile) {
      return ResourceExhausted(path + ": over " + std::to_string(kMaxFile) + " bytes");
    }
  }
  obs.exists = true;
  obs.version = std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
                std::to_string(obs.value.size());
  return obs;
}

FileWatcher::FileWatcher(WatcherOptions options) : o_(std::move(options)) {
  auto slash = o_.file_path.rfind('/');
  if (slash == std::string::npos) {
    dir_ = ".";
    base_ = o_.file_path;
  } else {
    dir_ = slash == 0 ? "/" : o_.file_path.substr(0, slash);
    base_ = o_.file_path.substr(slash + 1);
  }
}

StatusOr<Observation> FileWatcher::Get() { return ReadFileObservation(o_.file_path); }

void FileWatcher::Run(std::stop_token stop, const std::function<void(const Observation&)>& on_value,
                      const std::function<void(const Status&)>& on_error) {
  Fd wake{eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
  if (wake.fd < 0) std::abort();  // no fds left at start-up: a broken invariant
  std::stop_callback cb(stop, [fd = wake.fd] {
    uint64_t one = 1;
    (void)!write(fd, &one, sizeof(one));
  });
  Backoff backoff(o_.pacing.initial, o_.pacing.max);
  std::optional<Observation> last;
  // Reads the file and reports it if its content changed; false on a read error.
  auto read_and_report = [&] {
    auto obs = ReadFileObservation(o_.file_path);
    if (!obs.ok()) {
      on_error(obs.status());
      return false;
    }
    if (!last || !SameContent(*last, *obs)) {
      last = *obs;
      on_value(*obs);
    }
    return true;
  };

  while (!stop.stop_requested()) {
    Fd in{inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
    if (in.fd < 0) {
      on_error(ErrnoStatus("inotify_init1", errno));
      if (!SleepFor(stop, backoff.Next())) return;
      continue;
    }
    if (inotify_add_watch(in.fd, dir_.c_str(), kMask) < 0) {
      on_error(ErrnoStatus("inotify watch of directory " + dir_, errno));
      read_and_report();  // a missing directory is a missing file
      if (!SleepFor(stop, backoff.Next())) return;
      continue;
    }
    // Read only after the watch exists, so a change between the two is not lost.
    if (!read_and_report()) {
      if (!SleepFor(stop, backoff.Next())) return;
      continue;
    }
    backoff.Reset();
    bool rewatch = false;
    while (!rewatch && !stop.stop_requested()) {
      pollfd fds[2] = {{in.fd, POLLIN, 0}, {wake.fd, POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        on_error(ErrnoStatus("poll inotify", errno));
        rewatch = true;
        break;
      }
      if (fds[1].revents) return;
      alignas(inotify_event) char buf[16384];
      bool relevant = false;
      for (;;) {
        ssize_t n = read(in.fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EAGAIN: drained
        for (ssize_t off = 0; off < n;) {
          auto* ev = reinterpret_cast<inotify_event*>(buf + off);
          off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
          if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
            rewatch = true;  // the directory itself went away: watch it again when it is back
            continue;
          }
          if (ev->mask & IN_Q_OVERFLOW) {
            relevant = true;
            continue;
          }
          std::string name = ev->len ? std::string(ev->name) : std::string();
          if (name != base_) {
            // Another entry: only a symlink or directory appearing (a ConfigMap's "..data"
            // swap) can change what our path resolves to. Reading on other files' events
            // could catch our file in the middle of an in-place write.
            if (!(ev->mask & (IN_MOVED_TO | IN_CREATE)) || !IsLinkOrDir(dir_ + "/" + name)) {
              continue;
            }
          } else if (ev->mask & IN_CREATE) {
            struct stat st {};
            if (lstat(o_.file_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
              continue;  // a writer just created it; its IN_CLOSE_WRITE follows
            }
          }
          relevant = true;
        }
      }
      if (relevant) read_and_report();
    }
    if (rewatch && !stop.stop_requested()) {
      on_error(Unavailable("directory " + dir_ + " of " + o_.file_path + " went away"));
      if (!SleepFor(stop, backoff.Next())) return;
    }
  }
}

}  // namespace vs::kv
