// Simulated OLT devices for demos and load tests (--simulate-devices N): each device has one
// NNI port, two PON ports and two Ethernet (UNI) ports, each with monotonic packet, byte,
// multicast, broadcast and error counters, published as KpiEvent2 samples with the device's
// logical and physical ids, serial number and context {"port_no": "<n>"} (DESIGN.md 2.1).
// Traffic: every port has its own base packet rate (NNI > PON > Ethernet), a slow daily-like
// swing and random noise; bytes grow with a per-step mean frame size of 64..1518 bytes; errors
// are rare. Counters never decrease. Deterministic for a given seed and call sequence.
// Threads: not thread-safe; one caller.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kpi/sample.h"

namespace vs::kpi_publish {

class DeviceSimulator {
 public:
  // `start` is the simulated time (seconds) at which every counter begins.
  DeviceSimulator(int devices, double start, uint64_t seed = 1);
  size_t size() const { return devices_.size(); }
  static constexpr int kPortsPerDevice = 5;
  static constexpr int kCountersPerPort = 10;
  // Advances device `i`'s counters to time `now` (never backwards) and appends its
  // kPortsPerDevice * kCountersPerPort samples stamped `ts`.
  void DeviceSamples(size_t i, double now, double ts, std::vector<kpi::Sample>* out);

 private:
  struct Port {
    kpi::DeviceMeta meta;
    double base_pps = 0;  // packets per second
    double phase = 0;
    uint64_t c[kCountersPerPort] = {};
  };
  struct Device {
    std::vector<Port> ports;
    double last = 0;
  };
  std::vector<Device> devices_;
  std::mt19937_64 rng_;
};

}  // namespace vs::kpi_publish
