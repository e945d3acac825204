#pragma once
/// @file bus_attachment.hpp
/// Something else that lives on the service's bus connection and its thread: the D-Bus
/// battery sources. The service attaches it once the connection is up (before its own name
/// is claimed), detaches it before the connection goes, and gives it the thread between
/// polls when its deadline is due. Every call comes from the service's bus thread.

#include <chrono>
#include <optional>

namespace sdbus {
class IConnection;
}

namespace bms::dbus {

class BusAttachment {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~BusAttachment() = default;
  /// The connection is up: set up matches and start asynchronous calls. Must not block on
  /// any peer. @throws on a failure of the connection itself (the service then reconnects).
  virtual void attach(sdbus::IConnection& connection) = 0;
  /// The connection is about to go: drop every proxy, slot and pending call.
  virtual void detach() noexcept = 0;
  /// When on_time() wants the thread next; nullopt: no timer.
  [[nodiscard]] virtual std::optional<Clock::time_point> next_deadline() const = 0;
  /// Called after every round of message dispatch (and so when a deadline passed): hand on
  /// what the messages produced and do what is due at `now`.
  virtual void on_time(Clock::time_point now) = 0;
};

}  // namespace bms::dbus
