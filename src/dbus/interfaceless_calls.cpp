#include "dbus/interfaceless_calls.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-bus.h>

#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace bms::dbus {
namespace {

/// sdbus-c++ 1.2.0 keeps the sd_bus_message in the protected member Message::msg_ (public
/// header, stable for the 1.2 ABI). A pointer to a protected member named through a derived
/// class is the standard-conforming way to read it; nothing is instantiated.
struct MessageAccess : sdbus::Message {
  static sd_bus_message* raw(const sdbus::Message& m) {
    return static_cast<sd_bus_message*>(m.*(&MessageAccess::msg_));
  }
};

/// The connection's sd_bus: the bus a freshly created (never sent) message belongs to.
sd_bus* bus_of(sdbus::IConnection& connection) {
  auto proxy = sdbus::createProxy(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  const sdbus::MethodCall probe = proxy->createMethodCall("org.freedesktop.DBus", "GetId");
  sd_bus* bus = sd_bus_message_get_bus(MessageAccess::raw(probe));
  if (bus == nullptr) throw std::runtime_error("cannot reach the sd_bus of the connection");
  return bus;
}

int append_value(sd_bus_message* reply, const BusValue& value) {
  if (const auto* i = std::get_if<std::int32_t>(&value)) return sd_bus_message_append(reply, "v", "i", *i);
  if (const auto* d = std::get_if<double>(&value)) return sd_bus_message_append(reply, "v", "d", *d);
  if (const auto* s = std::get_if<std::string>(&value)) return sd_bus_message_append(reply, "v", "s", s->c_str());
  // Invalid: an empty int32 array, as the sdbus-c++ objects send it.
  int r = sd_bus_message_open_container(reply, 'v', "ai");
  if (r >= 0) r = sd_bus_message_append_array(reply, 'i', nullptr, 0);
  if (r >= 0) r = sd_bus_message_close_container(reply);
  return r;
}

/// Reads the SetValue argument like from_variant(): integers that fit int32, double, string,
/// an empty array as invalid. nullopt for anything else (SetValue answers 1).
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

/// a{sv} (values) or a{ss} (texts) of every leaf below `node`, inside a variant.
int append_subtree(sd_bus_message* reply, const ItemTree& tree, const std::string& node, bool texts) {
  int r = sd_bus_message_open_container(reply, 'v', texts ? "a{ss}" : "a{sv}");
  if (r >= 0) r = sd_bus_message_open_container(reply, 'a', texts ? "{ss}" : "{sv}");
  tree.for_each_below(node, [&](std::string_view key, const Item& item) {
    if (r < 0) return;
    const std::string k(key);
    r = sd_bus_message_open_container(reply, 'e', texts ? "ss" : "sv");
    if (r >= 0) r = sd_bus_message_append_basic(reply, 's', k.c_str());
    if (r >= 0)
      r = texts ? sd_bus_message_append_basic(reply, 's', item.text.c_str()) : append_value(reply, item.value);
    if (r >= 0) r = sd_bus_message_close_container(reply);
  });
  if (r >= 0) r = sd_bus_message_close_container(reply);
  if (r >= 0) r = sd_bus_message_close_container(reply);
  return r;
}

int append_items(sd_bus_message* reply, const ItemTree& tree) {
  int r = sd_bus_message_open_container(reply, 'a', "{sa{sv}}");
  for (const auto& [path, item] : tree.items()) {
    if (r < 0) break;
    r = sd_bus_message_open_container(reply, 'e', "sa{sv}");
    if (r >= 0) r = sd_bus_message_append_basic(reply, 's', path.c_str());
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "{sv}");
    if (r >= 0) r = sd_bus_message_open_container(reply, 'e', "sv");
    if (r >= 0) r = sd_bus_message_append_basic(reply, 's', "Value");
    if (r >= 0) r = append_value(reply, item.value);
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_message_append(reply, "{sv}", "Text", "s", item.text.c_str());
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_message_close_container(reply);
  }
  if (r >= 0) r = sd_bus_message_close_container(reply);
  return r;
}

int on_message(sd_bus_message* message, void* self, sd_bus_error* /*error*/) {
  try {
    return static_cast<InterfacelessCalls*>(self)->handle(message);
  } catch (const std::exception&) {
    return -EIO;  // sd-bus answers the call with an error; the bus thread carries on
  }
}

}  // namespace

InterfacelessCalls::InterfacelessCalls(sdbus::IConnection& connection, const ItemTree& tree,
                                       BusItemExport::SetValueHandler on_set)
    : tree_(tree), on_set_(std::move(on_set)) {
  sd_bus_slot* slot = nullptr;
  const int r = sd_bus_add_filter(bus_of(connection), &slot, &on_message, this);
  if (r < 0) throw std::runtime_error(std::string("sd_bus_add_filter: ") + std::strerror(-r));
  slot_.reset(slot);
}

InterfacelessCalls::~InterfacelessCalls() = default;

int InterfacelessCalls::handle(sd_bus_message* call) {
  std::uint8_t type = 0;
  if (sd_bus_message_get_type(call, &type) < 0 || type != SD_BUS_MESSAGE_METHOD_CALL) return 0;
  if (sd_bus_message_get_interface(call) != nullptr) return 0;  // sdbus-c++'s objects take those
  const char* path_c = sd_bus_message_get_path(call);
  const char* member_c = sd_bus_message_get_member(call);
  if (path_c == nullptr || member_c == nullptr) return 0;
  const std::string path(path_c);
  const std::string member(member_c);
  const Item* leaf = tree_.find(path);
  const bool node = tree_.is_node(path);
  if (leaf == nullptr && !node) return 0;  // sd-bus answers UnknownObject

  // Owned from creation: building the reply can throw (std::bad_alloc), and the message
  // must not leak then.
  SdBusMessagePtr owned_reply;
  sd_bus_message* reply = nullptr;
  int r = 0;
  const auto new_reply = [&] {
    const int made = sd_bus_message_new_method_return(call, &reply);
    owned_reply.reset(reply);
    return made;
  };
  if (member == "GetValue") {
    r = new_reply();
    if (r >= 0) r = leaf != nullptr ? append_value(reply, leaf->value) : append_subtree(reply, tree_, path, false);
  } else if (member == "GetText") {
    r = new_reply();
    if (r >= 0)
      r = leaf != nullptr ? sd_bus_message_append_basic(reply, 's', leaf->text.c_str())
                          : append_subtree(reply, tree_, path, true);
  } else if (member == "SetValue" && leaf != nullptr) {
    const std::optional<BusValue> value = read_value(call);
    const SetResult result = value ? on_set_(path, *value) : SetResult::NotWriteable;
    if (sd_bus_message_get_expect_reply(call) == 0) return 1;
    r = new_reply();
    if (r >= 0) r = sd_bus_message_append(reply, "i", static_cast<std::int32_t>(result));
  } else if (member == "GetDescription" && leaf != nullptr) {
    r = new_reply();
    if (r >= 0) r = sd_bus_message_append_basic(reply, 's', leaf->spec.description.c_str());
  } else if (member == "GetItems" && path == "/") {
    r = new_reply();
    if (r >= 0) r = append_items(reply, tree_);
  } else {
    return 0;  // not ours (Introspect etc. always carry an interface)
  }
  if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
  return r < 0 ? r : 1;
}

}  // namespace bms::dbus
