#include "kpi_publish/proc.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

namespace vs::kpi_publish {

namespace {

constexpr size_t kMaxProcFile = 1 << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits on runs of spaces and tabs.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ToU64(std::string_view s, uint64_t* v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

template <typename F>
void ForEachLine(std::string_view text, F&& f) {
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    f(text.substr(start, nl - start));
    start = nl + 1;
  }
}

// "Key:   123 kB" lines of status and meminfo -> bytes (or the bare number without "kB").
bool FindKb(std::string_view text, std::string_view key, uint64_t* bytes) {
  bool found = false;
  ForEachLine(text, [&](std::string_view line) {
    if (found || line.size() <= key.size() || line.substr(0, key.size()) != key ||
        line[key.size()] != ':') {
      return;
    }
    auto f = Fields(line.substr(key.size() + 1));
    uint64_t v;
    if (f.empty() || !ToU64(f[0], &v)) return;
    *bytes = (f.size() > 1 && f[1] == "kB") ? v * 1024 : v;
    found = true;
  });
  return found;
}

}  // namespace

StatusOr<std::string> RealProcSource::Read(const std::string& rel) const {
  std::string path = root_ + "/" + rel;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open " + path, errno);
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return ErrnoStatus("read " + path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxProcFile) {
      close(fd);
      return ResourceExhausted(path + ": larger than 1 MiB");
    }
  }
  close(fd);
  return out;
}

StatusOr<int> RealProcSource::CountEntries(const std::string& rel) const {
  std::string path = root_ + "/" + rel;
  DIR* d = opendir(path.c_str());
  if (d == nullptr) return ErrnoStatus("opendir " + path, errno);
  const bool own = root_ == "/proc" && (rel == "self/fd" || rel == fmt::format("{}/fd", getpid()));
  const std::string own_fd = std::to_string(dirfd(d));
  int n = 0;
  while (dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    if (own && own_fd == e->d_name) continue;
    ++n;
  }
  closedir(d);
  return n;
}

StatusOr<uint64_t> ParseStatusRssBytes(std::string_view status) {
  uint64_t b;
  if (!FindKb(status, "VmRSS", &b)) return InvalidArgument("status: no VmRSS line");
  return b;
}

StatusOr<uint64_t> ParseStatmRssBytes(std::string_view statm, uint64_t page_size) {
  auto f = Fields(Trim(statm));
  uint64_t pages;
  if (f.size() < 2 || !ToU64(f[1], &pages)) return InvalidArgument("statm: no resident field");
  return pages * page_size;
}

StatusOr<CpuTimes> ParseProcStat(std::string_view stat) {
  StatusOr<CpuTimes> out = InvalidArgument("stat: no aggregate cpu line");
  bool done = false;
  ForEachLine(stat, [&](std::string_view line) {
    if (done || line.substr(0, 4) != "cpu ") return;
    done = true;
    auto f = Fields(line.substr(4));
    if (f.size() < 4) {
      out = InvalidArgument("stat: cpu line has fewer than 4 fields");
      return;
    }
    CpuTimes t;
    for (size_t i = 0; i < f.size() && i < 8; ++i) {  // guest time is already in user
      uint64_t v;
      if (!ToU64(f[i], &v)) {
        out = InvalidArgument(fmt::format("stat: cpu field {} is not a number", i + 1));
        return;
      }
      t.total += v;
      if (i == 3 || i == 4) t.idle += v;
    }
    out = t;
  });
  return out;
}

double CpuPercent(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total || after.idle < before.idle) return 0;
  double total = static_cast<double>(after.total - before.total);
  double idle = static_cast<double>(after.idle - before.idle);
  double busy = 100.0 * (1.0 - idle / total);
  return std::clamp(busy, 0.0, 100.0);
}

StatusOr<MemInfo> ParseMeminfo(std::string_view meminfo) {
  MemInfo m;
  if (!FindKb(meminfo, "MemTotal", &m.total)) return InvalidArgument("meminfo: no MemTotal");
  if (!FindKb(meminfo, "MemAvailable", &m.available)) {
    uint64_t free = 0, buffers = 0, cached = 0;
    if (!FindKb(meminfo, "MemFree", &free)) return InvalidArgument("meminfo: no MemAvailable");
    FindKb(meminfo, "Buffers", &buffers);
    FindKb(meminfo, "Cached", &cached);
    m.available = free + buffers + cached;
  }
  return m;
}

StatusOr<LoadAvg> ParseLoadavg(std::string_view loadavg) {
  auto f = Fields(Trim(loadavg));
  LoadAvg l;
  double* dst[] = {&l.one, &l.five, &l.fifteen};
  if (f.size() < 3) return InvalidArgument("loadavg: fewer than 3 fields");
  for (int i = 0; i < 3; ++i) {
    auto r = std::from_chars(f[i].data(), f[i].data() + f[i].size(), *dst[i]);
    if (r.ec != std::errc() || r.ptr != f[i].data() + f[i].size() || !std::isfinite(*dst[i])) {
      return InvalidArgument(fmt::format("loadavg: field {} is not a number", i + 1));
    }
  }
  return l;
}

StatusOr<std::vector<NetDev>> ParseNetDev(std::string_view netdev) {
  std::vector<NetDev> out;
  int line_no = 0;
  bool header_ok = false;
  ForEachLine(netdev, [&](std::string_view line) {
    ++line_no;
    if (line_no == 2) header_ok = line.find("bytes") != std::string_view::npos;
    if (line_no <= 2) return;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    NetDev d;
    d.name = std::string(Trim(line.substr(0, colon)));
    auto f = Fields(line.substr(colon + 1));
    // rx: bytes packets errs drop fifo frame compressed multicast, then tx: bytes packets ...
    if (d.name.empty() || f.size() < 10 || !ToU64(f[0], &d.rx_bytes) ||
        !ToU64(f[1], &d.rx_packets) || !ToU64(f[8], &d.tx_bytes) || !ToU64(f[9], &d.tx_packets)) {
      return;
    }
    out.push_back(std::move(d));
  });
  if (!header_ok) return InvalidArgument("net/dev: unexpected header");
  return out;
}

StatusOr<double> ParseNumber(std::string_view text) {
  std::string_view t = Trim(text);
  double v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v)) {
    std::string shown(t.substr(0, 40));
    return InvalidArgument(fmt::format("expected a number, got '{}'", shown));
  }
  return v;
}

}  // namespace vs::kpi_publish
