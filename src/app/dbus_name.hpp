#pragma once
/// @file dbus_name.hpp
/// The D-Bus specification's rule for a well-known bus name, checked before the service tries
/// to claim one (the bus refuses an invalid name, and the service would retry forever).

#include <string_view>

namespace bms {

/// True when `name` is a valid well-known bus name: at most 255 characters, two or more
/// elements separated by '.', each element non-empty, of [A-Za-z0-9_-], not starting with a
/// digit.
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

}  // namespace bms
