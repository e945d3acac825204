#pragma once
/// @file bus_target.hpp
/// Which bus the service joins: the config's `dbus = "system" | "session" | ADDRESS`.

#include <memory>
#include <string>
#include <string_view>

#include "core/dbus_names.hpp"

namespace sdbus {
class IConnection;
}

namespace bms::dbus {

struct BusTarget {
  using Kind = BusKind;
  Kind kind = Kind::System;
  std::string address;  ///< for Address: the D-Bus address ("unix:path=/run/dbus/system_bus_socket")

  /// "system", "session" or an address (anything with a ':' in it): core's bus_kind().
  /// @throws std::invalid_argument for anything else.
  [[nodiscard]] static BusTarget parse(std::string_view config_value);
  /// For logs: "system bus", "session bus (unix:path=...)", "bus unix:path=...".
  [[nodiscard]] std::string describe() const;
};

/// Opens a connection. "session" takes DBUS_SESSION_BUS_ADDRESS and refuses to fall back to
/// any other bus when it is unset, so a test or a misconfigured service never lands on a
/// bus it did not mean. @throws sdbus::Error or std::runtime_error when it cannot connect.
[[nodiscard]] std::unique_ptr<sdbus::IConnection> open_bus(const BusTarget& target);

}  // namespace bms::dbus
