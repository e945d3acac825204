#pragma once
/// @file systemd_notify.hpp
/// The systemd service protocol (sd_notify): READY=1 once the service is up, WATCHDOG=1
/// pings, RELOADING=1 around a config reload, STOPPING=1 on shutdown, and a STATUS= line.
/// Without a NOTIFY_SOCKET (runit on Venus OS, a shell) or in a build without
/// BMS_WITH_SYSTEMD every call is a cheap no-op, so callers never need to ask.
///
/// Thread-safety: after construction the object is read-only; sd_notify() itself is
/// stateless, so the aggregator thread may ping the watchdog while main() sends STATUS.

#include <chrono>
#include <string>
#include <string_view>

namespace bms {

class SystemdNotifier {
 public:
  /// A notifier that never sends anything.
  SystemdNotifier() noexcept = default;

  /// Reads $NOTIFY_SOCKET and $WATCHDOG_USEC/$WATCHDOG_PID (via sd_watchdog_enabled).
  [[nodiscard]] static SystemdNotifier from_environment() noexcept;

  /// True when a service manager listens ($NOTIFY_SOCKET set, built with libsystemd).
  [[nodiscard]] bool active() const noexcept { return active_; }

  /// The unit's WatchdogSec for this process; zero when no watchdog is armed.
  [[nodiscard]] std::chrono::microseconds watchdog_period() const noexcept { return watchdog_period_; }

  /// READY=1 with a STATUS= line: startup finished (config loaded, sources open, name owned).
  void ready(std::string_view status) const noexcept;
  /// RELOADING=1 with a STATUS= line: a SIGHUP reload started; follow with ready().
  void reloading(std::string_view status) const noexcept;
  /// STATUS= only: a one-line human summary shown by `systemctl status`.
  void status(std::string_view status) const noexcept;
  /// STOPPING=1 with a STATUS= line: shutdown began.
  void stopping(std::string_view status) const noexcept;
  /// WATCHDOG=1: the service is alive (ServiceControl paces it and ties it to the loop's heartbeat).
  void watchdog_ping() const noexcept;

  /// Sends a raw, newline-separated assignment list; false when not active or send failed.
  bool send(const std::string& message) const noexcept;

 private:
  bool active_ = false;
  std::chrono::microseconds watchdog_period_{0};
};

}  // namespace bms
