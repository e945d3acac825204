#pragma once
/// @file variant_convert.hpp
/// sdbus::Variant -> BusValue, for values read from other services with sdbus-c++
/// (service_reader). What we send is written with sd-bus directly (busitem_wire).

#include <sdbus-c++/Types.h>

#include <optional>

#include "dbus/bus_value.hpp"

namespace bms::dbus {

/// A client's value: any integer type that fits int32 becomes Int; "d" Double; "s" String;
/// an empty array of any type is invalid. @return nullopt for anything else (SetValue result 1).
[[nodiscard]] std::optional<BusValue> from_variant(const sdbus::Variant& variant);

}  // namespace bms::dbus
