#pragma once
/// @file service_control.hpp
/// The service supervisor of a running bms-aggregator: one control thread that turns
/// SIGTERM/SIGINT into a stop request, SIGHUP into a validated config reload, and feeds the
/// systemd watchdog while the aggregator loop's heartbeat moves. The hot path never makes a
/// syscall for this: the loop bumps an atomic counter (ServiceHooks::heartbeat); the
/// control thread looks at it every WatchdogSec/2 and sends WATCHDOG=1 only when it moved.
///
/// Construct it first in main(), before any other thread: it blocks the signals in the
/// calling thread, and threads started later inherit that mask (see ServiceSignals).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "app/service_hooks.hpp"
#include "app/service_signals.hpp"
#include "app/systemd_notify.hpp"
#include "core/settings.hpp"
#include "core/unique_fd.hpp"

namespace bms {

class ServiceControl {
 public:
  /// Blocks the service signals, reads the systemd environment and starts the control
  /// thread. `config_path` is re-read on SIGHUP; `settings` is what it was loaded as.
  /// @throws std::runtime_error when the signalfd or the wake-up eventfd cannot be made.
  ServiceControl(std::string config_path, Settings settings,
                 SystemdNotifier notifier = SystemdNotifier::from_environment());
  ~ServiceControl();  ///< stops and joins the control thread; restores the signal mask
  ServiceControl(const ServiceControl&) = delete;
  ServiceControl& operator=(const ServiceControl&) = delete;

  /// Requested on SIGTERM/SIGINT (or request_stop()).
  [[nodiscard]] std::stop_token stop_token() const noexcept { return stop_.get_token(); }
  void request_stop() noexcept { stop_.request_stop(); }
  /// The signal that requested the stop, 0 if none.
  [[nodiscard]] int stop_signal() const noexcept { return stop_signal_.load(); }

  /// Hooks for run_service(): READY=1, the heartbeat counter, idle.
  [[nodiscard]] ServiceHooks hooks();

  /// The configuration as last loaded (start-up or a successful SIGHUP reload).
  [[nodiscard]] Settings settings() const;
  /// Incremented by every successful reload; lets a loop notice new settings cheaply.
  [[nodiscard]] std::uint64_t settings_generation() const noexcept { return generation_.load(); }

  /// STOPPING=1 with the reason; call when the pipeline returned.
  void stopping(std::string_view status) const noexcept { notifier_.stopping(status); }
  [[nodiscard]] const SystemdNotifier& notifier() const noexcept { return notifier_; }

 private:
  void run();
  void reload();
  void feed_watchdog(std::chrono::steady_clock::time_point now);

  std::string config_path_;
  SystemdNotifier notifier_;
  ServiceSignals signals_;
  UniqueFd wake_fd_;  ///< eventfd: wakes the control thread for shutdown

  mutable std::mutex settings_mutex_;
  Settings settings_;
  std::atomic<std::uint64_t> generation_{0};

  std::stop_source stop_;
  std::atomic<int> stop_signal_{0};
  std::atomic<std::uint64_t> heartbeat_{0};
  std::atomic<bool> idle_{false};
  std::uint64_t last_heartbeat_ = 0;
  std::chrono::steady_clock::time_point last_watchdog_check_{};
  std::thread thread_;
};

}  // namespace bms
