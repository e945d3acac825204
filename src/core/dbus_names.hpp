#pragma once
/// @file dbus_names.hpp
/// The D-Bus naming rules the settings must obey, in one place for every entry point (the
/// configuration loader, `status --dbus`, the service's own bus connection): which bus to
/// join, what a well-known bus name is, what a battery service's name is. Pure checks; the
/// connection itself is dbus/bus_target's.

#include <optional>
#include <string_view>

namespace bms {

/// Venus OS finds batteries by this bus-name prefix.
inline constexpr std::string_view kBatteryServicePrefix = "com.victronenergy.battery.";

/// Which bus a `dbus` setting names.
enum class BusKind : unsigned char { System, Session, Address };

/// What a `dbus` setting may be, for error messages.
inline constexpr std::string_view kBusChoiceRule =
    "expected \"system\", \"session\" or a bus address such as unix:path=/run/dbus/system_bus_socket";

/// "system", "session", or a D-Bus address (anything with a ':', as "unix:path=..." or
/// "tcp:host=..."); nullopt for anything else, which the caller reports with kBusChoiceRule.
[[nodiscard]] constexpr std::optional<BusKind> bus_kind(std::string_view value) noexcept {
  if (value == "system") return BusKind::System;
  if (value == "session") return BusKind::Session;
  if (value.find(':') != std::string_view::npos) return BusKind::Address;
  return std::nullopt;
}

/// True when `name` is a valid well-known bus name: at most 255 characters, two or more
/// elements separated by '.', each element non-empty, of [A-Za-z0-9_-], not starting with a
/// digit. The bus refuses any other name, and a service would retry claiming it for ever.
[[nodiscard]] constexpr bool is_valid_bus_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255) return false;
  std::size_t elements = 0;
  std::size_t element_length = 0;
  for (const char c : name) {
    if (c == '.') {
      if (element_length == 0) return false;
      ++elements;
      element_length = 0;
      continue;
    }
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !digit) return false;
    if (digit && element_length == 0) return false;
    ++element_length;
  }
  return element_length > 0 && elements >= 1;
}

/// A battery service's name: kBatteryServicePrefix, a suffix, and valid as a bus name.
[[nodiscard]] constexpr bool is_battery_service_name(std::string_view name) noexcept {
  return name.starts_with(kBatteryServicePrefix) && is_valid_bus_name(name);
}

}  // namespace bms
