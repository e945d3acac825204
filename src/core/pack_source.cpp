#include "core/pack_source.hpp"

namespace bms {

std::string pack_source(const BatterySettings& b) {
  switch (b.protocol) {
    case BatteryProtocol::Pylontech:
      return "CAN " + b.interface;
    case BatteryProtocol::Canopen:
      return "CANopen " + b.interface + " node " + std::to_string(b.node_id);
    case BatteryProtocol::Dbus:
      // As configured: the bus name, or the /Serial or /CustomName it is found by.
      if (!b.dbus_service.empty()) return "D-Bus " + b.dbus_service;
      if (!b.dbus_serial.empty()) return "D-Bus serial " + b.dbus_serial;
      return "D-Bus custom name " + b.dbus_custom_name;
  }
  return b.interface;
}

}  // namespace bms
