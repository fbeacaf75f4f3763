#include "test_common/carbon.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "common/net.h"

namespace vs::testing {
namespace {

constexpr char kCarbonBinary[] = "/usr/bin/carbon-cache";

uint32_t Be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

double BeDouble(const unsigned char* p) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
  return std::bit_cast<double>(u);
}

// pread of exactly n bytes at off.
bool ReadAt(int fd, void* buf, size_t n, off_t off) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t r = pread(fd, p, n, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
    off += r;
  }
  return true;
}

}  // namespace

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  std::string s = ReadFile(path);
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

StatusOr<std::vector<WhisperPoint>> ReadWhisperFile(const std::string& file) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno == ENOENT ? NotFound("whisper file " + file + " does not exist")
                           : ErrnoStatus("open " + file, errno);
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  // Header: aggregationType, maxRetention, xFilesFactor, archiveCount, then per archive
  // offset, secondsPerPoint, points; all big-endian 32-bit. Points are (u32 ts, f64 value).
  unsigned char meta[16];
  if (!ReadAt(fd, meta, sizeof(meta), 0)) return Internal(file + ": short whisper header");
  uint32_t archives = Be32(meta + 12);
  if (archives == 0 || archives > 64) return Internal(file + ": bad archive count");
  unsigned char info[12];
  if (!ReadAt(fd, info, sizeof(info), 16)) return Internal(file + ": short archive info");
  const off_t start = Be32(info);
  const uint32_t step = Be32(info + 4);
  const uint32_t slots = Be32(info + 8);
  if (step == 0 || slots == 0) return Internal(file + ": bad archive");
  const off_t end = start + off_t{slots} * 12;

  unsigned char first[12];
  if (!ReadAt(fd, first, sizeof(first), start)) return Internal(file + ": short archive");
  const uint32_t base = Be32(first);  // the slot-0 timestamp anchors every other slot

  std::vector<WhisperPoint> out;
  std::vector<unsigned char> buf;
  // Walk only the allocated extents: the archive is a sparse file of mostly holes.
  off_t pos = start;
  while (pos < end) {
    off_t data = lseek(fd, pos, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only holes from here on
      if (errno != EINVAL) return ErrnoStatus("lseek " + file, errno);
      data = pos;  // SEEK_DATA unsupported: read everything
    }
    if (data >= end) break;
    off_t hole = lseek(fd, data, SEEK_HOLE);
    if (hole < 0 || hole > end) hole = end;
    // Align to whole points.
    off_t from = start + (data - start) / 12 * 12;
    off_t to = std::min<off_t>(end, start + (hole - start + 11) / 12 * 12);
    constexpr off_t kChunk = off_t{12} * 65536;  // whole points per read
    for (off_t chunk = from; chunk < to; chunk += kChunk) {
      size_t n = static_cast<size_t>(std::min<off_t>(to - chunk, kChunk));
      buf.resize(n);
      if (!ReadAt(fd, buf.data(), n, chunk)) return Internal(file + ": short read");
      for (size_t i = 0; i + 12 <= n; i += 12) {
        uint32_t ts = Be32(&buf[i]);
        if (ts == 0 || ts % step != 0 || base == 0) continue;
        // A slot holds a live point only when its timestamp maps back to it (older laps of
        // the ring are stale), as whisper's fetch decides.
        uint64_t slot = static_cast<uint64_t>(chunk - start + static_cast<off_t>(i)) / 12;
        int64_t diff = (static_cast<int64_t>(ts) - base) / step;
        int64_t want = ((diff % slots) + slots) % slots;
        if (static_cast<uint64_t>(want) != slot) continue;
        out.push_back({ts, BeDouble(&buf[i + 4])});
      }
    }
    pos = to;
  }
  std::sort(out.begin(), out.end(),
            [](const WhisperPoint& a, const WhisperPoint& b) { return a.timestamp < b.timestamp; });
  return out;
}

CarbonCache::CarbonCache(CarbonOptions options) : options_(std::move(options)) {
  if (options_.dir.empty()) {
    owned_dir_ = std::make_unique<TempDir>();
    dir_ = owned_dir_->path();
  } else {
    dir_ = options_.dir;
  }
}

CarbonCache::~CarbonCache() { Kill(); }

std::string CarbonCache::pickle_address() const {
  return "127.0.0.1:" + std::to_string(pickle_port_);
}
std::string CarbonCache::line_address() const { return "127.0.0.1:" + std::to_string(line_port_); }

Status CarbonCache::WriteConfig() {
  std::error_code ec;
  for (const char* sub : {"/conf", "/storage/whisper", "/storage/lists", "/log", "/run"}) {
    std::filesystem::create_directories(dir_ + sub, ec);
    if (ec) return Internal("mkdir " + dir_ + sub + ": " + ec.message());
  }
  std::string conf = "[cache]\n";
  auto set = [&conf](const std::string& k, const std::string& v) { conf += k + " = " + v + "\n"; };
  set("STORAGE_DIR", dir_ + "/storage/");
  set("LOCAL_DATA_DIR", whisper_dir() + "/");
  set("WHITELISTS_DIR", dir_ + "/storage/lists/");
  set("CONF_DIR", dir_ + "/conf/");
  set("LOG_DIR", dir_ + "/log/");
  set("PID_DIR", dir_ + "/run/");
  set("USER", "");
  set("DATABASE", "whisper");
  set("ENABLE_TAGS", "False");  // else carbon posts every new metric to a tagdb on :80
  set("CARBON_METRIC_INTERVAL", "0");
  set("MAX_CACHE_SIZE", "inf");
  set("MAX_UPDATES_PER_SECOND", "inf");
  set("MAX_CREATES_PER_MINUTE", "inf");
  set("MIN_TIMESTAMP_RESOLUTION", "1");
  set("LINE_RECEIVER_INTERFACE", "127.0.0.1");
  set("LINE_RECEIVER_PORT", std::to_string(line_port_));
  set("ENABLE_UDP_LISTENER", "False");
  set("PICKLE_RECEIVER_INTERFACE", "127.0.0.1");
  set("PICKLE_RECEIVER_PORT", std::to_string(pickle_port_));
  set("CACHE_QUERY_INTERFACE", "127.0.0.1");
  set("CACHE_QUERY_PORT", std::to_string(query_port_));
  set("USE_FLOW_CONTROL", "True");
  set("LOG_LISTENER_CONN_SUCCESS", "False");
  set("WHISPER_AUTOFLUSH", "False");
  set("WHISPER_SPARSE_CREATE", "True");
  set("WHISPER_FALLOCATE_CREATE", "False");
  for (const auto& line : options_.extra_settings) conf += line + "\n";
  WriteFile(dir_ + "/conf/carbon.conf", conf);
  WriteFile(dir_ + "/conf/storage-schemas.conf",
            "[everything]\npattern = .*\nretentions = " + options_.retentions + "\n");
  WriteFile(dir_ + "/conf/storage-aggregation.conf",
            "[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = average\n");
  return OkStatus();
}

Status CarbonCache::StartOnce(std::chrono::milliseconds timeout, bool* port_race) {
  *port_race = false;
  if (Status s = WriteConfig(); !s.ok()) return s;
  std::filesystem::remove(dir_ + "/run/carbon-cache-a.pid");  // a killed run leaves it behind
  size_t log_mark = ReadFile(log_path()).size();
  std::vector<std::string> argv = {kCarbonBinary,
                                   "--config=" + conf_path(),
                                   "--pidfile=" + dir_ + "/run/carbon-cache-a.pid",
                                   "--logdir=" + dir_ + "/log",
                                   "--nodaemon",
                                   "start"};
  if (!proc_.Start(argv, log_path(), {"PYTHONWARNINGS=ignore"})) {
    return Internal("fork carbon-cache");
  }
  bool up = WaitFor(
      [this] {
        return !proc_.running() ||
               (PortOpen(line_port_) && PortOpen(pickle_port_) && PortOpen(query_port_));
      },
      timeout, std::chrono::milliseconds(50));
  if (up && proc_.running()) return OkStatus();
  std::string log = ReadFile(log_path()).substr(log_mark);
  *port_race = log.find("Address already in use") != std::string::npos;
  proc_.Stop(std::chrono::seconds(5));
  if (log.size() > 2000) log = log.substr(log.size() - 2000);
  return Unavailable("carbon-cache on 127.0.0.1:" + std::to_string(pickle_port_) +
                     " did not come up (log " + log_path() + "):\n" + log);
}

Status CarbonCache::Start(std::chrono::milliseconds timeout) {
  if (proc_.running()) return OkStatus();
  if (access(kCarbonBinary, X_OK) != 0) {
    return NotFound(std::string(kCarbonBinary) + " missing: run scripts/install-deps.sh");
  }
  bool first = line_port_ == 0;
  for (int attempt = 0;; ++attempt) {
    if (first) {
      auto a = FreeLoopbackPort(), b = FreeLoopbackPort(), c = FreeLoopbackPort();
      if (!a.ok() || !b.ok() || !c.ok()) return Unavailable("no free loopback port");
      line_port_ = *a;
      pickle_port_ = *b;
      query_port_ = *c;
      if (line_port_ == pickle_port_ || pickle_port_ == query_port_ || line_port_ == query_port_) {
        continue;
      }
    }
    bool race = false;
    Status s = StartOnce(timeout, &race);
    if (s.ok() || !first || !race || attempt >= 3) return s;
  }
}

Status CarbonCache::Stop(std::chrono::milliseconds timeout) {
  if (!proc_.running()) return OkStatus();
  proc_.Stop(timeout);
  return OkStatus();
}

void CarbonCache::Kill() {
  if (proc_.running()) {
    proc_.Signal(SIGKILL);
    proc_.Wait(std::chrono::seconds(10));
  }
}

Status CarbonCache::Restart(std::chrono::milliseconds timeout) {
  if (Status s = Stop(); !s.ok()) return s;
  return Start(timeout);
}

bool CarbonCache::running() { return proc_.running(); }

std::string CarbonCache::WhisperFile(const std::string& path) const {
  std::string rel = path;
  std::replace(rel.begin(), rel.end(), '.', '/');
  return whisper_dir() + "/" + rel + ".wsp";
}

StatusOr<std::vector<WhisperPoint>> CarbonCache::ReadSeries(const std::string& path) const {
  return ReadWhisperFile(WhisperFile(path));
}

std::vector<std::string> CarbonCache::ListMetrics() const {
  std::vector<std::string> out;
  std::error_code ec;
  const std::filesystem::path root = whisper_dir();
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".wsp") continue;
    std::string rel = std::filesystem::relative(it->path(), root).string();
    rel.resize(rel.size() - 4);
    std::replace(rel.begin(), rel.end(), '/', '.');
    out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<WhisperPoint> CarbonCache::WaitForPoints(const std::string& path, size_t count,
                                                     std::chrono::milliseconds timeout) {
  std::vector<WhisperPoint> last;
  WaitFor(
      [&] {
        auto r = ReadSeries(path);
        if (r.ok()) last = std::move(*r);
        return last.size() >= count;
      },
      timeout, std::chrono::milliseconds(100));
  return last;
}

}  // namespace vs::testing
