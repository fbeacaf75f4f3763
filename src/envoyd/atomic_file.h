// Atomic replacement of a file (issue 4 point 5): the new content is staged in a temp file in
// the same directory and fsynced, optionally validated by the caller, then renamed over the
// target and the directory is fsynced. A reader (Envoy, haproxy) or a crash at any instant sees
// either the complete old file or the complete new one. The previous file is kept as
// "<path>.bak" (a hard link, so the rename stays the only visible change).
//
// Thread-compatible: one writer per target path. Errors carry the path and errno text.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vs::envoyd {

struct StagedFile {
  std::string target;
  std::string tmp_path;    // "<dir>/.<name>.tmp.<pid>.<n>"; removed by Commit or Abort
  Duration fsync_time{0};  // wall time spent in fsync (file and directory)
  Duration fsync_cpu{0};   // CPU time of this thread inside fsync (benchmarks exclude it)
};

// Writes and fsyncs the content into a temp file next to `target` (mode 0644).
StatusOr<StagedFile> StageFile(const std::string& target, std::string_view content);
// Keeps the old target as .bak (when keep_backup and it exists), renames the temp file over the
// target and fsyncs the directory. Adds the directory fsync time to staged->fsync_time/cpu.
Status CommitFile(StagedFile* staged, bool keep_backup);
// Removes the temp file (after a failed validation). Never fails loudly.
void AbortFile(const StagedFile& staged);
// Stage + Commit in one call. `fsync_time` (optional) receives the time spent in fsync.
Status WriteFileAtomically(const std::string& target, std::string_view content, bool keep_backup,
                           Duration* fsync_time = nullptr);
// Removes temp files left next to `target` by a process killed mid-write. Returns how many.
int RemoveStaleTempFiles(const std::string& target);
// Reads a whole file; NotFound when missing.
StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace vs::envoyd
