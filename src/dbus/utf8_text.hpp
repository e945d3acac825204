#pragma once
/// @file utf8_text.hpp
/// D-Bus strings must be valid UTF-8 without NUL; sd-bus refuses a message holding anything
/// else, and the whole batch (ItemsChanged, GetItems) fails with it. Text from a BMS (cell
/// ids, names) or from a file name is made valid here before it can reach the bus.

#include <string>
#include <string_view>

namespace bms::dbus {

/// True when `text` is what sd-bus accepts as a string: UTF-8 of Unicode scalar values (no
/// overlong forms, no surrogates), no NUL, no non-characters (U+FDD0..U+FDEF, U+xxFFFE/F).
[[nodiscard]] bool is_bus_text(std::string_view text) noexcept;

/// `text` itself when is_bus_text(), else every byte of an invalid sequence and every control
/// character below 0x20 written as "\xHH" (so `FF 31` becomes "\xFF1"); a backslash stays as
/// it is. The result is always is_bus_text().
[[nodiscard]] std::string bus_text(std::string_view text);

}  // namespace bms::dbus
