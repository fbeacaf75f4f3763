#include "envoyd/flags.h"

#include <charconv>
#include <functional>
#include <map>

namespace vs::envoyd {
namespace {

enum class Kind { kBool, kValue };

struct Flag {
  Kind kind;
  std::string help;
  std::function<Status(Options*, const std::string&)> set;
};

Status SetInt(const std::string& name, const std::string& v, int* out, int min, int max) {
  int x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || x < min || x > max) {
    return InvalidArgument("-" + name + ": invalid value '" + v + "' (an integer in [" +
                           std::to_string(min) + ", " + std::to_string(max) + "])");
  }
  *out = x;
  return OkStatus();
}

Status SetBool(const std::string& name, const std::string& v, bool* out) {
  if (v == "" || v == "true" || v == "1" || v == "t" || v == "TRUE" || v == "True") {
    *out = true;
  } else if (v == "false" || v == "0" || v == "f" || v == "FALSE" || v == "False") {
    *out = false;
  } else {
    return InvalidArgument("-" + name + ": invalid boolean '" + v + "'");
  }
  return OkStatus();
}

Status SetPortString(const std::string& name, const std::string& v, std::string* out) {
  int p = 0;
  Status st = SetInt(name, v, &p, 1, 65535);
  if (st.ok()) *out = v;
  return st;
}

using Table = std::map<std::string, Flag>;

const Table& Flags() {
  static const Table* t = [] {
    auto* m = new Table;
    auto str = [m](const char* name, std::string Options::*field, const char* help) {
      (*m)[name] = {Kind::kValue, help, [field](Options* o, const std::string& v) {
                      o->*field = v;
                      return OkStatus();
                    }};
    };
    auto num = [m](const char* name, int Options::*field, int min, int max, const char* help) {
      std::string n = name;
      (*m)[name] = {Kind::kValue, help, [=](Options* o, const std::string& v) {
                      return SetInt(n, v, &(o->*field), min, max);
                    }};
    };
    auto boolean = [m](const char* name, bool Options::*field, const char* help) {
      std::string n = name;
      (*m)[name] = {Kind::kBool, help,
                    [=](Options* o, const std::string& v) { return SetBool(n, v, &(o->*field)); }};
    };
    auto port = [m](const char* name, std::string Options::*field, const char* help) {
      std::string n = name;
      (*m)[name] = {Kind::kValue, help, [=](Options* o, const std::string& v) {
                      return SetPortString(n, v, &(o->*field));
                    }};
    };
    auto dur = [m](const char* name, Duration Options::*field, const char* help) {
      std::string n = name;
      (*m)[name] = {Kind::kValue, help, [=](Options* o, const std::string& v) -> Status {
                      auto d = ParseDuration(v);
                      if (!d.ok()) return d.status().WithContext("-" + n);
                      o->*field = *d;
                      return OkStatus();
                    }};
    };
    auto ignored = [m](const char* name, const char* help) {
      (*m)[name] = {Kind::kValue, help, [](Options*, const std::string&) { return OkStatus(); }};
    };
    str("assignment-key", &Options::assignment_key, "the key watched");
    str("kv", &Options::kv, "store: consul, etcd or file");
    str("kv-svc-name", &Options::kv_svc_name,
        "DNS name or IP of the store (resolved with retries)");
    num("kv-port", &Options::kv_port, 1, 65535, "the store's port");
    str("kv-address", &Options::kv_address, "host:port of the store (instead of -kv-svc-name)");
    str("kv-file", &Options::kv_file, "-kv file: the JSON file holding the assignment");
    str("kv-token-file", &Options::kv_token_file,
        "file holding the Consul token (else $CONSUL_HTTP_TOKEN)");
    str("kv-ca-file", &Options::kv_ca_file, "CA bundle for TLS to the store");
    str("kv-cert-file", &Options::kv_cert_file, "client certificate for TLS to the store");
    str("kv-key-file", &Options::kv_key_file, "client key for TLS to the store");
    boolean("kv-tls", &Options::kv_tls, "use https to the store");
    ignored("consul-svc-nme", "accepted and ignored (older name)");
    ignored("consul-port", "accepted and ignored (older name)");
    str("vcore-svc-name", &Options::vcore_svc_name, "DNS name of the cores (VolthaVip)");
    num("vcore-port", &Options::vcore_port, 1, 65535, "the cores' gRPC port");
    str("envoy-cfg-template", &Options::envoy_cfg_template, "the template");
    str("envoy-cfg-template-no-http", &Options::envoy_cfg_template_no_http,
        "template used with -disable-http");
    str("envoy-cfg-template-no-https", &Options::envoy_cfg_template_no_https,
        "template used with -disable-https");
    boolean("disable-http", &Options::disable_http, "use -envoy-cfg-template-no-http");
    boolean("disable-https", &Options::disable_https, "use -envoy-cfg-template-no-https");
    str("envoy-config", &Options::envoy_config, "the rendered file Envoy reads");
    port("http-port", &Options::http_port, "template variable HttpPort");
    port("https-port", &Options::https_port, "template variable HttpsPort");
    port("grpc-port", &Options::grpc_port, "template variable GrpcPort");
    num("retries", &Options::retries, 0, 1000000, "retry pacing for lookups and reads");
    num("wait-time", &Options::wait_time_s, 0, 3600, "seconds between retries (initial backoff)");
    str("mode", &Options::mode, "restart, eds, command or none");
    (*m)["wait"] = {
        Kind::kValue, "quiescence min:max (e.g. 2s:10s); off by default",
        [](Options* o, const std::string& v) { return ParseWait(v, &o->wait_min, &o->wait_max); }};
    (*m)["validate-cmd"] = {Kind::kValue,
                            "command validating the staged file ({} = its path); \"\" disables",
                            [](Options* o, const std::string& v) {
                              o->validate_cmd = v;
                              o->validate_cmd_set = true;
                              return OkStatus();
                            }};
    str("reload-cmd", &Options::reload_cmd, "command mode: run after each write (no shell)");
    (*m)["reload-arg"] = {Kind::kValue, "command mode: one argv word (repeatable)",
                          [](Options* o, const std::string& v) {
                            o->reload_args.push_back(v);
                            return OkStatus();
                          }};
    dur("command-timeout", &Options::command_timeout, "bound on validate/reload commands");
    boolean("keep-backup", &Options::keep_backup, "keep the previous file as .bak");
    str("envoy-bin", &Options::envoy_bin, "Envoy binary (default: envoy on PATH)");
    str("envoy-admin", &Options::envoy_admin,
        "host:port of Envoy's admin: an epoch is up when /ready says LIVE");
    num("base-id", &Options::base_id, 0, 1 << 30, "Envoy --base-id");
    num("drain-time-s", &Options::drain_time_s, 0, 86400, "Envoy --drain-time-s");
    num("parent-shutdown-time-s", &Options::parent_shutdown_time_s, 0, 86400,
        "Envoy --parent-shutdown-time-s");
    (*m)["envoy-arg"] = {Kind::kValue, "extra Envoy argument (repeatable)",
                         [](Options* o, const std::string& v) {
                           o->envoy_args.push_back(v);
                           return OkStatus();
                         }};
    dur("epoch-grace", &Options::epoch_grace, "without -envoy-admin: alive this long = up");
    dur("epoch-timeout", &Options::epoch_timeout,
        "an epoch not up by then (e.g. never LIVE) is killed: a failed restart, retried");
    dur("shutdown-timeout", &Options::shutdown_timeout, "graceful stop bound, then SIGKILL");
    str("eds-file", &Options::eds_file, "eds mode: the EDS file (default next to -envoy-config)");
    str("eds-cluster", &Options::eds_cluster, "eds mode: cluster_name of the assignment");
    str("admin", &Options::admin, "host:port for /healthz /readyz /metrics /config; off if empty");
    str("log-level", &Options::log_level, "trace, debug, info, warn, error");
    boolean("help", &Options::help, "this text");
    boolean("h", &Options::help, "this text");
    boolean("version", &Options::version, "print the version");
    return m;
  }();
  return *t;
}

}  // namespace

StatusOr<Duration> ParseDuration(const std::string& s) {
  if (s.empty()) return InvalidArgument("empty duration");
  double plain = 0;
  auto [pe, pec] = std::from_chars(s.data(), s.data() + s.size(), plain);
  if (pec == std::errc() && pe == s.data() + s.size()) {
    if (plain < 0) return InvalidArgument("negative duration '" + s + "'");
    return Seconds(plain);
  }
  double total = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  while (p < end) {
    double v = 0;
    auto [q, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || v < 0) return InvalidArgument("invalid duration '" + s + "'");
    p = q;
    std::string unit;
    while (p < end && ((*p >= 'a' && *p <= 'z') || *p == 'u')) unit.push_back(*p++);
    double mult;
    if (unit == "ns")
      mult = 1e-9;
    else if (unit == "us")
      mult = 1e-6;
    else if (unit == "ms")
      mult = 1e-3;
    else if (unit == "s")
      mult = 1;
    else if (unit == "m")
      mult = 60;
    else if (unit == "h")
      mult = 3600;
    else
      return InvalidArgument("invalid duration unit in '" + s + "'");
    total += v * mult;
  }
  return Seconds(total);
}

Status ParseWait(const std::string& s, Duration* min, Duration* max) {
  auto colon = s.find(':');
  auto lo = ParseDuration(s.substr(0, colon));
  if (!lo.ok()) return lo.status().WithContext("-wait");
  Duration hi = *lo * 4;
  if (colon != std::string::npos) {
    auto h = ParseDuration(s.substr(colon + 1));
    if (!h.ok()) return h.status().WithContext("-wait");
    hi = *h;
  }
  if (hi < *lo) return InvalidArgument("-wait: max is below min in '" + s + "'");
  *min = *lo;
  *max = hi;
  return OkStatus();
}

StatusOr<Options> ParseFlags(int argc, const char* const* argv) {
  Options o;
  const Table& table = Flags();
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      if (o.subcommand.empty() && o.positional.empty() && arg == "once") {
        o.subcommand = "once";  // Go would stop here; flags after `once` are still parsed
        continue;
      }
      o.positional.push_back(arg);
      flags_done = true;
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    auto it = table.find(name);
    if (it == table.end()) return InvalidArgument("flag provided but not defined: -" + name);
    if (it->second.kind == Kind::kValue && !has_value) {
      if (i + 1 >= argc) return InvalidArgument("flag needs an argument: -" + name);
      value = argv[++i];
    }
    Status st = it->second.set(&o, value);
    if (!st.ok()) return st;
  }
  if (!o.help && !o.version) {
    if (o.kv != "consul" && o.kv != "etcd" && o.kv != "file") {
      return InvalidArgument("-kv: unknown store '" + o.kv + "' (consul, etcd, file)");
    }
    if (o.kv == "file" && o.kv_file.empty()) return InvalidArgument("-kv file needs -kv-file");
    if (o.mode != "restart" && o.mode != "eds" && o.mode != "command" && o.mode != "none") {
      return InvalidArgument("-mode: unknown mode '" + o.mode + "' (restart, eds, command, none)");
    }
    if (o.mode == "command" && o.reload_cmd.empty() && o.reload_args.empty()) {
      return InvalidArgument("-mode command needs -reload-cmd or -reload-arg");
    }
    if (!o.positional.empty()) {
      return InvalidArgument("unexpected argument '" + o.positional[0] + "'");
    }
  }
  return o;
}

std::string ChosenTemplate(const Options& o) {
  if (o.disable_http && !o.disable_https) return o.envoy_cfg_template_no_http;
  if (o.disable_https && !o.disable_http) return o.envoy_cfg_template_no_https;
  return o.envoy_cfg_template;
}

std::string Usage() {
  std::string u =
      "Usage: envoyd [flags]            watch the assignment key and keep Envoy in step\n"
      "       envoyd once [flags]       fetch, render, validate, write, exit\n"
      "       envoyd render TEMPLATE DATA.json\n"
      "Flags take Go syntax: -name value, -name=value, --name value.\n\n";
  for (const auto& [name, f] : Flags()) {
    std::string line = "  -" + name + (f.kind == Kind::kValue ? " value" : "");
    if (line.size() < 34) line.resize(34, ' ');
    u += line + " " + f.help + "\n";
  }
  return u;
}

}  // namespace vs::envoyd
