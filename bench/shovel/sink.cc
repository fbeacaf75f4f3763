// sink: a counting carbon pickle receiver for benchmarks. Accepts connections on 127.0.0.1,
// walks every frame's pickle opcodes (protocols 2-5, as Python's pickle.dumps and shovel emit)
// and counts datapoints (two TUPLE2 per (path, (ts, value))). Exits when the count reaches the
// target, printing: datapoints, seconds from the first to the last datapoint.
//   sink PORT_FILE TARGET_DATAPOINTS [TIMEOUT_S] [LINGER_S]
// With LINGER_S > 0 it prints at the target but keeps reading (and discarding) until every
// sender closed or LINGER_S passed, so the consumer can finish normally instead of seeing its
// carbon vanish (which makes shovel rewind and re-read its last second of data).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Returns TUPLE2 opcodes in one pickle, or -1 on an opcode it does not know.
long CountTuple2(const uint8_t* p, size_t n) {
  long t2 = 0;
  size_t i = 0;
  auto le = [&](size_t off, int bytes) {
    uint64_t v = 0;
    for (int b = 0; b < bytes; ++b) v |= static_cast<uint64_t>(p[off + b]) << (8 * b);
    return v;
  };
  while (i < n) {
    uint8_t op = p[i++];
    switch (op) {
      case 0x80:
        i += 1;
        break;  // PROTO
      case 0x95:
        i += 8;
        break;  // FRAME
      case ']':
      case '(':
      case ')':
      case 'N':
      case 0x88:
      case 0x89:
      case 0x94:
      case 'a':
      case 'e':
      case 0x85:
      case 0x87:
      case 't':
      case 'l':
      case 0x8f:
      case 0x90:
        break;
      case 0x86:
        ++t2;
        break;  // TUPLE2
      case '.':
        return t2;  // STOP
      case 'X':
      case 'B':
      case 'T':
        i += 4 + le(i, 4);
        break;
      case 0x8c:
      case 'C':
      case 'U':
        i += 1 + p[i];
        break;
      case 0x8d:
      case 0x8e:
        i += 8 + le(i, 8);
        break;
      case 'J':
        i += 4;
        break;
      case 'K':
      case 'q':
      case 'h':
        i += 1;
        break;
      case 'M':
        i += 2;
        break;
      case 'r':
      case 'j':
        i += 4;
        break;
      case 'G':
        i += 8;
        break;
      case 0x8a:
        i += 1 + p[i];
        break;  // LONG1
      default:
        return -1;
    }
  }
  return t2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sink PORT_FILE TARGET_DATAPOINTS [TIMEOUT_S]\n");
    return 2;
  }
  long target = std::atol(argv[2]);
  double timeout_s = argc > 3 ? std::atof(argv[3]) : 600;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) || listen(lfd, 16)) return 1;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
  {
    std::ofstream(std::string(argv[1]) + ".tmp") << ntohs(a.sin_port) << "\n";
    std::rename((std::string(argv[1]) + ".tmp").c_str(), argv[1]);
  }
  std::vector<pollfd> fds{{lfd, POLLIN, 0}};
  std::vector<std::string> bufs(1);
  long points = 0, frames = 0;
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point first{}, last{};
  std::vector<char> rb(1 << 20);
  const double linger_s = argc > 4 ? std::atof(argv[4]) : 0;
  bool reported = false;
  std::chrono::steady_clock::time_point linger_until{};
  auto report = [&] {
    double secs = std::chrono::duration<double>(last - first).count();
    std::printf("%ld %.6f %ld\n", points, secs, frames);
    std::fflush(stdout);
    reported = true;
  };
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (!reported && points >= target) {
      report();
      if (linger_s <= 0) return 0;
      linger_until = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(linger_s));
    }
    if (reported && (now > linger_until || fds.size() == 1)) return 0;
    if (!reported && now - start > std::chrono::duration<double>(timeout_s)) break;
    poll(fds.data(), fds.size(), 200);
    if (fds[0].revents & POLLIN) {
      int c = accept(lfd, nullptr, nullptr);
      if (c >= 0) {
        fds.push_back({c, POLLIN, 0});
        bufs.emplace_back();
      }
    }
    for (size_t k = 1; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = read(fds[k].fd, rb.data(), rb.size());
      if (r <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        continue;
      }
      std::string& b = bufs[k];
      b.append(rb.data(), static_cast<size_t>(r));
      size_t off = 0;
      while (b.size() - off >= 4) {
        uint32_t flen = (uint8_t(b[off]) << 24) | (uint8_t(b[off + 1]) << 16) |
                        (uint8_t(b[off + 2]) << 8) | uint8_t(b[off + 3]);
        if (b.size() - off - 4 < flen) break;
        long t2 = CountTuple2(reinterpret_cast<const uint8_t*>(b.data() + off + 4), flen);
        if (t2 < 0) {
          std::fprintf(stderr, "sink: unknown pickle opcode\n");
          return 1;
        }
        if (!reported) {
          if (points == 0) first = std::chrono::steady_clock::now();
          points += t2 / 2;
          ++frames;
          last = std::chrono::steady_clock::now();
        }
        off += 4 + flen;
      }
      b.erase(0, off);
    }
    for (size_t k = fds.size(); k-- > 1;) {
      if (fds[k].fd < 0) {
        fds.erase(fds.begin() + static_cast<long>(k));
        bufs.erase(bufs.begin() + static_cast<long>(k));
      }
    }
  }
  report();
  return 3;
}
