#include "dbus/bus_target.hpp"

#include <sdbus-c++/IConnection.h>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace bms::dbus {
namespace {

/// sdbus-c++ 1.2.0's address connect (SdBus::sd_bus_open_user_with_address) does not free its
/// sd_bus when sd_bus_start fails: ~1.8 kB per failed attempt, i.e. per retry while the bus is
/// down. So try the address with sd-bus first, freeing on failure, and let sdbus-c++ connect
/// only to an address that just accepted us.
void probe(const std::string& address) {
  sd_bus* bus = nullptr;
  int r = sd_bus_new(&bus);
  if (r >= 0) r = sd_bus_set_address(bus, address.c_str());
  if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
  if (r >= 0) r = sd_bus_start(bus);
  sd_bus_flush_close_unref(bus);
  if (r < 0) throw std::runtime_error(std::string("cannot connect: ") + std::strerror(-r));
}

}  // namespace

BusTarget BusTarget::parse(std::string_view value) {
  // The rule is the configuration's (core/dbus_names): one check for every entry point.
  const std::optional<BusKind> kind = bus_kind(value);
  if (!kind)
    throw std::invalid_argument("dbus: " + std::string(kBusChoiceRule) + ", got \"" + std::string(value) + "\"");
  return BusTarget{*kind, *kind == BusKind::Address ? std::string(value) : std::string()};
}

std::string BusTarget::describe() const {
  switch (kind) {
    case Kind::System:
      return "system bus";
    case Kind::Session: {
      const char* env = std::getenv("DBUS_SESSION_BUS_ADDRESS");
      return std::string("session bus (") + (env != nullptr ? env : "DBUS_SESSION_BUS_ADDRESS unset") + ")";
    }
    case Kind::Address:
      return "bus " + address;
  }
  return "?";
}

std::unique_ptr<sdbus::IConnection> open_bus(const BusTarget& target) {
  switch (target.kind) {
    case BusTarget::Kind::System:
      return sdbus::createSystemBusConnection();
    case BusTarget::Kind::Session: {
      const char* env = std::getenv("DBUS_SESSION_BUS_ADDRESS");
      if (env == nullptr || *env == '\0') {
        throw std::runtime_error("dbus = \"session\" but DBUS_SESSION_BUS_ADDRESS is not set");
      }
      probe(env);
      return sdbus::createSessionBusConnectionWithAddress(env);
    }
    case BusTarget::Kind::Address:
      probe(target.address);
      return sdbus::createSessionBusConnectionWithAddress(target.address);
  }
  throw std::logic_error("unknown bus kind");
}

}  // namespace bms::dbus
