#include "shovel/carbon_sender.h"

#include <fmt/format.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace vs::shovel {

CarbonSender::CarbonSender(SenderOptions options, const Clock* clock, Registry* metrics)
    : opt_(std::move(options)),
      clock_(clock),
      name_(opt_.destination.ToString()),
      encoder_(opt_.protocol, opt_.max_frame_bytes),
      backoff_(opt_.backoff_initial, opt_.backoff_cap) {
  std::string l = fmt::format("destination=\"{}\"", name_);
  reconnects_ = metrics->GetCounter("shovel_carbon_disconnects_total",
                                    "Carbon connections lost after being established", l);
  connect_failures_ = metrics->GetCounter("shovel_carbon_connect_failures_total",
                                          "Failed attempts to connect to carbon", l);
  frames_written_ = metrics->GetCounter("shovel_frames_written_total",
                                        "Frames fully written to a carbon socket", l);
  bytes_written_ =
      metrics->GetCounter("shovel_bytes_written_total", "Bytes written to carbon sockets", l);
  frames_delivered_ =
      metrics->GetCounter("shovel_frames_delivered_total",
                          "Frames acknowledged by the peer's kernel and past grace", l);
  points_delivered_ =
      metrics->GetCounter("shovel_datapoints_delivered_total", "Datapoints in delivered frames", l);
  connected_gauge_ =
      metrics->GetGauge("shovel_carbon_connected", "1 when connected to the carbon destination", l);
}

CarbonSender::~CarbonSender() {
  if (fd_ >= 0) close(fd_);
}

uint64_t CarbonSender::AppendToNextFrame(std::string_view path, double ts, double value) {
  Seal();
  return encoder_.Append(path, ts, value) ? next_seq_ : 0;
}

void CarbonSender::Seal() {
  if (encoder_.count() == 0) return;
  size_t points = encoder_.count();
  std::string frame = encoder_.Finish();
  queued_bytes_ += frame.size();
  queue_.push_back({next_seq_++, points, std::move(frame)});
}

void CarbonSender::DiscardAll() {
  (void)encoder_.Finish();
  // A partially written frame cannot be dropped mid-stream: the peer would see half a frame
  // followed by another frame. Keep it; everything behind it goes.
  while (queue_.size() > (front_offset_ > 0 ? 1u : 0u)) {
    queued_bytes_ -= queue_.back().data.size();
    queue_.pop_back();
  }
}

short CarbonSender::events() const {
  switch (state_) {
    case State::kIdle:
      return 0;
    case State::kConnecting:
      return POLLOUT;
    case State::kConnected:
      return POLLIN | POLLRDHUP | (queue_.empty() ? 0 : POLLOUT);
  }
  return 0;
}

TimePoint CarbonSender::NextWake() const {
  TimePoint now = clock_->Now();
  switch (state_) {
    case State::kIdle:
      return next_attempt_;
    case State::kConnecting:
      return connect_deadline_;
    case State::kConnected:
      break;
  }
  TimePoint wake = TimePoint::max();
  if (acked_ > 0) wake = written_.front().acked_at + opt_.grace;  // the oldest acknowledged
  if (acked_ < written_.size()) {
    // The kernel gives no event when the peer acknowledges: look again shortly.
    wake = std::min(wake, now + std::chrono::milliseconds(2));
  }
  if (backoff_.attempts() > 0) wake = std::min(wake, connected_at_ + opt_.grace);
  return wake;
}

void CarbonSender::StartConnect() {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(opt_.destination.port);
  int rc = getaddrinfo(opt_.destination.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    Disconnect(Unavailable(fmt::format("resolve: {}", gai_strerror(rc))));
    return;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    Disconnect(ErrnoStatus("socket", errno));
    return;
  }
  // A peer that vanishes without a RST must still be noticed: bound unacknowledged data.
  unsigned timeout_ms = 30000;
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout_ms, sizeof(timeout_ms));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  rc = connect(fd, res->ai_addr, res->ai_addrlen);
  int err = errno;
  freeaddrinfo(res);
  fd_ = fd;
  conn_written_ = 0;
  if (rc == 0) {
    state_ = State::kConnected;
    connected_at_ = clock_->Now();
    connected_gauge_->Set(1);
    spdlog::info("carbon {}: connected", name_);
  } else if (err == EINPROGRESS) {
    state_ = State::kConnecting;
    connect_deadline_ = clock_->Now() + opt_.connect_timeout;
  } else {
    Disconnect(ErrnoStatus("connect", err));
  }
}

void CarbonSender::Disconnect(const Status& why) {
  bool was_connected = state_ == State::kConnected;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  state_ = State::kIdle;
  connected_gauge_->Set(0);
  if (!written_.empty() || front_offset_ > 0) loss_ = true;
  written_.clear();
  acked_ = 0;
  if (front_offset_ > 0) {
    front_offset_ = 0;  // the partial frame is sent again, whole, on the next connection
  }
  Duration wait = backoff_.Next();
  next_attempt_ = clock_->Now() + wait;
  if (was_connected) {
    reconnects_->Inc();
    spdlog::warn("carbon {}: connection lost ({}); reconnecting in {:.0f} ms", name_, why.message(),
                 ToSeconds(wait) * 1000);
  } else {
    connect_failures_->Inc();
    spdlog::warn("carbon {}: {}; retrying in {:.0f} ms", name_, why.message(),
                 ToSeconds(wait) * 1000);
  }
}

bool CarbonSender::TakeLoss() {
  bool l = loss_;
  loss_ = false;
  return l;
}

void CarbonSender::WriteQueued() {
  while (!queue_.empty()) {
    Queued& q = queue_.front();
    ssize_t n = send(fd_, q.data.data() + front_offset_, q.data.size() - front_offset_,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      Disconnect(ErrnoStatus("write", errno));
      return;
    }
    front_offset_ += static_cast<size_t>(n);
    conn_written_ += static_cast<uint64_t>(n);
    bytes_written_->Inc(static_cast<uint64_t>(n));
    if (front_offset_ < q.data.size()) return;
    written_.push_back({q.seq, q.points, conn_written_, {}});
    frames_written_->Inc();
    queued_bytes_ -= q.data.size();
    front_offset_ = 0;
    encoder_.Recycle(std::move(q.data));
    queue_.pop_front();
  }
}

void CarbonSender::CheckAcks() {
  if (written_.empty()) return;
  int outq = 0;
  if (ioctl(fd_, SIOCOUTQ, &outq) != 0) {
    Disconnect(ErrnoStatus("ioctl SIOCOUTQ", errno));
    return;
  }
  uint64_t acked = conn_written_ - static_cast<uint64_t>(outq);
  TimePoint now = clock_->Now();
  for (; acked_ < written_.size() && written_[acked_].end <= acked; ++acked_) {
    written_[acked_].acked_at = now;
  }
  while (acked_ > 0 && now - written_.front().acked_at >= opt_.grace) {
    delivered_seq_ = written_.front().seq;
    points_delivered_->Inc(written_.front().points);
    written_.pop_front();
    --acked_;
    frames_delivered_->Inc();
  }
}

void CarbonSender::Drive(short revents) {
  TimePoint now = clock_->Now();
  if (state_ == State::kIdle) {
    if (now >= next_attempt_) StartConnect();
    if (state_ != State::kConnected) return;
    revents = 0;
  }
  if (state_ == State::kConnecting) {
    if (revents & (POLLOUT | POLLERR | POLLHUP)) {
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        Disconnect(ErrnoStatus("connect", err));
        return;
      }
      state_ = State::kConnected;
      connected_at_ = now;
      connected_gauge_->Set(1);
      spdlog::info("carbon {}: connected", name_);
      revents = 0;
    } else {
      if (now >= connect_deadline_) Disconnect(DeadlineExceeded("connect timed out"));
      return;
    }
  }
  // Connected. Carbon never writes to us: readable means EOF, or junk to discard.
  if (revents & (POLLERR | POLLHUP | POLLRDHUP | POLLIN)) {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      Disconnect(n == 0 ? Unavailable("peer closed the connection") : ErrnoStatus("read", errno));
      return;
    }
  }
  WriteQueued();
  if (state_ != State::kConnected) return;
  CheckAcks();
  if (state_ == State::kConnected && backoff_.attempts() > 0 && now - connected_at_ >= opt_.grace) {
    backoff_.Reset();  // only a connection that stayed up counts as recovered
  }
}

}  // namespace vs::shovel
