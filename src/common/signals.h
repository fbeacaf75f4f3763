// Signals as file descriptor events (signalfd). Construct SignalWatcher in main() before any
// thread starts, so every thread (librdkafka's too) inherits the blocked mask and the signals
// are only ever seen through fd(). SIGPIPE is ignored process-wide.
#pragma once

#include <initializer_list>

namespace vs {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::initializer_list<int> signals);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  int fd() const { return fd_; }
  // Returns the next pending signal number, or 0 when none is pending. Non-blocking.
  int Read();

 private:
  int fd_ = -1;
};

}  // namespace vs
