#pragma once
/// @file item_value_reader.hpp
/// Reads Venus item values off the bus for the D-Bus battery sources. Signals are read
/// straight from the message: an sdbus::Variant per value costs a message allocation of its
/// own, and a serialbattery pack sends a hundred or so signals a second.

#include <sdbus-c++/Message.h>
#include <sdbus-c++/Types.h>

#include <functional>
#include <optional>
#include <string>

#include "core/dbus_battery_image.hpp"

namespace bms::dbus {

/// A value read off the bus, owning its text (so it can be copied and moved).
struct BusItemValue {
  ItemValue::Kind kind = ItemValue::Kind::Invalid;
  double number = 0.0;
  std::string text;
  bool wrong_type = false;  ///< neither number, text nor an empty array: taken as unknown

  static BusItemValue of(double v) {
    BusItemValue b;
    b.kind = ItemValue::Kind::Number;
    b.number = v;
    return b;
  }
  static BusItemValue of_text(std::string t) {
    BusItemValue b;
    b.kind = ItemValue::Kind::Text;
    b.text = std::move(t);
    return b;
  }
  /// The view the mapping takes; valid while this object lives.
  [[nodiscard]] ItemValue item() const noexcept {
    return kind == ItemValue::Kind::Text ? ItemValue::of_text(text) : ItemValue{kind, number, {}};
  }
};

/// Every integer type, double and boolean is a number; an empty array (velib's invalid) is
/// unknown; a string is text; anything else is a wrong type.
[[nodiscard]] BusItemValue item_value_of(const sdbus::Variant& v);

/// ItemsChanged (a{sa{sv}}): calls `each(path, value)` for every item that carries a "Value".
/// @return false when the message does not have that shape.
bool read_items_changed(sdbus::Message& msg, const std::function<void(const std::string&, const BusItemValue&)>& each);

/// PropertiesChanged (a{sv}): the "Value" entry; nullopt when there is none or the shape is wrong.
[[nodiscard]] std::optional<BusItemValue> read_properties_changed(sdbus::Message& msg);

}  // namespace bms::dbus
