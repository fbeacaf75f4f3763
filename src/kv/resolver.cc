#include "kv/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include "common/backoff.h"
#include "kv/http_stream.h"

namespace vs::kv {

StatusOr<std::vector<std::string>> SystemResolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    std::string msg = "resolve '" + host + "': " + gai_strerror(rc);
    if (rc == EAI_NONAME || rc == EAI_NODATA) return NotFound(msg);
    return Unavailable(msg);
  }
  std::vector<std::string> out;
  for (addrinfo* a = res; a; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = nullptr;
    if (a->ai_family == AF_INET) {
      src = &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr;
    } else if (a->ai_family == AF_INET6) {
      src = &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr;
    } else {
      continue;
    }
    if (!inet_ntop(a->ai_family, src, buf, sizeof(buf))) continue;
    if (std::find(out.begin(), out.end(), buf) == out.end()) out.emplace_back(buf);
  }
  freeaddrinfo(res);
  if (out.empty()) return NotFound("resolve '" + host + "': no address");
  return out;
}

StatusOr<HostPort> ResolveStoreAddress(const std::string& name, uint16_t port, std::stop_token stop,
                                       const Pacing& pacing,
                                       const std::function<void(const Status&)>& on_error,
                                       const ResolveFn& resolve) {
  Backoff backoff(pacing.initial, pacing.max);
  while (!stop.stop_requested()) {
    auto addrs = resolve(name);
    if (addrs.ok() && !addrs->empty()) return HostPort{addrs->front(), port};
    Status st = addrs.ok() ? NotFound("resolve '" + name + "': no address") : addrs.status();
    if (on_error) on_error(st.WithContext("store address"));
    if (!SleepFor(stop, backoff.Next())) break;
  }
  return Unavailable("resolve '" + name + "': stopped");
}

}  // namespace vs::kv
