// graphite-web (Debian package, Django) serving the render API over a whisper directory, for
// integration tests and tools: `django-admin runserver --noreload` on 127.0.0.1:<free port>
// with a generated settings module (SECRET_KEY, storage, index and log dirs in a temp dir,
// tags off, carbonlink off unless a carbon-cache query port is given). No database migration
// is needed for /render.
//
// Failure: methods return vs::Status; Start gives Unavailable with the end of the server's log
// when it does not answer in time. The destructor stops the server and removes its temp dir.
// Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "test_common/subprocess.h"

namespace vs::testing {

struct GraphiteWebOptions {
  std::string whisper_dir;       // required: e.g. CarbonCache::whisper_dir()
  uint16_t carbonlink_port = 0;  // carbon-cache CACHE_QUERY_PORT to see unwritten points
};

class GraphiteWeb {
 public:
  explicit GraphiteWeb(GraphiteWebOptions options);
  ~GraphiteWeb();
  GraphiteWeb(const GraphiteWeb&) = delete;
  GraphiteWeb& operator=(const GraphiteWeb&) = delete;

  // Starts the server and waits (bounded) until /render answers.
  Status Start(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  void Stop();
  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return dir_.File("graphite-web.log"); }

  // GET /render?<query> (query already URL-encoded); the body of a 200, an error otherwise.
  StatusOr<std::string> Render(const std::string& query) const;
  // A PNG graph of `target` over [from, until] (epoch seconds).
  StatusOr<std::string> RenderPng(const std::string& target, int64_t from, int64_t until,
                                  int width = 800, int height = 400) const;
  // The JSON render of `target` over [from, until]: [{"target":..,"datapoints":[[v,t],..]}].
  StatusOr<std::string> RenderJson(const std::string& target, int64_t from, int64_t until) const;

 private:
  GraphiteWebOptions options_;
  TempDir dir_;
  uint16_t port_ = 0;
  Subprocess proc_;
};

// True when `data` starts with the PNG signature.
bool IsPng(const std::string& data);

// Percent-encodes a query parameter value.
std::string UrlEncode(const std::string& s);

}  // namespace vs::testing
