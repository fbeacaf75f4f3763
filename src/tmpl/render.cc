// `envoyd render TEMPLATE DATA.json`: renders a template file against a JSON data file.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "tmpl/template.h"

namespace vs::tmpl {
namespace {

bool ReadAll(const char* path, std::string* out, std::string* err) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    *err = std::string("open ") + path + ": " + std::strerror(errno);
    return false;
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  bool ok = !std::ferror(f);
  std::fclose(f);
  if (!ok) *err = std::string("read ") + path + ": " + std::strerror(errno);
  return ok;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int RenderCommand(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: envoyd render TEMPLATE DATA.json\n");
    return 2;
  }
  std::string text, json, err;
  if (!ReadAll(argv[0], &text, &err) || !ReadAll(argv[1], &json, &err)) {
    std::fprintf(stderr, "render: %s\n", err.c_str());
    return 1;
  }
  size_t at = 0;
  StatusOr<Value> data = ParseJson(json, &at);
  if (!data.ok()) {
    // Go's message, with where it is for the operator.
    int line = 1, col = 1;
    for (size_t i = 0; i < at && i < json.size(); ++i) {
      if (json[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::fprintf(stderr, "render: %s:%d:%d: %s\n", argv[1], line, col,
                 data.status().message().c_str());
    return 1;
  }
  StatusOr<Template> t = Template::Parse(BaseName(argv[0]), text);
  if (!t.ok()) {
    std::fprintf(stderr, "render: %s\n", t.status().message().c_str());
    return 1;
  }
  std::string out;
  if (Status st = t->Execute(*data, &out); !st.ok()) {
    std::fprintf(stderr, "render: %s\n", st.message().c_str());
    return 1;
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "render: write stdout: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}

}  // namespace vs::tmpl
