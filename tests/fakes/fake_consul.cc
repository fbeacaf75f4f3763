#include "fakes/fake_consul.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "kv/base64.h"

namespace vs::testing {
namespace {

constexpr int kMaxConns = 64;
constexpr auto kReadTimeout = std::chrono::seconds(5);
constexpr auto kDefaultWait = std::chrono::minutes(5);
constexpr auto kMaxWait = std::chrono::minutes(10);

std::string UrlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Go's time.ParseDuration for what clients send: "10s", "1500ms", "1m30s", "0".
std::optional<std::chrono::milliseconds> ParseGoDuration(const std::string& s) {
  if (s == "0") return std::chrono::milliseconds(0);
  if (s.empty()) return std::nullopt;
  double total_ms = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    double v = std::stod(s.substr(start, i - start));
    size_t u = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string unit = s.substr(u, i - u);
    double scale = unit == "ns"   ? 1e-6
                   : unit == "us" ? 1e-3
                   : unit == "ms" ? 1
                   : unit == "s"  ? 1e3
                   : unit == "m"  ? 6e4
                   : unit == "h"  ? 3.6e6
                                  : -1;
    if (scale < 0) return std::nullopt;
    total_ms += v * scale;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

std::string Response(int status, const std::string& content_type, const std::string& body,
                     std::optional<uint64_t> index) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n";
  r += "Content-Type: " + content_type + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (index) r += "X-Consul-Index: " + std::to_string(*index) + "\r\n";
  r += "Connection: close\r\n\r\n";
  return r + body;
}

// Reads until `pred` says the request is complete, with a bound on time and size.
bool ReadSome(int fd, std::string* buf) {
  pollfd p{fd, POLLIN, 0};
  int rc = poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kReadTimeout).count()));
  if (rc <= 0) return false;
  char tmp[8192];
  ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
  if (n <= 0) return false;
  buf->append(tmp, static_cast<size_t>(n));
  return buf->size() < (8 << 20);
}

}  // namespace

FakeConsul::~FakeConsul() { Stop(); }

Status FakeConsul::Start(uint16_t port) {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;  // a restart after Stop()
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return ErrnoStatus("fake consul socket", errno);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  socklen_t len = sizeof(a);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return ErrnoStatus("fake consul bind 127.0.0.1:" + std::to_string(port), errno);
  }
  port_ = ntohs(a.sin_port);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return ErrnoStatus("fake consul eventfd", errno);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  return OkStatus();
}

void FakeConsul::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<std::unique_ptr<Conn>> conns;
  {
    std::lock_guard lock(conns_mu_);
    for (auto& c : conns_) shutdown(c->fd, SHUT_RDWR);  // unblocks reads and writes
    conns.swap(conns_);
  }
  for (auto& c : conns) {
    c->thread.join();
    close(c->fd);
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
}

void FakeConsul::ReapLocked() {
  for (auto it = conns_.begin(); it != conns_.end();) {
    if ((*it)->done.load()) {
      (*it)->thread.join();
      close((*it)->fd);
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void FakeConsul::AcceptLoop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(conns_mu_);
    ReapLocked();
    if (static_cast<int>(conns_.size()) >= kMaxConns) {
      close(fd);
      continue;
    }
    auto conn = std::make_unique<Conn>();
    conn->fd = fd;
    Conn* raw = conn.get();
    conns_.push_back(std::move(conn));
    raw->thread = std::thread([this, raw] { Serve(raw); });
  }
}

void FakeConsul::Serve(Conn* conn) {
  std::string buf;
  size_t header_end;
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadSome(conn->fd, &buf)) {
      conn->done = true;
      return;
    }
  }
  std::string head = buf.substr(0, header_end);
  std::string body = buf.substr(header_end + 4);
  auto line_end = head.find("\r\n");
  std::string request_line = head.substr(0, line_end);
  std::map<std::string, std::string> headers;
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string h = head.substr(pos, e - pos);
    auto colon = h.find(':');
    if (colon != std::string::npos) {
      std::string name = h.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      auto v = h.find_first_not_of(' ', colon + 1);
      headers[name] = v == std::string::npos ? "" : h.substr(v);
    }
    pos = e + 2;
  }
  size_t content_length = 0;
  if (auto it = headers.find("content-length"); it != headers.end()) {
    content_length = std::strtoul(it->second.c_str(), nullptr, 10);
  }
  while (body.size() < content_length) {
    if (!ReadSome(conn->fd, &body)) {
      conn->done = true;
      return;
    }
  }
  body.resize(content_length);
  auto sp1 = request_line.find(' ');
  auto sp2 = request_line.find(' ', sp1 + 1);
  std::string out;
  if (sp1 == std::string::npos || sp2 == std::string::npos) {
    out = Response(400, "text/plain", "bad request line", std::nullopt);
  } else {
    out = Handle(request_line.substr(0, sp1), request_line.substr(sp1 + 1, sp2 - sp1 - 1), headers,
                 body);
  }
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = send(conn->fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  shutdown(conn->fd, SHUT_WR);
  conn->done = true;
}

std::string FakeConsul::Handle(const std::string& method, const std::string& target,
                               const std::map<std::string, std::string>& headers,
                               const std::string& body) {
  Request rec;
  rec.method = method;
  auto q = target.find('?');
  rec.path = UrlDecode(target.substr(0, q));
  if (q != std::string::npos) {
    std::string query = target.substr(q + 1);
    size_t p = 0;
    while (p <= query.size()) {
      auto amp = query.find('&', p);
      if (amp == std::string::npos) amp = query.size();
      std::string kv = query.substr(p, amp - p);
      if (!kv.empty()) {
        auto eq = kv.find('=');
        rec.params[UrlDecode(kv.substr(0, eq))] =
            eq == std::string::npos ? "" : UrlDecode(kv.substr(eq + 1));
      }
      p = amp + 1;
    }
  }
  if (auto it = headers.find("x-consul-token"); it != headers.end()) {
    rec.token = it->second;
  } else if (auto t = rec.params.find("token"); t != rec.params.end()) {
    rec.token = t->second;
  }

  std::unique_lock lock(mu_);
  // index < 0: no X-Consul-Index header.
  auto finish = [&](int status, const std::string& ctype, const std::string& b, int64_t index) {
    if (omit_index_) index = -1;
    rec.status = status;
    rec.index = index < 0 ? 0 : static_cast<uint64_t>(index);
    auto delay = delay_;
    if (delay.count() > 0) {
      cv_.wait_for(lock, delay, [this] { return stopping_; });
    }
    requests_.push_back(rec);
    return Response(
        status, ctype, b,
        index < 0 ? std::nullopt : std::optional<uint64_t>(static_cast<uint64_t>(index)));
  };
  const std::string prefix = "/v1/kv/";
  if (rec.path.compare(0, prefix.size(), prefix) != 0) {
    return finish(404, "text/plain", "no such endpoint", -1);
  }
  const std::string key = rec.path.substr(prefix.size());
  if (!token_.empty() && rec.token != token_) {
    return finish(403, "text/plain", "Permission denied", -1);
  }
  if (fail_next_ > 0) {
    --fail_next_;
    return finish(fail_status_, "text/plain", "injected failure", -1);
  }
  if (method == "PUT") {
    Entry& e = kv_[key];
    ++index_;
    if (e.create_index == 0) e.create_index = index_;
    e.modify_index = index_;
    e.value = body;
    cv_.notify_all();
    return finish(200, "application/json", "true", static_cast<int64_t>(index_));
  }
  if (method == "DELETE") {
    kv_.erase(key);
    ++index_;
    cv_.notify_all();
    return finish(200, "application/json", "true", static_cast<int64_t>(index_));
  }
  if (method != "GET") return finish(405, "text/plain", "method not allowed", -1);

  uint64_t min_index = 0;
  if (auto it = rec.params.find("index"); it != rec.params.end()) {
    min_index = std::strtoull(it->second.c_str(), nullptr, 10);
  }
  if (min_index > 0) {
    auto wait = std::chrono::milliseconds(kDefaultWait);
    if (auto it = rec.params.find("wait"); it != rec.params.end()) {
      auto w = ParseGoDuration(it->second);
      if (!w) return finish(400, "text/plain", "Invalid wait time", -1);
      wait = std::min<std::chrono::milliseconds>(*w, kMaxWait);
    }
    ++blocked_;
    cv_.wait_for(lock, wait, [&] { return stopping_ || index_ > min_index; });
    --blocked_;
  }
  auto it = kv_.find(key);
  if (it == kv_.end()) return finish(404, "text/plain", "", static_cast<int64_t>(index_));
  if (rec.params.count("raw"))
    return finish(200, "text/plain", it->second.value, static_cast<int64_t>(index_));
  std::string json = "[{\"LockIndex\":0,\"Key\":\"" + JsonEscape(key) +
                     "\",\"Flags\":0,\"Value\":\"" + kv::Base64Encode(it->second.value) +
                     "\",\"CreateIndex\":" + std::to_string(it->second.create_index) +
                     ",\"ModifyIndex\":" + std::to_string(it->second.modify_index) + "}]";
  return finish(200, "application/json", json, static_cast<int64_t>(index_));
}

void FakeConsul::Put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  Entry& e = kv_[key];
  ++index_;
  if (e.create_index == 0) e.create_index = index_;
  e.modify_index = index_;
  e.value = value;
  cv_.notify_all();
}

void FakeConsul::Delete(const std::string& key) {
  std::lock_guard lock(mu_);
  kv_.erase(key);
  ++index_;
  cv_.notify_all();
}

std::optional<std::string> FakeConsul::Value(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = kv_.find(key);
  if (it == kv_.end()) return std::nullopt;
  return it->second.value;
}

uint64_t FakeConsul::index() const {
  std::lock_guard lock(mu_);
  return index_;
}

void FakeConsul::SetIndex(uint64_t index) {
  std::lock_guard lock(mu_);
  index_ = index;
  cv_.notify_all();
}

void FakeConsul::FailNext(int n, int status) {
  std::lock_guard lock(mu_);
  fail_next_ = n;
  fail_status_ = status;
}

void FakeConsul::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

void FakeConsul::RequireToken(const std::string& token) {
  std::lock_guard lock(mu_);
  token_ = token;
}

void FakeConsul::OmitIndexHeader(bool omit) {
  std::lock_guard lock(mu_);
  omit_index_ = omit;
}

std::vector<FakeConsul::Request> FakeConsul::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace vs::testing
