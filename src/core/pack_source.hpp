#pragma once
/// @file pack_source.hpp
/// Where a configured battery is read, in words an installer recognises on D-Bus
/// (/Batteries/<i>/Source) and in `bms-aggregator status`.

#include <string>

#include "core/settings.hpp"

namespace bms {

/// "CAN can0" (Pylontech family on its own port), "CANopen can1 node 5",
/// "D-Bus com.victronenergy.battery.ttyUSB0" (a battery service read over D-Bus).
[[nodiscard]] std::string pack_source(const BatterySettings& battery);

}  // namespace bms
