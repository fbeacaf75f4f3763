// Time behind an interface so that tests can drive it. Contract: Now() is monotonic and
// thread-safe; WallSeconds() is the Unix time. FakeClock only moves when told to.
#pragma once

#include <atomic>
#include <chrono>

namespace vs {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual double WallSeconds() const = 0;
};

class RealClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  double WallSeconds() const override;
  static RealClock* Get();
};

class FakeClock final : public Clock {
 public:
  TimePoint Now() const override { return TimePoint(Duration(now_ns_.load())); }
  double WallSeconds() const override { return 1.7e9 + now_ns_.load() / 1e9; }
  void Advance(Duration d) { now_ns_ += d.count(); }

 private:
  std::atomic<int64_t> now_ns_{1'000'000'000};
};

inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }
inline Duration Seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}
inline Duration Millis(int64_t ms) { return std::chrono::milliseconds(ms); }

// The poll() timeout for waiting `d`: whole milliseconds rounded *up*, at most max_ms, 0 when
// `d` is not positive. Rounding down (duration_cast) returns up to 1 ms early, and a loop that
// waits for a deadline then spins with timeout 0 until it passes.
inline int PollTimeoutMs(Duration d, int max_ms = 1 << 30) {
  if (d <= Duration::zero()) return 0;
  const int64_t ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return ms > max_ms ? max_ms : static_cast<int>(ms);
}

}  // namespace vs
