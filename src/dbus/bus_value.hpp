#pragma once
/// @file bus_value.hpp
/// The value of one Victron BusItem, independent of any D-Bus library: invalid, int32,
/// double or string. Invalid goes on the wire as an empty int32 array (`ai []`) with the
/// text "---", never as 0 or NaN (Venus reads 0 as a real reading).

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace bms::dbus {

/// std::monostate is "invalid/unknown".
using BusValue = std::variant<std::monostate, std::int32_t, double, std::string>;

/// The type an item declares; a SetValue of another type is refused (result 1).
enum class ValueKind : std::uint8_t { Int, Double, String };

[[nodiscard]] inline bool is_valid(const BusValue& v) noexcept { return !std::holds_alternative<std::monostate>(v); }

/// Rounds to `decimals` places, so that jitter below the shown resolution is not a change.
[[nodiscard]] double round_to(double value, int decimals) noexcept;

/// "53.20V" style text: the value with `decimals` places, then `unit`. Invalid gives "---".
[[nodiscard]] std::string format_number(const BusValue& v, int decimals, std::string_view unit);

/// Text without a unit: ints in decimal, doubles with up to 6 significant digits, strings
/// as they are, invalid as "---".
[[nodiscard]] std::string format_plain(const BusValue& v);

/// "0xBA90": how velib shows /ProductId.
[[nodiscard]] std::string format_hex(const BusValue& v);

}  // namespace bms::dbus
