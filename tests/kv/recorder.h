// Test helper: runs a Watcher on its own thread and records what it reports. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "kv/watcher.h"

namespace vs::kv::testing {

class Recorder {
 public:
  // `gate` (optional) runs inside on_value before the observation is recorded, on the
  // watcher's thread: a test can hold the watcher there.
  explicit Recorder(Watcher* w, std::function<void(const Observation&)> gate = {})
      : gate_(std::move(gate)), thread_([this, w](std::stop_token st) {
          w->Run(
              st,
              [this](const Observation& o) {
                if (gate_) gate_(o);
                std::lock_guard lock(mu_);
                values_.push_back(o);
              },
              [this](const Status& s) {
                std::lock_guard lock(mu_);
                errors_.push_back(s);
              });
        }) {}
  ~Recorder() { Stop(); }

  // Requests the stop and joins; returns how long Run took to return.
  std::chrono::milliseconds Stop() {
    auto t0 = std::chrono::steady_clock::now();
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t0);
  }
  std::vector<Observation> values() const {
    std::lock_guard lock(mu_);
    return values_;
  }
  std::vector<Status> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }
  std::optional<Observation> last() const {
    std::lock_guard lock(mu_);
    if (values_.empty()) return std::nullopt;
    return values_.back();
  }
  // True when the last observation is (exists, value).
  bool LastIs(bool exists, const std::string& value = "") const {
    auto l = last();
    return l && l->exists == exists && (!exists || l->value == value);
  }

 private:
  mutable std::mutex mu_;
  std::vector<Observation> values_;
  std::vector<Status> errors_;
  std::function<void(const Observation&)> gate_;
  std::jthread thread_;  // last: starts after everything above exists
};

}  // namespace vs::kv::testing
