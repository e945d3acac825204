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
  /// WATCHDOG=1: the service is alive. Prefer WatchdogPacer, which rate-limits.
  void watchdog_ping() const noexcept;

  /// Sends a raw, newline-separated assignment list; false when not active or send failed.
  bool send(const std::string& message) const noexcept;

 private:
  bool active_ = false;
  std::chrono::microseconds watchdog_period_{0};
};

/// Rate-limits watchdog pings for a loop: call tick() on every iteration of the aggregator
/// loop with a monotonic time; it pings at most once per half watchdog period, so a stuck
/// loop stops the pings and systemd restarts the service. Not thread-safe (one loop owns it).
class WatchdogPacer {
 public:
  /// `notifier` must outlive the pacer. No pings when its watchdog_period() is zero.
  explicit WatchdogPacer(const SystemdNotifier& notifier) noexcept;

  /// @return true when this call sent WATCHDOG=1 (first call pings at once).
  bool tick(std::chrono::steady_clock::time_point now) noexcept;

  /// Half the watchdog period: the loop must come round at least this often. Zero = off.
  [[nodiscard]] std::chrono::microseconds ping_interval() const noexcept { return interval_; }

 private:
  const SystemdNotifier* notifier_;
  std::chrono::microseconds interval_;
  bool pinged_ = false;
  std::chrono::steady_clock::time_point last_ping_{};
};

}  // namespace bms
