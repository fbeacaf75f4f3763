// Jittered exponential backoff ("full jitter" on the upper half): the n-th delay is drawn
// uniformly from [d/2, d] where d = min(cap, initial * 2^n). Not thread-safe; one per loop.
#pragma once

#include <cstdint>
#include <random>

#include "common/clock.h"

namespace vs {

class Backoff {
 public:
  Backoff(Duration initial, Duration cap, uint64_t seed = std::random_device{}());
  // The delay to wait before the next attempt; grows until Reset().
  Duration Next();
  void Reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  Duration initial_;
  Duration cap_;
  int attempt_ = 0;
  std::mt19937_64 rng_;
};

// Token bucket: at most `burst` events at once, refilled at `rate_per_s`. Used to pace request
// loops (Consul blocking queries) and log lines. Not thread-safe.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst, const Clock* clock);
  // Takes a token if one is available.
  bool TryTake();
  // How long until a token is available (0 if now).
  Duration TimeUntilToken();

 private:
  void Refill();
  double rate_;
  double burst_;
  double tokens_;
  const Clock* clock_;
  TimePoint last_;
};

}  // namespace vs
