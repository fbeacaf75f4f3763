// A real carbon-cache (Debian graphite-carbon, /usr/bin/carbon-cache) for integration tests and
// tools: runs in the foreground in its own directory with a generated carbon.conf and
// storage-schemas.conf, listening on 127.0.0.1 only (line, pickle and cache-query ports chosen
// free on the first Start and kept across restarts), and reads back what it wrote to whisper.
//
// Config: MAX_CACHE_SIZE, MAX_UPDATES_PER_SECOND and MAX_CREATES_PER_MINUTE are inf, tags and
// carbon's self-metrics are off, whisper files are sparse. The default retention 1s:10y keeps
// every 1-second point and accepts fixed old timestamps (1700000000) as well as current ones;
// sparse files make that cheap (a metric costs a few KiB on disk, not its 3.6 GiB size).
//
// Failure: methods return vs::Status (Unavailable when carbon does not come up, with the end of
// its log). The destructor kills carbon (SIGKILL) and removes the directory it created. Not
// thread-safe: one test thread drives it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "test_common/subprocess.h"

namespace vs::testing {

struct CarbonOptions {
  std::string retentions = "1s:10y";  // storage-schemas.conf, for every metric
  // Extra "KEY = value" lines for the [cache] section, e.g. "PICKLE_RECEIVER_MAX_LENGTH = 4096".
  std::vector<std::string> extra_settings;
  // Directory for config, whisper files and logs; empty = a fresh temp dir owned by this object.
  std::string dir;
};

// One whisper datapoint.
struct WhisperPoint {
  int64_t timestamp;
  double value;
  bool operator==(const WhisperPoint& o) const {
    return timestamp == o.timestamp && value == o.value;
  }
};

class CarbonCache {
 public:
  explicit CarbonCache(CarbonOptions options = {});
  ~CarbonCache();
  CarbonCache(const CarbonCache&) = delete;
  CarbonCache& operator=(const CarbonCache&) = delete;

  // Starts carbon-cache and waits (bounded) until its three ports accept connections. The
  // first Start picks free ports (retrying with new ones if carbon loses a port race); later
  // ones reuse them, with the same data dir.
  Status Start(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // SIGTERM (carbon flushes its cache to whisper on the way out), SIGKILL after `timeout`.
  Status Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL: whatever carbon had not written to whisper yet is lost, as in a crash.
  void Kill();
  // Stop, then Start on the same ports and data dir.
  Status Restart(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  bool running();
  pid_t pid() const { return proc_.pid(); }

  uint16_t line_port() const { return line_port_; }
  uint16_t pickle_port() const { return pickle_port_; }
  uint16_t query_port() const { return query_port_; }
  // "127.0.0.1:<pickle port>", as a -H value for shovel.
  std::string pickle_address() const;
  std::string line_address() const;

  const std::string& dir() const { return dir_; }
  std::string whisper_dir() const { return dir_ + "/storage/whisper"; }
  std::string log_path() const { return dir_ + "/carbon.log"; }
  std::string conf_path() const { return dir_ + "/conf/carbon.conf"; }

  // Whisper file of a metric path (dots are directory levels, as carbon maps them).
  std::string WhisperFile(const std::string& path) const;
  // Every datapoint of `path` stored in whisper (finest archive), sorted by timestamp, no
  // empty slots. NotFound when the metric has no whisper file yet. Reads the file directly and
  // only its allocated extents, so any time range costs the same; tests/graphite cross-checks
  // it against whisper-fetch.
  StatusOr<std::vector<WhisperPoint>> ReadSeries(const std::string& path) const;
  // Every metric path with a whisper file, sorted.
  std::vector<std::string> ListMetrics() const;
  // Polls ReadSeries until it holds at least `count` points (carbon writes asynchronously);
  // returns what it read last.
  std::vector<WhisperPoint> WaitForPoints(const std::string& path, size_t count,
                                          std::chrono::milliseconds timeout);

 private:
  Status WriteConfig();
  Status StartOnce(std::chrono::milliseconds timeout, bool* port_race);

  CarbonOptions options_;
  std::unique_ptr<TempDir> owned_dir_;
  std::string dir_;
  uint16_t line_port_ = 0;
  uint16_t pickle_port_ = 0;
  uint16_t query_port_ = 0;
  Subprocess proc_;
};

// Reads a whisper file's finest archive (see CarbonCache::ReadSeries).
StatusOr<std::vector<WhisperPoint>> ReadWhisperFile(const std::string& file);

// The last `max_bytes` of a file, for error messages.
std::string TailOfFile(const std::string& path, size_t max_bytes = 2000);

}  // namespace vs::testing
