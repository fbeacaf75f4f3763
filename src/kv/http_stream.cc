#include "kv/http_stream.h"

#include <curl/curl.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace vs::kv {
namespace {

struct Sink {
  HttpResponse* resp;
  const HttpRequest* req;
  const StreamOptions* opts;
  bool overflow = false;
  Status abort;  // set when on_data refused a piece
};

size_t OnBody(char* p, size_t size, size_t n, void* ud) {
  auto* s = static_cast<Sink*>(ud);
  size_t len = size * n;
  if (s->opts->on_data) {
    Status st = s->opts->on_data(std::string_view(p, len));
    if (!st.ok()) {
      s->abort = st;
      return 0;
    }
    return len;
  }
  if (s->resp->body.size() + len > s->req->max_body) {
    s->overflow = true;
    return 0;
  }
  s->resp->body.append(p, len);
  return len;
}

size_t OnHeader(char* p, size_t size, size_t n, void* ud) {
  auto* s = static_cast<Sink*>(ud);
  std::string_view line(p, size * n);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    auto b = value.find_first_not_of(" \t");
    auto e = value.find_last_not_of(" \t\r\n");
    s->resp->headers[name] =
        b == std::string_view::npos ? "" : std::string(value.substr(b, e - b + 1));
  }
  return size * n;
}

long Millis(Duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

StatusOr<HttpResponse> StoppableHttpCall(const HttpRequest& req, std::stop_token stop,
                                         const StreamOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const std::string what = req.method + " " + req.url;
  if (stop.stop_requested()) return Unavailable(what + ": stopped");
  CURL* c = curl_easy_init();
  CURLM* m = curl_multi_init();
  if (!c || !m) {
    if (c) curl_easy_cleanup(c);
    if (m) curl_multi_cleanup(m);
    return Internal("curl init failed");
  }
  HttpResponse resp;
  Sink sink{&resp, &req, &options};
  curl_slist* hdrs = nullptr;
  for (const auto& h : req.headers) hdrs = curl_slist_append(hdrs, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (req.timeout.count() > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, Millis(req.timeout));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  if (options.idle_timeout.count() > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, Millis(options.idle_timeout) / 1000));
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!req.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, req.ca_file.c_str());
  if (!req.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, req.cert_file.c_str());
  if (!req.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, req.key_file.c_str());
  if (req.insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_multi_add_handle(m, c);

  CURLcode rc = CURLE_OK;
  bool stopped = false;
  {
    // Wakes the poll below from whichever thread requests the stop; curl_multi_wakeup is
    // documented as callable from another thread. The callback is destroyed (and so has
    // finished) before the multi handle is cleaned up.
    std::stop_callback wake(stop, [m] { curl_multi_wakeup(m); });
    for (;;) {
      int running = 0;
      CURLMcode mc = curl_multi_perform(m, &running);
      if (mc != CURLM_OK) {
        rc = CURLE_FAILED_INIT;
        break;
      }
      if (running == 0) {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
          if (msg->msg == CURLMSG_DONE) rc = msg->data.result;
        }
        break;
      }
      if (stop.stop_requested()) {
        stopped = true;
        break;
      }
      // 1 s bounds the poll even if a wakeup were lost; the stop check above runs after it.
      curl_multi_poll(m, nullptr, 0, 1000, nullptr);
    }
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  curl_multi_remove_handle(m, c);
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(c);
  curl_multi_cleanup(m);
  if (stopped) return Unavailable(what + ": stopped");
  if (!sink.abort.ok()) return sink.abort.WithContext(what);
  if (sink.overflow) {
    return ResourceExhausted(what + ": body over " + std::to_string(req.max_body) + " bytes");
  }
  if (rc != CURLE_OK) {
    Code code = rc == CURLE_OPERATION_TIMEDOUT ? Code::kDeadlineExceeded : Code::kUnavailable;
    return Status(code, what + ": " + curl_easy_strerror(rc));
  }
  return resp;
}

bool SleepFor(std::stop_token stop, Duration d) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace vs::kv
