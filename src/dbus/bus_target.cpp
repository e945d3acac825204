#include "dbus/bus_target.hpp"

#include <cstdlib>
#include <sdbus-c++/IConnection.h>
#include <stdexcept>

namespace bms::dbus {

BusTarget BusTarget::parse(std::string_view value) {
  if (value == "system") return BusTarget{Kind::System, {}};
  if (value == "session") return BusTarget{Kind::Session, {}};
  if (value.find(':') != std::string_view::npos) return BusTarget{Kind::Address, std::string(value)};
  throw std::invalid_argument("dbus: expected \"system\", \"session\" or a bus address such as unix:path=/run/dbus/system_bus_socket, got \"" +
                              std::string(value) + "\"");
}

std::string BusTarget::describe() const {
  switch (kind) {
    case Kind::System: return "system bus";
    case Kind::Session: {
      const char* env = std::getenv("DBUS_SESSION_BUS_ADDRESS");
      return std::string("session bus (") + (env != nullptr ? env : "DBUS_SESSION_BUS_ADDRESS unset") + ")";
    }
    case Kind::Address: return "bus " + address;
  }
  return "?";
}

std::unique_ptr<sdbus::IConnection> open_bus(const BusTarget& target) {
  switch (target.kind) {
    case BusTarget::Kind::System: return sdbus::createSystemBusConnection();
    case BusTarget::Kind::Session: {
      const char* env = std::getenv("DBUS_SESSION_BUS_ADDRESS");
      if (env == nullptr || *env == '\0') {
        throw std::runtime_error("dbus = \"session\" but DBUS_SESSION_BUS_ADDRESS is not set");
      }
      return sdbus::createSessionBusConnectionWithAddress(env);
    }
    case BusTarget::Kind::Address: return sdbus::createSessionBusConnectionWithAddress(target.address);
  }
  throw std::logic_error("unknown bus kind");
}

}  // namespace bms::dbus
