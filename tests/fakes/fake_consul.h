// An in-process fake of Consul's KV HTTP API for tests: a real HTTP/1.1 server on
// 127.0.0.1:<port 0> with its own accept thread and one thread per connection (one request
// per connection, "Connection: close"), implementing the blocking-query semantics of
// DESIGN.md 2.3:
//   GET    /v1/kv/<key>[?raw][&index=X&wait=D]  200 with the JSON array (Value base64) or the
//          bare value with ?raw; 404 for a missing key; both carry X-Consul-Index. With X > 0
//          the answer waits until the index is above X, or for D (Go duration, default 5m,
//          capped at 10m), whichever is first.
//   PUT    /v1/kv/<key>  (body = value) and DELETE /v1/kv/<key>: change the key, increment the
//          index (one index for the whole store, so a change of any key wakes every query,
//          as an unchanged-content answer is a case the clients must handle), answer "true".
// Faults on demand: a token requirement (403 without X-Consul-Token or ?token=), N injected
// error statuses, a delay before every answer, an index moved to any value (backwards too).
// Every request is recorded for assertions.
//
// Thread-safe: all methods may be called from the test thread while clients are served.
// Stop() (and the destructor) wakes blocked queries, closes connections and joins threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace vs::testing {

class FakeConsul {
 public:
  struct Request {
    std::string method;
    std::string path;                           // decoded, without the query
    std::map<std::string, std::string> params;  // decoded query parameters
    std::string token;                          // X-Consul-Token or ?token=
    int status = 0;                             // what was answered
    uint64_t index = 0;                         // X-Consul-Index answered (0 if none)
  };

  FakeConsul() = default;
  ~FakeConsul();
  FakeConsul(const FakeConsul&) = delete;
  FakeConsul& operator=(const FakeConsul&) = delete;

  // Binds 127.0.0.1:<port> (0: any free port) and starts serving. After Stop(), Start(port())
  // serves the same store again on the same port (an outage that refuses connections).
  Status Start(uint16_t port = 0);
  void Stop();
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // The store, as a client's PUT/DELETE would change it.
  void Put(const std::string& key, const std::string& value);
  void Delete(const std::string& key);
  std::optional<std::string> Value(const std::string& key) const;
  uint64_t index() const;
  // Sets the store index (backwards too, or 0) and wakes blocked queries; the next change
  // increments from there.
  void SetIndex(uint64_t index);

  // The next `n` KV requests answer `status` (e.g. 500) with a short body.
  void FailNext(int n, int status = 500);
  // Every KV answer is sent `delay` after it is ready (blocking included).
  void SetDelay(std::chrono::milliseconds delay);
  // Requires this token on every request (403 "Permission denied" otherwise); "" turns it off.
  void RequireToken(const std::string& token);
  // Answers without the X-Consul-Index header (a broken proxy in between).
  void OmitIndexHeader(bool omit);

  // Requests answered so far (in order of completion).
  std::vector<Request> requests() const;
  // Blocking queries waiting right now.
  int blocked() const { return blocked_.load(); }

 private:
  struct Conn {
    std::thread thread;
    int fd = -1;
    std::atomic<bool> done{false};
  };
  struct Entry {
    std::string value;
    uint64_t create_index = 0;
    uint64_t modify_index = 0;
  };
  void AcceptLoop();
  void Serve(Conn* conn);
  // Builds the full HTTP response for one request.
  std::string Handle(const std::string& method, const std::string& target,
                     const std::map<std::string, std::string>& headers, const std::string& body);
  void ReapLocked();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> kv_;
  uint64_t index_ = 1;
  int fail_next_ = 0;
  int fail_status_ = 500;
  std::chrono::milliseconds delay_{0};
  std::string token_;
  bool omit_index_ = false;
  bool stopping_ = false;
  std::vector<Request> requests_;
  std::atomic<int> blocked_{0};

  int listen_fd_ = -1;
  int wake_fd_ = -1;
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::mutex conns_mu_;
  std::list<std::unique_ptr<Conn>> conns_;
};

}  // namespace vs::testing
