#include "common/backoff.h"

#include <algorithm>

namespace vs {

Backoff::Backoff(Duration initial, Duration cap, uint64_t seed)
    : initial_(initial), cap_(cap), rng_(seed) {}

Duration Backoff::Next() {
  Duration d = initial_;
  for (int i = 0; i < attempt_ && d < cap_; ++i) d *= 2;
  d = std::min(d, cap_);
  if (attempt_ < 62) ++attempt_;
  std::uniform_int_distribution<int64_t> dist(d.count() / 2, d.count());
  return Duration(dist(rng_));
}

TokenBucket::TokenBucket(double rate_per_s, double burst, const Clock* clock)
    : rate_(rate_per_s), burst_(burst), tokens_(burst), clock_(clock), last_(clock->Now()) {}

void TokenBucket::Refill() {
  TimePoint now = clock_->Now();
  tokens_ = std::min(burst_, tokens_ + ToSeconds(now - last_) * rate_);
  last_ = now;
}

bool TokenBucket::TryTake() {
  Refill();
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

Duration TokenBucket::TimeUntilToken() {
  Refill();
  if (tokens_ >= 1.0) return Duration(0);
  return Seconds((1.0 - tokens_) / rate_);
}

}  // namespace vs
