// The file "store" (-kv-file PATH): the whole file is the value.
//
// Run watches the file's directory with inotify (IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE,
// IN_DELETE, IN_MOVED_FROM), so both a rename into place and an in-place write are seen. After
// such an event on the file's name the file is read again; a missing file is exists=false. An
// IN_CREATE of an empty regular file is ignored, as its writer's IN_CLOSE_WRITE follows. Events
// on other names are ignored, except a symlink or directory created or renamed into the
// directory (a Kubernetes ConfigMap's "..data" swap), which may change what the path resolves
// to. A missing or removed directory is an error retried with backoff (reporting
// exists=false). An inotify queue overflow just causes a read.
//
// Thread: one thread calls Get/Run at a time. Stop wakes the wait at once (eventfd).
#pragma once

#include <string>

#include "kv/watcher.h"

namespace vs::kv {

// Reads `path` whole: exists=false when it (or its directory) does not exist; version is
// "<mtime seconds>.<nanoseconds>:<size>". Over 16 MiB or unreadable: an error. Thread-safe.
StatusOr<Observation> ReadFileObservation(const std::string& path);

class FileWatcher final : public Watcher {
 public:
  explicit FileWatcher(WatcherOptions options);
  StatusOr<Observation> Get() override;
  void Run(std::stop_token stop, const std::function<void(const Observation&)>& on_value,
           const std::function<void(const Status&)>& on_error) override;

 private:
  WatcherOptions o_;
  std::string dir_;
  std::string base_;
};

}  // namespace vs::kv
