// The shovel daemon: a Kafka consumer group member that parses every message, routes its
// datapoints to carbon destinations and commits an offset only once everything before it is
// delivered (see carbon_sender.h for what "delivered" means and offset_tracker.h for the
// bookkeeping). One thread runs everything (librdkafka has its own); the admin endpoint has
// its own thread and only reads atomics.
//
// Failure policy: Kafka, Consul and carbon failures are retried with jittered backoff forever
// and counted; bad messages are counted, logged (rate-limited) and sent to the dead-letter
// topic; nothing from outside can make Run() return early except a signal.
#pragma once

#include <memory>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/signals.h"
#include "common/status.h"
#include "kafka/config.h"
#include "shovel/options.h"

namespace vs::shovel {

class Shovel {
 public:
  Shovel(Options options, Registry* metrics, const Clock* clock = RealClock::Get());
  ~Shovel();
  // Runs until SIGTERM/SIGINT arrives on `signals`, then delivers what it can within
  // --shutdown-timeout, commits what was delivered and returns. A non-ok Status only for
  // set-up errors that retrying cannot fix (bad librdkafka properties, admin port in use).
  Status Run(SignalWatcher* signals);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The librdkafka properties shovel's consumer starts from (before --kafka-config and
// --kafka-opt, which override them). Shared with bench/shovel/floor.cc so that its floor is
// measured with exactly these settings.
kafka::Properties ConsumerDefaults(const Options& opt);

}  // namespace vs::shovel
