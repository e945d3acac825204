#pragma once
/// @file sd_bus_access.hpp
/// The sd_bus under an sdbus-c++ connection, for what we do with libsystemd directly (the
/// BusItem export): sdbus-c++ 1.2.0 does not hand it out.

#include <systemd/sd-bus.h>

namespace sdbus {
class IConnection;
}

namespace bms::dbus {

/// The connection's sd_bus, owned by the connection (no reference taken): valid while it lives.
/// @throws std::runtime_error if it cannot be reached.
[[nodiscard]] sd_bus* sd_bus_of(sdbus::IConnection& connection);

}  // namespace bms::dbus
