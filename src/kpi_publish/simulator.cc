#include "kpi_publish/simulator.h"

#include <fmt/format.h>

#include <cmath>

namespace vs::kpi_publish {

namespace {

// Counter order; rx first, as VOLTHA's PON metrics list them.
constexpr const char* kCounters[DeviceSimulator::kCountersPerPort] = {
    "rx_packets", "rx_bytes", "rx_mcast_packets", "rx_bcast_packets", "rx_error_packets",
    "tx_packets", "tx_bytes", "tx_mcast_packets", "tx_bcast_packets", "tx_error_packets"};

}  // namespace

DeviceSimulator::DeviceSimulator(int devices, double start, uint64_t seed) : rng_(seed) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int d = 0; d < devices; ++d) {
    Device dev;
    dev.last = start;
    // Ids shaped like VOLTHA's: 16 hex digits, the logical id sharing the device's suffix.
    uint64_t suffix = (rng_() & 0xFFFFFFFFFFull) | 1;
    std::string device_id = fmt::format("0001{:012x}", suffix);
    std::string logical_id = fmt::format("0000{:012x}", suffix ^ 0x5A5A5A5Aull);
    std::string serial = fmt::format("SIMOLT{:08d}", d + 1);
    struct PortSpec {
      const char* title;
      const char* port_no;
      double pps;
    };
    const PortSpec specs[kPortsPerDevice] = {{"NNI", "65536", 200000},
                                             {"PON", "1", 60000},
                                             {"PON", "2", 60000},
                                             {"Ethernet", "1", 5000},
                                             {"Ethernet", "2", 5000}};
    for (const PortSpec& s : specs) {
      Port p;
      p.meta.title = s.title;
      p.meta.logical_device_id = logical_id;
      p.meta.device_id = device_id;
      p.meta.serial_no = serial;
      p.meta.context = {{"port_no", s.port_no}};
      p.base_pps = s.pps * (0.5 + unit(rng_));
      p.phase = unit(rng_) * 2 * M_PI;
      // Start from a plausible uptime's worth of traffic rather than zero.
      double uptime = 3600 * (1 + 100 * unit(rng_));
      for (int dir = 0; dir < 2; ++dir) {
        auto pkts = static_cast<uint64_t>(p.base_pps * uptime * (dir == 0 ? 1.0 : 0.8));
        uint64_t* c = p.c + static_cast<ptrdiff_t>(dir) * 5;
        c[0] = pkts;
        c[1] = pkts * 600;
        c[2] = pkts / 50;
        c[3] = pkts / 200;
        c[4] = pkts / 1000000;
      }
      dev.ports.push_back(std::move(p));
    }
    devices_.push_back(std::move(dev));
  }
}

void DeviceSimulator::DeviceSamples(size_t i, double now, double ts,
                                    std::vector<kpi::Sample>* out) {
  Device& dev = devices_[i];
  double dt = now - dev.last;
  if (dt < 0) dt = 0;
  dev.last = std::max(dev.last, now);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (Port& p : dev.ports) {
    // A slow daily-like swing between 20% and 100% of the base rate, with +-10% noise.
    double swing = 0.6 + 0.4 * std::sin(2 * M_PI * now / 86400.0 + p.phase);
    for (int dir = 0; dir < 2; ++dir) {
      double pps = p.base_pps * swing * (0.9 + 0.2 * unit(rng_)) * (dir == 0 ? 1.0 : 0.8);
      auto pkts = static_cast<uint64_t>(pps * dt);
      double frame = 64 + unit(rng_) * (1518 - 64);
      uint64_t* c = p.c + static_cast<ptrdiff_t>(dir) * 5;
      c[0] += pkts;
      c[1] += static_cast<uint64_t>(static_cast<double>(pkts) * frame);
      c[2] += pkts / 50;
      c[3] += pkts / 200;
      // About one error per million packets.
      if (unit(rng_) < static_cast<double>(pkts) * 1e-6) c[4] += 1;
    }
    for (int k = 0; k < kCountersPerPort; ++k) {
      out->push_back(kpi::MakeDeviceSample(p.meta, kCounters[k], static_cast<double>(p.c[k]), ts));
    }
  }
}

}  // namespace vs::kpi_publish
