#pragma once
/// @file variant_convert.hpp
/// BusValue <-> sdbus::Variant, with Venus's conventions: invalid is an empty `ai`.

#include <sdbus-c++/Types.h>

#include <optional>

#include "dbus/bus_value.hpp"

namespace bms::dbus {

/// int32 as "i", double as "d", string as "s", invalid as an empty "ai".
[[nodiscard]] sdbus::Variant to_variant(const BusValue& value);

/// A client's value: any integer type that fits int32 becomes Int; "d" Double; "s" String;
/// an empty array of any type is invalid. @return nullopt for anything else (SetValue result 1).
[[nodiscard]] std::optional<BusValue> from_variant(const sdbus::Variant& variant);

}  // namespace bms::dbus
