// CarbonSender against a real loopback TCP peer, with a fake clock for the grace period.
#include "shovel/carbon_sender.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>

#include "test_common/subprocess.h"

namespace vs::shovel {
namespace {

using namespace std::chrono_literals;

// A listening socket on 127.0.0.1 that the test accepts and reads by hand.
class Peer {
 public:
  explicit Peer(uint16_t port = 0) {
    lfd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(listen(lfd_, 8), 0);
    socklen_t len = sizeof(a);
    getsockname(lfd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Peer() {
    CloseConn();
    close(lfd_);
  }
  uint16_t port() const { return port_; }
  bool Accept() {
    pollfd p{lfd_, POLLIN, 0};
    if (poll(&p, 1, 2000) != 1) return false;
    cfd_ = accept(lfd_, nullptr, nullptr);
    return cfd_ >= 0;
  }
  std::string ReadAvailable() {
    std::string out;
    char buf[65536];
    for (;;) {
      pollfd p{cfd_, POLLIN, 0};
      if (poll(&p, 1, 50) != 1) break;
      ssize_t n = read(cfd_, buf, sizeof(buf));
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  void CloseConn() {
    if (cfd_ >= 0) close(cfd_);
    cfd_ = -1;
  }

 private:
  int lfd_ = -1;
  int cfd_ = -1;
  uint16_t port_ = 0;
};

void DriveFor(CarbonSender& s, std::chrono::milliseconds d) {
  auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{s.fd(), s.events(), 0};
    poll(&p, s.fd() >= 0 ? 1 : 0, 5);
    s.Drive(p.revents);
  }
}

SenderOptions Opts(uint16_t port) {
  SenderOptions o;
  o.destination = {"127.0.0.1", port, ""};
  o.protocol = graphite::Protocol::kPlaintext;
  o.grace = 1s;
  o.backoff_initial = 10ms;
  o.backoff_cap = 50ms;
  return o;
}

SenderOptions PickleOpts(uint16_t port, size_t max_frame_bytes = 256 * 1024) {
  SenderOptions o = Opts(port);
  o.protocol = graphite::Protocol::kPickle;
  o.max_frame_bytes = max_frame_bytes;
  return o;
}

TEST(CarbonSenderTest, DeliveredOnlyAfterAckAndGrace) {
  Peer peer;
  FakeClock clock;
  Registry metrics;
  CarbonSender s(Opts(peer.port()), &clock, &metrics);
  uint64_t seq = s.Append("a.b", 1700000000, 1.5);
  EXPECT_EQ(seq, 1u);
  s.Seal();
  DriveFor(s, 50ms);
  ASSERT_TRUE(peer.Accept());
  DriveFor(s, 50ms);
  EXPECT_EQ(peer.ReadAvailable(), "a.b 1.5 1700000000\n");
  DriveFor(s, 20ms);
  EXPECT_EQ(s.delivered(), 0u) << "acknowledged but the grace period has not passed";
  clock.Advance(999ms);
  DriveFor(s, 10ms);
  EXPECT_EQ(s.delivered(), 0u);
  clock.Advance(1ms);
  DriveFor(s, 10ms);
  EXPECT_EQ(s.delivered(), seq);
  EXPECT_TRUE(s.idle());
  EXPECT_FALSE(s.TakeLoss());
  EXPECT_EQ(metrics.Value("shovel_datapoints_delivered_total",
                          "destination=\"127.0.0.1:" + std::to_string(peer.port()) + "\""),
            1);
}

TEST(CarbonSenderTest, PeerCloseWithinGraceIsALoss) {
  Peer peer;
  FakeClock clock;
  Registry metrics;
  CarbonSender s(Opts(peer.port()), &clock, &metrics);
  s.Append("x", 1, 2);
  s.Seal();
  DriveFor(s, 30ms);
  ASSERT_TRUE(peer.Accept());
  DriveFor(s, 30ms);
  peer.ReadAvailable();
  peer.CloseConn();
  DriveFor(s, 50ms);
  EXPECT_FALSE(s.connected());
  clock.Advance(2s);
  DriveFor(s, 10ms);
  EXPECT_EQ(s.delivered(), 0u);
  EXPECT_TRUE(s.TakeLoss());
  EXPECT_FALSE(s.TakeLoss()) << "reported once";
}

TEST(CarbonSenderTest, QueuesWhileDownAndSendsAfterReconnect) {
  uint16_t port = 0;
  {
    Peer probe;
    port = probe.port();
  }  // nothing listens on `port` now
  FakeClock clock;
  Registry metrics;
  CarbonSender s(Opts(port), &clock, &metrics);
  s.Append("q.one", 10, 1);
  s.Seal();
  s.Append("q.two", 11, 2);
  s.Seal();
  for (int i = 0; i < 5; ++i) {
    DriveFor(s, 20ms);
    clock.Advance(100ms);  // past any backoff
  }
  EXPECT_FALSE(s.connected());
  EXPECT_GT(s.buffered_bytes(), 0u);
  EXPECT_FALSE(s.TakeLoss()) << "nothing was written, so nothing was lost";
  Peer peer(port);
  clock.Advance(100ms);
  DriveFor(s, 50ms);
  ASSERT_TRUE(peer.Accept());
  DriveFor(s, 50ms);
  EXPECT_EQ(peer.ReadAvailable(), "q.one 1 10\nq.two 2 11\n");
  clock.Advance(1s);
  DriveFor(s, 20ms);
  EXPECT_EQ(s.delivered(), 2u);
}

TEST(CarbonSenderTest, FramesRespectLimitAndSequence) {
  Peer peer;
  FakeClock clock;
  Registry metrics;
  CarbonSender s(PickleOpts(peer.port(), 1024), &clock, &metrics);
  uint64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    uint64_t seq = s.Append("some.metric.path." + std::to_string(i), 1700000000 + i, i);
    ASSERT_GE(seq, last);
    last = seq;
  }
  EXPECT_GT(last, 5u) << "200 points of ~40 bytes cannot fit in one 1 KiB frame";
  s.Seal();
  DriveFor(s, 30ms);
  ASSERT_TRUE(peer.Accept());
  DriveFor(s, 50ms);
  std::string data = peer.ReadAvailable();
  size_t frames = 0;
  for (size_t off = 0; off + 4 <= data.size(); ++frames) {
    uint32_t len = (uint8_t(data[off]) << 24) | (uint8_t(data[off + 1]) << 16) |
                   (uint8_t(data[off + 2]) << 8) | uint8_t(data[off + 3]);
    EXPECT_LE(len + 4, 1024u);
    off += 4 + len;
    ASSERT_LE(off, data.size());
  }
  EXPECT_EQ(frames, last);
}

// A point the encoder rejects (carbon would choke on it) gets no frame, and leaves the open
// frame as it was: it must not seal a half-filled frame early.
TEST(CarbonSenderTest, RejectedPointLeavesTheOpenFrameOpen) {
  Peer peer;
  FakeClock clock;
  Registry metrics;
  CarbonSender s(PickleOpts(peer.port()), &clock, &metrics);
  const uint64_t first = s.Append("a.b", 1700000000, 1);
  ASSERT_NE(first, 0u);
  const size_t open_bytes = s.buffered_bytes();
  EXPECT_EQ(s.Append("a.b", 1700000000, std::nan("")), 0u);
  EXPECT_EQ(s.Append("bad\xff", 1700000000, 1), 0u);
  EXPECT_EQ(s.Append("", 1700000000, 1), 0u);
  EXPECT_EQ(s.buffered_bytes(), open_bytes);
  EXPECT_EQ(s.Append("a.c", 1700000000, 2), first) << "the same frame is still open";
}

}  // namespace
}  // namespace vs::shovel
