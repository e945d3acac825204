#include "dbus/sd_bus_access.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <stdexcept>

namespace bms::dbus {
namespace {

/// sdbus-c++ 1.2.0 keeps the sd_bus_message in the protected member Message::msg_ (public
/// header, stable for the 1.2 ABI). A pointer to a protected member named through a derived
/// class is the standard-conforming way to read it; nothing is instantiated.
struct MessageAccess : sdbus::Message {
  static sd_bus_message* raw(const sdbus::Message& m) {
    return static_cast<sd_bus_message*>(m.*(&MessageAccess::msg_));
  }
};

}  // namespace

sd_bus* sd_bus_of(sdbus::IConnection& connection) {
  // The bus a freshly created (never sent) message belongs to.
  auto proxy = sdbus::createProxy(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  const sdbus::MethodCall probe = proxy->createMethodCall("org.freedesktop.DBus", "GetId");
  sd_bus* bus = sd_bus_message_get_bus(MessageAccess::raw(probe));
  if (bus == nullptr) throw std::runtime_error("cannot reach the sd_bus of the connection");
  return bus;
}

}  // namespace bms::dbus
