#include "test_common/graphite_web.h"

#include <unistd.h>

#include <filesystem>

#include "common/http_client.h"
#include "common/net.h"

namespace vs::testing {
namespace {

constexpr char kPython[] = "/usr/bin/python3";  // Debian's, where graphite-web is installed
constexpr char kDjangoAdmin[] = "/usr/bin/django-admin";

// A Python string literal for a path (paths here hold no quotes or backslashes, but be safe).
std::string PyStr(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

bool IsPng(const std::string& data) {
  return data.size() >= 8 && data.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

std::string UrlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

GraphiteWeb::GraphiteWeb(GraphiteWebOptions options) : options_(std::move(options)) {}

GraphiteWeb::~GraphiteWeb() { Stop(); }

Status GraphiteWeb::Start(std::chrono::milliseconds timeout) {
  if (proc_.running()) return OkStatus();
  if (access(kDjangoAdmin, X_OK) != 0) {
    return NotFound(std::string(kDjangoAdmin) + " missing: run scripts/install-deps.sh");
  }
  if (options_.whisper_dir.empty()) return InvalidArgument("graphite-web: no whisper dir");
  std::error_code ec;
  std::filesystem::create_directories(dir_.File("py"), ec);
  std::filesystem::create_directories(dir_.File("log"), ec);
  auto port = FreeLoopbackPort();
  if (!port.ok()) return port.status();
  port_ = *port;
  std::string whisper = options_.whisper_dir;
  if (whisper.back() != '/') whisper += '/';
  std::string carbonlink = options_.carbonlink_port
                               ? "['127.0.0.1:" + std::to_string(options_.carbonlink_port) + "']"
                               : "[]";
  // graphite.settings imports this module (GRAPHITE_SETTINGS_MODULE) and derives nothing we
  // set here, so every path points into our temp dir.
  WriteFile(dir_.File("py/vs_graphite_local.py"),
            "SECRET_KEY = 'vs-test-only-not-secret'\n"
            "GRAPHITE_ROOT = '/usr/share/graphite-web'\n"
            "STATIC_ROOT = '/usr/share/graphite-web/static'\n"
            "CONF_DIR = " +
                PyStr(dir_.path()) +
                "\n"
                "STORAGE_DIR = " +
                PyStr(dir_.path()) +
                "\n"
                "LOG_DIR = " +
                PyStr(dir_.File("log")) +
                "\n"
                "INDEX_FILE = " +
                PyStr(dir_.File("index")) +
                "\n"
                "WHISPER_DIR = " +
                PyStr(whisper) +
                "\n"
                "STANDARD_DIRS = [" +
                PyStr(whisper) +
                "]\n"
                "CARBONLINK_HOSTS = " +
                carbonlink +
                "\n"
                "TAGDB = ''\n"
                "ALLOWED_HOSTS = ['127.0.0.1', 'localhost']\n"
                "DATABASES = {'default': {'NAME': " +
                PyStr(dir_.File("graphite.db")) +
                ", 'ENGINE': 'django.db.backends.sqlite3'}}\n"
                "FUNCTION_PLUGINS = []\n"
                "DEFAULT_XFILES_FACTOR = 0\n"
                "SILENCED_SYSTEM_CHECKS = ['models.W042']\n");
  std::vector<std::string> argv = {kPython, kDjangoAdmin, "runserver", "--noreload",
                                   "127.0.0.1:" + std::to_string(port_)};
  std::vector<std::string> env = {"PYTHONPATH=" + dir_.File("py"),
                                  "GRAPHITE_SETTINGS_MODULE=vs_graphite_local",
                                  "DJANGO_SETTINGS_MODULE=graphite.settings",
                                  "PYTHONWARNINGS=ignore", "PYTHONDONTWRITEBYTECODE=1"};
  if (!proc_.Start(argv, log_path(), env)) return Internal("fork graphite-web");
  bool up = WaitFor(
      [this] {
        if (!proc_.running()) return true;
        HttpRequest req;
        req.url = url() + "/render?target=none&format=json";
        req.timeout = std::chrono::seconds(5);
        auto r = HttpCall(req);
        return r.ok() && r->status == 200;
      },
      timeout, std::chrono::milliseconds(100));
  if (up && proc_.running()) return OkStatus();
  proc_.Stop(std::chrono::seconds(5));
  std::string log = ReadFile(log_path());
  if (log.size() > 2000) log = log.substr(log.size() - 2000);
  return Unavailable("graphite-web on " + url() + " did not come up:\n" + log);
}

void GraphiteWeb::Stop() {
  if (proc_.running()) proc_.Stop(std::chrono::seconds(10));
}

StatusOr<std::string> GraphiteWeb::Render(const std::string& query) const {
  HttpRequest req;
  req.url = url() + "/render?" + query;
  req.timeout = std::chrono::seconds(30);
  auto r = HttpCall(req);
  if (!r.ok()) return r.status().WithContext("graphite-web " + req.url);
  if (r->status != 200) {
    return Internal("graphite-web " + req.url + ": HTTP " + std::to_string(r->status) + ": " +
                    r->body.substr(0, 500));
  }
  return std::move(r->body);
}

StatusOr<std::string> GraphiteWeb::RenderPng(const std::string& target, int64_t from, int64_t until,
                                             int width, int height) const {
  return Render("target=" + UrlEncode(target) + "&format=png&from=" + std::to_string(from) +
                "&until=" + std::to_string(until) + "&width=" + std::to_string(width) +
                "&height=" + std::to_string(height));
}

StatusOr<std::string> GraphiteWeb::RenderJson(const std::string& target, int64_t from,
                                              int64_t until) const {
  return Render("target=" + UrlEncode(target) + "&format=json&from=" + std::to_string(from) +
                "&until=" + std::to_string(until));
}

}  // namespace vs::testing
