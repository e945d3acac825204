#include "dbus/item_value_reader.hpp"

#include <cstdint>
#include <vector>

namespace bms::dbus {
namespace {

template <typename T>
BusItemValue number(sdbus::Message& msg) {
  T x{};
  msg >> x;
  return BusItemValue::of(static_cast<double>(x));
}

/// Reads the variant at the cursor. Basic types and `ai` are read in place; anything else
/// goes through an sdbus::Variant (rare: not what battery services send).
BusItemValue read_variant(sdbus::Message& msg) {
  std::string type, contents;
  msg.peekType(type, contents);
  if (type != "v") {
    sdbus::Variant skip;  // not a variant: consume it, report a wrong type
    msg >> skip;
    BusItemValue out;
    out.wrong_type = true;
    return out;
  }
  const auto simple = [&](auto reader) {
    msg.enterVariant(contents);
    BusItemValue out = reader();
    msg.exitVariant();
    return out;
  };
  if (contents == "d") return simple([&] { return number<double>(msg); });
  if (contents == "i") return simple([&] { return number<std::int32_t>(msg); });
  if (contents == "u") return simple([&] { return number<std::uint32_t>(msg); });
  if (contents == "x") return simple([&] { return number<std::int64_t>(msg); });
  if (contents == "t") return simple([&] { return number<std::uint64_t>(msg); });
  if (contents == "n") return simple([&] { return number<std::int16_t>(msg); });
  if (contents == "q") return simple([&] { return number<std::uint16_t>(msg); });
  if (contents == "y") return simple([&] { return number<std::uint8_t>(msg); });
  if (contents == "b") {
    return simple([&] {
      bool b = false;
      msg >> b;
      return BusItemValue::of(b ? 1.0 : 0.0);
    });
  }
  if (contents == "s") {
    return simple([&] {
      std::string text;
      msg >> text;
      return BusItemValue::of_text(std::move(text));
    });
  }
  sdbus::Variant v;
  msg >> v;
  return item_value_of(v);
}

}  // namespace

BusItemValue item_value_of(const sdbus::Variant& v) {
  const std::string type = v.peekValueType();
  if (type == "d") return BusItemValue::of(v.get<double>());
  if (type == "i") return BusItemValue::of(v.get<std::int32_t>());
  if (type == "u") return BusItemValue::of(v.get<std::uint32_t>());
  if (type == "x") return BusItemValue::of(static_cast<double>(v.get<std::int64_t>()));
  if (type == "t") return BusItemValue::of(static_cast<double>(v.get<std::uint64_t>()));
  if (type == "n") return BusItemValue::of(v.get<std::int16_t>());
  if (type == "q") return BusItemValue::of(v.get<std::uint16_t>());
  if (type == "y") return BusItemValue::of(v.get<std::uint8_t>());
  if (type == "b") return BusItemValue::of(v.get<bool>() ? 1.0 : 0.0);
  if (type == "s") return BusItemValue::of_text(v.get<std::string>());
  // velib's invalid is an empty int32 array; other clients use ay or av.
  if ((type == "ai" && v.get<std::vector<std::int32_t>>().empty()) ||
      (type == "av" && v.get<std::vector<sdbus::Variant>>().empty()) ||
      (type == "ay" && v.get<std::vector<std::uint8_t>>().empty())) {
    return BusItemValue{};
  }
  BusItemValue wrong;
  wrong.wrong_type = true;
  return wrong;
}

bool read_items_changed(sdbus::Message& msg, const std::function<void(const std::string&, const BusItemValue&)>& each) {
  if (!msg.enterContainer("{sa{sv}}")) return false;
  std::string path, key;
  while (msg.enterDictEntry("sa{sv}")) {
    msg >> path;
    if (!msg.enterContainer("{sv}")) return false;
    while (msg.enterDictEntry("sv")) {
      msg >> key;
      const BusItemValue v = read_variant(msg);
      if (key == "Value") each(path, v);
      msg.exitDictEntry();
    }
    msg.clearFlags();
    msg.exitContainer();
    msg.exitDictEntry();
  }
  msg.clearFlags();
  msg.exitContainer();
  return true;
}

std::optional<BusItemValue> read_properties_changed(sdbus::Message& msg) {
  if (!msg.enterContainer("{sv}")) return std::nullopt;
  std::optional<BusItemValue> value;
  std::string key;
  while (msg.enterDictEntry("sv")) {
    msg >> key;
    BusItemValue v = read_variant(msg);
    if (key == "Value") value = std::move(v);
    msg.exitDictEntry();
  }
  msg.clearFlags();
  msg.exitContainer();
  return value;
}

}  // namespace bms::dbus
