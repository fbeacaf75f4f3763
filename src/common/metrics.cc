#include "common/metrics.h"

#include <fmt/format.h>

namespace vs {

void Gauge::Add(double d) {
  double cur = v_.load(std::memory_order_relaxed);
  while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

Registry::Entry* Registry::Find(const std::string& name, const std::string& labels) {
  auto it = families_.find(name);
  if (it == families_.end()) return nullptr;
  for (auto& e : it->second.entries) {
    if (e.labels == labels) return &e;
  }
  return nullptr;
}

Counter* Registry::GetCounter(const std::string& name, const std::string& help,
                              const std::string& labels) {
  std::lock_guard lock(mu_);
  if (Entry* e = Find(name, labels); e && e->counter) return e->counter;
  Family& f = families_[name];
  if (f.help.empty()) f = Family{help, "counter", {}};
  counters_.emplace_back();
  f.entries.push_back(Entry{labels, &counters_.back(), nullptr, {}});
  return &counters_.back();
}

Gauge* Registry::GetGauge(const std::string& name, const std::string& help,
                          const std::string& labels) {
  std::lock_guard lock(mu_);
  if (Entry* e = Find(name, labels); e && e->gauge) return e->gauge;
  Family& f = families_[name];
  if (f.help.empty()) f = Family{help, "gauge", {}};
  gauges_.emplace_back();
  f.entries.push_back(Entry{labels, nullptr, &gauges_.back(), {}});
  return &gauges_.back();
}

void Registry::AddCallbackGauge(const std::string& name, const std::string& help,
                                std::function<double()> fn, const std::string& labels) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  if (f.help.empty()) f = Family{help, "gauge", {}};
  f.entries.push_back(Entry{labels, nullptr, nullptr, std::move(fn)});
}

static std::string FormatValue(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 9e15 && v > -9e15) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  return fmt::format("{}", v);
}

std::string Registry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
    for (const auto& e : f.entries) {
      double v = e.counter ? static_cast<double>(e.counter->value())
                 : e.gauge ? e.gauge->value()
                           : e.fn();
      if (e.labels.empty()) {
        out += fmt::format("{} {}\n", name, FormatValue(v));
      } else {
        out += fmt::format("{}{{{}}} {}\n", name, e.labels, FormatValue(v));
      }
    }
  }
  return out;
}

double Registry::Value(const std::string& name, const std::string& labels) const {
  std::lock_guard lock(mu_);
  auto* self = const_cast<Registry*>(this);
  const Entry* e = self->Find(name, labels);
  if (!e) return -1;
  if (e->counter) return static_cast<double>(e->counter->value());
  if (e->gauge) return e->gauge->value();
  return e->fn();
}

}  // namespace vs
