#include "dbus/busitem_export.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>

#include "dbus/busitem_introspection.hpp"
#include "dbus/busitem_wire.hpp"
#include "dbus/sd_bus_access.hpp"

namespace bms::dbus {
namespace {

/// No members: it only marks which paths exist (see the header). Static, as sd-bus keeps a
/// pointer to it for as long as the slot lives.
const sd_bus_vtable kPathsExist[] = {SD_BUS_VTABLE_START(0), SD_BUS_VTABLE_END};

int find_path(sd_bus* /*bus*/, const char* path, const char* /*interface*/, void* self, void** found,
              sd_bus_error* /*error*/) {
  if (!static_cast<const BusItemExport*>(self)->serves(path)) return 0;
  *found = self;
  return 1;
}

int on_message(sd_bus_message* message, void* self, sd_bus_error* /*error*/) {
  try {
    return static_cast<BusItemExport*>(self)->handle(message);
  } catch (const std::exception&) {
    return -EIO;  // sd-bus answers the call with an error; the bus thread carries on
  }
}

enum class Member { GetValue, GetText, SetValue, GetDescription, GetItems, Other };

Member member_of(std::string_view name) {
  if (name == "GetValue") return Member::GetValue;
  if (name == "GetText") return Member::GetText;
  if (name == "SetValue") return Member::SetValue;
  if (name == "GetDescription") return Member::GetDescription;
  if (name == "GetItems") return Member::GetItems;
  return Member::Other;
}

/// The arguments a member takes, as sd-bus would check them for a vtable method.
const char* in_signature(Member member) {
  switch (member) {
    case Member::SetValue:
      return "v";
    case Member::GetDescription:
      return "si";
    default:
      return "";
  }
}

std::string errno_text(int result) { return std::strerror(-result); }

}  // namespace

BusItemExport::BusItemExport(sdbus::IConnection& connection, const ItemTree& tree, SetValueHandler on_set)
    : bus_(sd_bus_of(connection)), tree_(tree), on_set_(std::move(on_set)) {
  sd_bus_slot* slot = nullptr;
  int r = sd_bus_add_fallback_vtable(bus_, &slot, "/", kBusItemInterface, kPathsExist, &find_path, this);
  if (r < 0) throw std::runtime_error("sd_bus_add_fallback_vtable: " + errno_text(r));
  vtable_.reset(slot);
  slot = nullptr;
  r = sd_bus_add_filter(bus_, &slot, &on_message, this);
  if (r < 0) throw std::runtime_error("sd_bus_add_filter: " + errno_text(r));
  filter_.reset(slot);
}

BusItemExport::~BusItemExport() = default;

int BusItemExport::handle(sd_bus_message* call) {
  std::uint8_t type = 0;
  if (sd_bus_message_get_type(call, &type) < 0 || type != SD_BUS_MESSAGE_METHOD_CALL) return 0;
  const char* path = sd_bus_message_get_path(call);
  const char* member = sd_bus_message_get_member(call);
  if (path == nullptr || member == nullptr) return 0;
  const Item* leaf = tree_.find(path);
  if (leaf == nullptr && !tree_.is_node(path)) return 0;  // sd-bus answers UnknownObject
  const char* interface = sd_bus_message_get_interface(call);
  if (interface == nullptr || std::strcmp(interface, kBusItemInterface) == 0) {
    return answer_busitem(call, interface != nullptr, path, member, leaf);
  }
  if (std::strcmp(interface, "org.freedesktop.DBus.Introspectable") == 0 && std::strcmp(member, "Introspect") == 0) {
    return answer_introspect(call, path);
  }
  return 0;  // Properties, Peer, other interfaces: sd-bus, through the vtable
}

int BusItemExport::answer_busitem(sd_bus_message* call, bool named, std::string_view path, const char* name,
                                  const Item* leaf) {
  const Member member = member_of(name);
  const bool has = member == Member::GetValue || member == Member::GetText ||
                   (leaf != nullptr && (member == Member::SetValue || member == Member::GetDescription)) ||
                   (member == Member::GetItems && path == "/");
  // Not this path's: sd-bus answers UnknownMethod (UnknownObject for a call without an interface).
  if (!has) return 0;
  if (named) {
    const char* signature = sd_bus_message_get_signature(call, true);
    if (std::strcmp(signature, in_signature(member)) != 0) {
      // sd-bus's own answer when a vtable method's arguments do not match.
      const int r = sd_bus_reply_method_errorf(call, SD_BUS_ERROR_INVALID_ARGS,
                                               "Invalid arguments '%s' to call %s.%s(), expecting '%s'.", signature,
                                               kBusItemInterface, name, in_signature(member));
      return r < 0 ? r : 1;
    }
  }
  std::optional<SetResult> set_result;
  if (member == Member::SetValue) {
    const std::optional<BusValue> value = read_value(call);
    set_result = value ? on_set_(std::string(path), *value) : SetResult::NotWriteable;
  }
  if (sd_bus_message_get_expect_reply(call) == 0) return 1;

  // Owned from creation: building the reply can throw (std::bad_alloc), and the message must
  // not leak then.
  sd_bus_message* reply = nullptr;
  int r = sd_bus_message_new_method_return(call, &reply);
  const SdBusMessagePtr owned(reply);
  if (r < 0) return r;
  switch (member) {
    case Member::GetValue:
      r = leaf != nullptr ? append_value(reply, leaf->value) : append_subtree(reply, tree_, path, false);
      break;
    case Member::GetText:
      r = leaf != nullptr ? sd_bus_message_append_basic(reply, 's', leaf->text.c_str())
                          : append_subtree(reply, tree_, path, true);
      break;
    case Member::SetValue:
      r = sd_bus_message_append(reply, "i", static_cast<std::int32_t>(*set_result));
      break;
    case Member::GetDescription:
      // One language only; the arguments are not needed.
      r = sd_bus_message_append_basic(reply, 's', leaf->spec.description.c_str());
      break;
    case Member::GetItems:
      r = append_items(reply, tree_);
      break;
    case Member::Other:
      return 0;
  }
  if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
  return r < 0 ? r : 1;
}

int BusItemExport::answer_introspect(sd_bus_message* call, std::string_view path) {
  if (!std::string_view(sd_bus_message_get_signature(call, true)).empty()) return 0;  // sd-bus: InvalidArgs
  const std::string xml = introspection_xml(tree_, path);
  const int r = sd_bus_reply_method_return(call, "s", xml.c_str());
  return r < 0 ? r : 1;
}

void BusItemExport::emit_items_changed(const std::vector<std::string>& paths) {
  if (paths.empty()) return;
  sd_bus_message* signal = nullptr;
  int r = sd_bus_message_new_signal(bus_, &signal, "/", kBusItemInterface, "ItemsChanged");
  const SdBusMessagePtr owned(signal);
  if (r >= 0) r = append_items(signal, tree_, paths);
  if (r >= 0) r = sd_bus_send(bus_, signal, nullptr);
  report_emit("ItemsChanged", "/", r);
}

void BusItemExport::emit_properties_changed(const std::string& path) {
  const Item* item = tree_.find(path);
  if (item == nullptr) return;
  sd_bus_message* signal = nullptr;
  int r = sd_bus_message_new_signal(bus_, &signal, path.c_str(), kBusItemInterface, "PropertiesChanged");
  const SdBusMessagePtr owned(signal);
  if (r >= 0) r = append_value_and_text(signal, *item);
  if (r >= 0) r = sd_bus_send(bus_, signal, nullptr);
  report_emit("PropertiesChanged", path, r);
}

void BusItemExport::report_emit(const char* signal, std::string_view path, int result) {
  if (result >= 0) {
    emit_failing_ = false;
    return;
  }
  // Once until a signal goes out again: a bus that refuses every signal must not flood the
  // log at the update rate. A dead connection is found and replaced by the service's poll loop.
  if (emit_failing_) return;
  emit_failing_ = true;
  spdlog::warn("D-Bus: cannot send {} on {}: {} (not logged again until a signal goes out)", signal, path,
               errno_text(result));
}

}  // namespace bms::dbus
