// The admin endpoint every daemon serves with --admin: a minimal HTTP/1.0 server for
// /metrics, /healthz, /readyz and friends. One background thread; handlers run on it and must
// be thread-safe with respect to the daemon's own threads. Requests are bounded (8 KiB
// header, 2 s to arrive, 16 concurrent connections); anything else is answered 400 or dropped.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/net.h"
#include "common/status.h"

namespace vs {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class AdminServer {
 public:
  using Handler = std::function<HttpReply()>;
  AdminServer() = default;
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Registers a GET handler for an exact path (query strings are ignored). Before Start().
  void Handle(const std::string& path, Handler h) { handlers_[path] = std::move(h); }
  // Binds `addr` ("host:port", port 0 picks one) and starts serving.
  Status Start(const std::string& addr);
  // The bound port (after Start).
  uint16_t port() const { return port_; }
  void Stop();

 private:
  void Run();
  void Serve(int fd);
  std::map<std::string, Handler> handlers_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace vs
