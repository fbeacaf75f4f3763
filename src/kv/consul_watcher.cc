#include "kv/consul_watcher.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/backoff.h"
#include "kv/base64.h"
#include "kv/http_stream.h"

namespace vs::kv {
namespace {

constexpr Duration kPlainTimeout = std::chrono::seconds(10);
constexpr size_t kMaxBody = 16 << 20;  // Consul's own value limit is 512 KiB

std::string Trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Snippet(const std::string& body) {
  std::string s = Trim(body.substr(0, 200));
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::optional<uint64_t> ParseIndex(const std::string& s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool SameContent(const Observation& a, const Observation& b) {
  return a.exists == b.exists && a.value == b.value;
}

}  // namespace

StatusOr<Observation> ParseConsulKvAnswer(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc)) {
    return InvalidArgument(std::string("consul kv answer: ") + simdjson::error_message(err));
  }
  simdjson::dom::array arr;
  if (doc.get_array().get(arr)) return InvalidArgument("consul kv answer: not a JSON array");
  if (arr.size() == 0) return Observation{};
  for (auto entry : arr) {
    std::string_view k;
    if (entry["Key"].get_string().get(k) || k != key) continue;
    Observation obs;
    obs.exists = true;
    simdjson::dom::element v;
    if (!entry["Value"].get(v) && !v.is_null()) {
      std::string_view b64;
      if (v.get_string().get(b64)) return InvalidArgument("consul kv answer: Value not a string");
      auto dec = Base64Decode(b64);
      if (!dec.ok()) return dec.status().WithContext("consul kv answer Value");
      obs.value = std::move(*dec);
    }
    uint64_t mi = 0;
    if (!entry["ModifyIndex"].get_uint64().get(mi)) obs.version = std::to_string(mi);
    return obs;
  }
  return InvalidArgument("consul kv answer: no entry for key '" + std::string(key) + "'");
}

std::string EscapeConsulKey(std::string_view key) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

ConsulWatcher::ConsulWatcher(WatcherOptions options) : o_(std::move(options)) {
  std::string addr = o_.address;
  while (!addr.empty() && addr.back() == '/') addr.pop_back();
  if (addr.find("://") == std::string::npos) {
    addr = (o_.tls.enabled() ? "https://" : "http://") + addr;
  }
  base_url_ = addr;
  // Precedence as in the consul CLI: a token file given explicitly, then a token, then the
  // environment. The environment is read once, here, before any thread exists.
  if (!o_.token_file.empty()) {
    token_file_ = o_.token_file;
  } else if (!o_.token.empty()) {
    token_ = o_.token;
  } else if (const char* t = std::getenv("CONSUL_HTTP_TOKEN"); t && *t) {
    token_ = t;
  } else if (const char* f = std::getenv("CONSUL_HTTP_TOKEN_FILE"); f && *f) {
    token_file_ = f;
  }
}

StatusOr<std::string> ConsulWatcher::Token() const {
  if (token_file_.empty()) return token_;
  std::ifstream in(token_file_);
  if (!in) return Unavailable("consul token file " + token_file_ + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return Trim(ss.str());
}

StatusOr<ConsulWatcher::Answer> ConsulWatcher::Fetch(std::stop_token stop, uint64_t index) {
  HttpRequest req;
  req.url = base_url_ + "/v1/kv/" + EscapeConsulKey(o_.key);
  std::string query;
  if (o_.consul_raw) query = "raw";
  if (index > 0) {
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(o_.consul_wait).count();
    if (!query.empty()) query += "&";
    query += "index=" + std::to_string(index) + "&wait=" + std::to_string(wait_ms) + "ms";
    // Consul adds up to wait/16 of jitter to the wait; allow for it and for a slow answer.
    req.timeout = o_.consul_wait + o_.consul_wait / 16 + kPlainTimeout;
  } else {
    req.timeout = kPlainTimeout;
  }
  if (!query.empty()) req.url += "?" + query;
  req.max_body = kMaxBody;
  req.ca_file = o_.tls.ca_file;
  req.cert_file = o_.tls.cert_file;
  req.key_file = o_.tls.key_file;
  req.insecure = o_.tls.insecure;
  auto token = Token();
  if (!token.ok()) return token.status();
  if (!token->empty()) req.headers.push_back("X-Consul-Token: " + *token);

  const std::string what = "consul " + base_url_ + " key '" + o_.key + "'";
  auto resp = StoppableHttpCall(req, stop);
  if (!resp.ok()) return resp.status().WithContext(what);
  if (resp->status != 200 && resp->status != 404) {
    return Unavailable(what + ": HTTP " + std::to_string(resp->status) + ": " +
                       Snippet(resp->body));
  }
  auto it = resp->headers.find("x-consul-index");
  std::optional<uint64_t> got;
  if (it != resp->headers.end()) got = ParseIndex(it->second);
  if (!got) return InvalidArgument(what + ": answer without a valid X-Consul-Index");
  Answer a;
  a.index = *got;
  if (resp->status == 404) {
    a.obs.exists = false;
  } else if (o_.consul_raw) {
    a.obs.exists = true;
    a.obs.value = std::move(resp->body);
  } else {
    auto obs = ParseConsulKvAnswer(resp->body, o_.key);
    if (!obs.ok()) return obs.status().WithContext(what);
    a.obs = std::move(*obs);
  }
  a.obs.version = std::to_string(a.index);
  return a;
}

StatusOr<Observation> ConsulWatcher::Get() {
  auto a = Fetch(std::stop_token(), 0);
  if (!a.ok()) return a.status();
  return std::move(a->obs);
}

void ConsulWatcher::Run(std::stop_token stop,
                        const std::function<void(const Observation&)>& on_value,
                        const std::function<void(const Status&)>& on_error) {
  const Clock* clock = o_.clock ? o_.clock : RealClock::Get();
  TokenBucket bucket(o_.max_requests_per_s, o_.request_burst, clock);
  Backoff backoff(o_.pacing.initial, o_.pacing.max);
  std::optional<Observation> last;
  // The index of the last answer as the server gave it (it may be 0), and whether to block on
  // it. Backwards is judged on the raw index, so a server stuck at 0 (queried with 1) is not
  // taken for one going backwards on every answer.
  uint64_t answered = 0;
  bool block = false;
  while (!stop.stop_requested()) {
    if (!bucket.TryTake()) {
      if (!SleepFor(stop, std::max(bucket.TimeUntilToken(), Duration(Millis(1))))) break;
      continue;
    }
    auto a = Fetch(stop, block ? std::max<uint64_t>(answered, 1) : 0);
    if (stop.stop_requested()) break;
    if (!a.ok()) {
      on_error(a.status());
      if (!SleepFor(stop, backoff.Next())) break;
      continue;
    }
    backoff.Reset();
    if (block && a->index < answered) {
      // The store went backwards (restore, new cluster): its answer to a query on our old
      // index proves nothing. Read again without index and follow the new sequence.
      block = false;
      continue;
    }
    if (!last || !SameContent(*last, a->obs)) {
      last = a->obs;
      on_value(a->obs);
    }
    answered = a->index;
    block = true;
  }
}

}  // namespace vs::kv
