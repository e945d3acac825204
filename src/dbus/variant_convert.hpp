#pragma once
/// @file variant_convert.hpp
/// sdbus::Variant -> BusValue, for values read from other services with sdbus-c++
/// (service_reader). What we send is written with sd-bus directly (busitem_wire).

#include <sdbus-c++/Types.h>

#include <optional>

#include "dbus/bus_value.hpp"

namespace bms::dbus {

/// A value read from a service: any integer type that fits int32 becomes Int; "d" Double;
/// "s" String; an empty ai, ay or av (how velib and others send "invalid") is invalid.
/// @return nullopt for anything else (its one caller, service_reader, shows that as invalid).
[[nodiscard]] std::optional<BusValue> from_variant(const sdbus::Variant& variant);

}  // namespace bms::dbus
