// latency: end-to-end latency from a Kafka produce call to the datapoint's arrival at carbon.
// Listens as a carbon pickle receiver (port written to PORT_FILE), waits for shovel to connect,
// then produces RATE datapoints/s (10 per seed-shape message) for SECONDS; each value is the
// send time in ms since the epoch, so on arrival latency = now - value. Prints p50/p99/max.
//   latency BOOTSTRAP TOPIC PORT_FILE RATE SECONDS [WARMUP_S=6]
// WARMUP_S after shovel connects, so its consumer group join (~3 s) is not measured.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

double NowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double BigEndianDouble(const uint8_t* p) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

struct Sample {
  double sent_ms;
  double latency_ms;
};

// Walks shovel's pickle frame layout (DESIGN.md 2.2) and appends (value, now - value) per point.
void Collect(const uint8_t* p, size_t n, double now, std::vector<Sample>* lat) {
  size_t i = 4;  // 80 02 5d 28
  while (i < n && p[i] == 'X') {
    uint32_t len;
    std::memcpy(&len, p + i + 1, 4);
    i += 5 + len;
    i += p[i] == 'J' ? 5 : 9;  // timestamp
    if (p[i] == 'G') {
      double sent = BigEndianDouble(p + i + 1);
      lat->push_back({sent, now - sent});
    }
    i += p[i] == 'J' ? 5 : 9;  // value
    i += 2;                    // 86 86
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: latency BOOTSTRAP TOPIC PORT_FILE RATE SECONDS [WARMUP_S]\n");
    return 2;
  }
  double rate = std::atof(argv[4]);
  double seconds = std::atof(argv[5]);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof(a);
  bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  listen(lfd, 4);
  getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &alen);
  std::ofstream(std::string(argv[3]) + ".tmp") << ntohs(a.sin_port) << "\n";
  std::rename((std::string(argv[3]) + ".tmp").c_str(), argv[3]);
  int cfd = accept(lfd, nullptr, nullptr);
  std::this_thread::sleep_for(std::chrono::duration<double>(argc > 6 ? std::atof(argv[6]) : 6));

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof(err));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  // LAT_WARMUP (experiment): none, metadata (look the topic up first) or message (one message
  // delivered before measuring).
  std::string warmup = std::getenv("LAT_WARMUP") ? std::getenv("LAT_WARMUP") : "metadata";
  double t0 = NowMs();
  if (warmup == "metadata") {
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, argv[2], nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_metadata(rk, 0, t, &md, 10000);
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
  } else if (warmup == "message") {
    std::string w = R"({"type":"slice","ts":1700000000,"data":{"lat.warm":{"m":1}}})";
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_VALUE(w.data(), w.size()),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    rd_kafka_flush(rk, 10000);
  }
  std::fprintf(stderr, "warm-up %s: %.1f ms\n", warmup.c_str(), NowMs() - t0);
  std::vector<Sample> lat;
  std::thread producer([&] {
    auto start = std::chrono::steady_clock::now();
    long msgs = static_cast<long>(rate / 10 * seconds);
    for (long m = 0; m < msgs; ++m) {
      std::this_thread::sleep_until(start + std::chrono::duration<double>(m * 10 / rate));
      std::string msg = fmt::format(R"({{"type":"slice","ts":{},"data":{{"lat.d{}":{{)",
                                    1700000000 + m % 86400, m % 50);
      double now = NowMs();
      for (int k = 0; k < 10; ++k) msg += fmt::format(R"({}"m{}":{:.3f})", k ? "," : "", k, now);
      msg += "}}}";
      rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_VALUE(msg.data(), msg.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 10000);
  });
  std::string buf;
  std::vector<char> rb(1 << 20);
  size_t expected = static_cast<size_t>(rate * seconds);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds + 30);
  while (lat.size() < expected && std::chrono::steady_clock::now() < deadline) {
    pollfd p{cfd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t r = read(cfd, rb.data(), rb.size());
    if (r <= 0) break;
    double now = NowMs();
    buf.append(rb.data(), static_cast<size_t>(r));
    size_t off = 0;
    while (buf.size() - off >= 4) {
      uint32_t flen = (uint8_t(buf[off]) << 24) | (uint8_t(buf[off + 1]) << 16) |
                      (uint8_t(buf[off + 2]) << 8) | uint8_t(buf[off + 3]);
      if (buf.size() - off - 4 < flen) break;
      Collect(reinterpret_cast<const uint8_t*>(buf.data() + off + 4), flen, now, &lat);
      off += 4 + flen;
    }
    buf.erase(0, off);
  }
  producer.join();
  rd_kafka_destroy(rk);
  if (lat.empty()) {
    std::fprintf(stderr, "latency: nothing received\n");
    return 1;
  }
  // Where the slow datapoints were sent, in 100 ms buckets from the first send: tells a
  // start-up effect (first buckets) from periodic stalls.
  double first = lat.front().sent_ms;
  for (const auto& s : lat) first = std::min(first, s.sent_ms);
  std::vector<std::pair<long, std::pair<int, double>>> slow;  // bucket -> (count, max)
  for (const auto& s : lat) {
    if (s.latency_ms <= 100) continue;
    long b = static_cast<long>((s.sent_ms - first) / 100);
    if (slow.empty() || slow.back().first != b) slow.push_back({b, {0, 0}});
    slow.back().second.first++;
    slow.back().second.second = std::max(slow.back().second.second, s.latency_ms);
  }
  for (size_t i = 0; i < slow.size() && i < 40; ++i) {
    std::printf("slow: sent at +%.1f s: %d datapoints over 100 ms, max %.1f ms\n",
                slow[i].first / 10.0, slow[i].second.first, slow[i].second.second);
  }
  std::vector<double> ms;
  for (const auto& s : lat) ms.push_back(s.latency_ms);
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  std::printf("datapoints=%zu/%zu p50=%.1fms p99=%.1fms max=%.1fms\n", ms.size(), expected,
              pct(0.50), pct(0.99), ms.back());
  return lat.size() == expected ? 0 : 3;
}
