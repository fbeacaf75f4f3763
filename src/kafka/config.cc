#include "kafka/config.h"

#include <fmt/format.h>

#include <fstream>

namespace vs::kafka {

static std::string Trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

StatusOr<std::pair<std::string, std::string>> ParseProperty(const std::string& s) {
  auto eq = s.find('=');
  if (eq == std::string::npos || Trim(s.substr(0, eq)).empty()) {
    return InvalidArgument("expected key=value, got '" + s + "'");
  }
  return std::make_pair(Trim(s.substr(0, eq)), Trim(s.substr(eq + 1)));
}

StatusOr<Properties> ReadPropertiesFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read kafka config file " + path);
  Properties props;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto kv = ParseProperty(t);
    if (!kv.ok()) return kv.status().WithContext(fmt::format("{}:{}", path, n));
    props.push_back(*kv);
  }
  return props;
}

StatusOr<ConfPtr> BuildConf(const Properties& props) {
  ConfPtr conf(rd_kafka_conf_new());
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      return InvalidArgument(fmt::format("kafka property {}: {}", k, err));
    }
  }
  return conf;
}

StatusOr<Properties> CollectProperties(const Properties& defaults, const ClientOptions& o) {
  Properties props = defaults;
  if (!o.config_file.empty()) {
    auto file = ReadPropertiesFile(o.config_file);
    if (!file.ok()) return file.status();
    props.insert(props.end(), file->begin(), file->end());
  }
  for (const auto& s : o.opts) {
    auto kv = ParseProperty(s);
    if (!kv.ok()) return kv.status().WithContext("--kafka-opt");
    props.push_back(*kv);
  }
  if (!o.bootstrap.empty()) props.emplace_back("bootstrap.servers", o.bootstrap);
  return props;
}

}  // namespace vs::kafka
