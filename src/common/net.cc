#include "common/net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace vs {

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

StatusOr<uint16_t> ParsePort(const std::string& s, bool allow_zero) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v > 65535 ||
      (v == 0 && !allow_zero)) {
    return InvalidArgument("invalid port '" + s + "'");
  }
  return static_cast<uint16_t>(v);
}

StatusOr<HostPort> ParseHostPort(const std::string& s, uint16_t default_port) {
  HostPort hp;
  std::string port;
  if (!s.empty() && s[0] == '[') {
    auto close = s.find(']');
    if (close == std::string::npos) return InvalidArgument("unclosed '[' in address '" + s + "'");
    hp.host = s.substr(1, close - 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') return InvalidArgument("bad address '" + s + "'");
      port = s.substr(close + 2);
    }
  } else {
    auto colon = s.rfind(':');
    if (colon != std::string::npos && s.find(':') != colon) {
      hp.host = s;  // a bare IPv6 address without a port
    } else if (colon != std::string::npos) {
      hp.host = s.substr(0, colon);
      port = s.substr(colon + 1);
    } else {
      hp.host = s;
    }
  }
  if (hp.host.empty()) return InvalidArgument("empty host in address '" + s + "'");
  if (port.empty()) {
    if (default_port == 0) return InvalidArgument("missing port in address '" + s + "'");
    hp.port = default_port;
  } else {
    auto p = ParsePort(port, true);
    if (!p.ok()) return p.status().WithContext("address '" + s + "'");
    hp.port = *p;
  }
  return hp;
}

StatusOr<uint16_t> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("socket", errno);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    int e = errno;
    close(fd);
    return ErrnoStatus("bind 127.0.0.1:0", e);
  }
  close(fd);
  return ntohs(a.sin_port);
}

Status SetNonBlocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return ErrnoStatus("fcntl", errno);
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) return ErrnoStatus("fcntl", errno);
  return OkStatus();
}

}  // namespace vs
