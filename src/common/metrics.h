// A small Prometheus metrics registry. Counters and gauges are lock-free to update from any
// thread; registration and Render() take a mutex. Pointers returned stay valid for the
// registry's lifetime. Label strings are given pre-formatted: R"(reason="bad_json")".
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace vs {

class Counter {
 public:
  void Inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Set(double v) { v_.store(v, std::memory_order_relaxed); }
  void Add(double d);
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Registry {
 public:
  // Same name+labels returns the same metric. `help` of the first registration wins.
  Counter* GetCounter(const std::string& name, const std::string& help,
                      const std::string& labels = "");
  Gauge* GetGauge(const std::string& name, const std::string& help, const std::string& labels = "");
  // A gauge computed at render time (called under the registry mutex, from the admin thread).
  void AddCallbackGauge(const std::string& name, const std::string& help,
                        std::function<double()> fn, const std::string& labels = "");
  // Prometheus text exposition format 0.0.4.
  std::string Render() const;
  // Value of a counter or gauge by name and labels; -1 when unknown. For tests and summaries.
  double Value(const std::string& name, const std::string& labels = "") const;

 private:
  struct Entry {
    std::string labels;
    Counter* counter = nullptr;
    Gauge* gauge = nullptr;
    std::function<double()> fn;
  };
  struct Family {
    std::string help;
    const char* type;
    std::vector<Entry> entries;
  };
  Entry* Find(const std::string& name, const std::string& labels);
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
};

}  // namespace vs
