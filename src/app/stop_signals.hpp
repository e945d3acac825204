#pragma once
/// @file stop_signals.hpp
/// SIGINT/SIGTERM become a stop request: the signals are blocked in every thread and one
/// thread waits for them with sigwait(), so no work ever runs inside a signal handler.

#include <csignal>
#include <stop_token>
#include <thread>

namespace bms {

class StopSignals {
 public:
  /// Blocks SIGINT and SIGTERM in the calling thread (call before starting other threads,
  /// which inherit the mask) and starts the waiting thread.
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  [[nodiscard]] std::stop_token token() const noexcept { return stop_.get_token(); }
  /// The signal that requested the stop, or 0.
  [[nodiscard]] int received() const noexcept { return received_; }

 private:
  std::stop_source stop_;
  volatile std::sig_atomic_t received_ = 0;
  std::thread waiter_;
};

}  // namespace bms
