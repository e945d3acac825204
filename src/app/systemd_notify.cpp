#include "app/systemd_notify.hpp"

#include <cstdint>
#include <cstdlib>

#if BMS_WITH_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace bms {
namespace {

/// One STATUS= line: the protocol is newline-separated, so a newline in the text would
/// start a new (bogus) assignment.
std::string status_line(std::string_view status) {
  std::string line = "STATUS=";
  for (char c : status) line += (c == '\n' || c == '\r') ? ' ' : c;
  return line;
}

}  // namespace

SystemdNotifier SystemdNotifier::from_environment() noexcept {
  SystemdNotifier n;
#if BMS_WITH_SYSTEMD
  const char* socket = std::getenv("NOTIFY_SOCKET");
  n.active_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  if (n.active_ && sd_watchdog_enabled(0, &usec) > 0) {
    n.watchdog_period_ = std::chrono::microseconds(static_cast<std::int64_t>(usec));
  }
#endif
  return n;
}

bool SystemdNotifier::send(const std::string& message) const noexcept {
#if BMS_WITH_SYSTEMD
  if (!active_) return false;
  return sd_notify(0, message.c_str()) > 0;
#else
  (void)message;
  return false;
#endif
}

void SystemdNotifier::ready(std::string_view status) const noexcept {
  if (active_) send("READY=1\n" + status_line(status));
}

void SystemdNotifier::reloading(std::string_view status) const noexcept {
  if (active_) send("RELOADING=1\n" + status_line(status));
}

void SystemdNotifier::status(std::string_view status) const noexcept {
  if (active_) send(status_line(status));
}

void SystemdNotifier::stopping(std::string_view status) const noexcept {
  if (active_) send("STOPPING=1\n" + status_line(status));
}

void SystemdNotifier::watchdog_ping() const noexcept {
  if (active_) send("WATCHDOG=1");
}

}  // namespace bms
