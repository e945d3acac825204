#include "dbus/busitem_wire.hpp"

#include <cstdint>
#include <cstring>
#include <limits>

namespace bms::dbus {
namespace {

int append_item_entry(sd_bus_message* m, const std::string& path, const Item& item) {
  int r = sd_bus_message_open_container(m, 'e', "sa{sv}");
  if (r >= 0) r = sd_bus_message_append_basic(m, 's', path.c_str());
  if (r >= 0) r = append_value_and_text(m, item);
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

}  // namespace

int append_value(sd_bus_message* m, const BusValue& value) {
  if (const auto* i = std::get_if<std::int32_t>(&value)) return sd_bus_message_append(m, "v", "i", *i);
  if (const auto* d = std::get_if<double>(&value)) return sd_bus_message_append(m, "v", "d", *d);
  if (const auto* s = std::get_if<std::string>(&value)) return sd_bus_message_append(m, "v", "s", s->c_str());
  int r = sd_bus_message_open_container(m, 'v', "ai");
  if (r >= 0) r = sd_bus_message_append_array(m, 'i', nullptr, 0);
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

int append_value_and_text(sd_bus_message* m, const Item& item) {
  int r = sd_bus_message_open_container(m, 'a', "{sv}");
  if (r >= 0) r = sd_bus_message_open_container(m, 'e', "sv");
  if (r >= 0) r = sd_bus_message_append_basic(m, 's', "Value");
  if (r >= 0) r = append_value(m, item.value);
  if (r >= 0) r = sd_bus_message_close_container(m);
  if (r >= 0) r = sd_bus_message_append(m, "{sv}", "Text", "s", item.text.c_str());
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

int append_subtree(sd_bus_message* m, const ItemTree& tree, std::string_view node, bool texts) {
  int r = sd_bus_message_open_container(m, 'v', texts ? "a{ss}" : "a{sv}");
  if (r >= 0) r = sd_bus_message_open_container(m, 'a', texts ? "{ss}" : "{sv}");
  std::string key;  // sd-bus takes C strings; one buffer for every key
  tree.for_each_below(node, [&](std::string_view relative, const Item& item) {
    if (r < 0) return;
    key.assign(relative);
    r = sd_bus_message_open_container(m, 'e', texts ? "ss" : "sv");
    if (r >= 0) r = sd_bus_message_append_basic(m, 's', key.c_str());
    if (r >= 0) r = texts ? sd_bus_message_append_basic(m, 's', item.text.c_str()) : append_value(m, item.value);
    if (r >= 0) r = sd_bus_message_close_container(m);
  });
  if (r >= 0) r = sd_bus_message_close_container(m);
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

int append_items(sd_bus_message* m, const ItemTree& tree) {
  int r = sd_bus_message_open_container(m, 'a', "{sa{sv}}");
  for (const auto& [path, item] : tree.items()) {
    if (r < 0) break;
    r = append_item_entry(m, path, item);
  }
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

int append_items(sd_bus_message* m, const ItemTree& tree, const std::vector<std::string>& paths) {
  int r = sd_bus_message_open_container(m, 'a', "{sa{sv}}");
  for (const std::string& path : paths) {
    if (r < 0) break;
    if (const Item* item = tree.find(path)) r = append_item_entry(m, path, *item);
  }
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

std::optional<BusValue> read_value(sd_bus_message* call) {
  char type = 0;
  const char* contents = nullptr;
  if (sd_bus_message_peek_type(call, &type, &contents) <= 0 || type != 'v' || contents == nullptr) return std::nullopt;
  if (sd_bus_message_enter_container(call, 'v', contents) < 0) return std::nullopt;
  const auto as_int = [](long long v) -> std::optional<BusValue> {
    if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
      return std::nullopt;
    return BusValue(static_cast<std::int32_t>(v));
  };
  if (contents[0] == 'a') {
    if (sd_bus_message_enter_container(call, 'a', contents + 1) < 0) return std::nullopt;
    return sd_bus_message_at_end(call, false) > 0 ? std::optional<BusValue>(BusValue{}) : std::nullopt;
  }
  if (std::strlen(contents) != 1) return std::nullopt;
  union {
    std::int32_t i;
    std::uint32_t u;
    std::int64_t x;
    std::uint64_t t;
    std::int16_t n;
    std::uint16_t q;
    std::uint8_t y;
    int b;
    double d;
    const char* s;
  } v{};
  if (sd_bus_message_read_basic(call, contents[0], &v) < 0) return std::nullopt;
  switch (contents[0]) {
    case 'i':
      return BusValue(v.i);
    case 'u':
      return as_int(static_cast<long long>(v.u));
    case 'x':
      return as_int(v.x);
    case 't':
      return v.t > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())
                 ? std::nullopt
                 : as_int(static_cast<long long>(v.t));
    case 'n':
      return BusValue(static_cast<std::int32_t>(v.n));
    case 'q':
      return BusValue(static_cast<std::int32_t>(v.q));
    case 'y':
      return BusValue(static_cast<std::int32_t>(v.y));
    case 'b':
      return BusValue(static_cast<std::int32_t>(v.b != 0 ? 1 : 0));
    case 'd':
      return BusValue(v.d);
    case 's':
      return BusValue(std::string(v.s));
    default:
      return std::nullopt;
  }
}

}  // namespace bms::dbus
