#include "dbus/busitem_export.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include "dbus/variant_convert.hpp"

namespace bms::dbus {
namespace {

using ItemMap = std::map<std::string, sdbus::Variant>;
using ItemsMap = std::map<std::string, ItemMap>;

ItemMap value_and_text(const Item& item) {
  return ItemMap{{"Value", to_variant(item.value)}, {"Text", sdbus::Variant(item.text)}};
}

}  // namespace

BusItemExport::BusItemExport(sdbus::IConnection& connection, const ItemTree& tree, SetValueHandler on_set)
    : tree_(tree), on_set_(std::move(on_set)) {
  // Nodes first, "/" first among them: the order does not matter to sd-bus, but it keeps the
  // registration log readable.
  for (const std::string& node : tree_.nodes()) {
    auto object = sdbus::createObject(connection, node);
    register_node(*object, node);
    object->finishRegistration();
    by_path_[node] = object.get();
    objects_.push_back(std::move(object));
  }
  for (const auto& [path, item] : tree_.items()) {
    auto object = sdbus::createObject(connection, path);
    register_leaf(*object, path);
    object->finishRegistration();
    by_path_[path] = object.get();
    objects_.push_back(std::move(object));
  }
}

BusItemExport::~BusItemExport() = default;

void BusItemExport::register_leaf(sdbus::IObject& object, const std::string& path) {
  object.registerMethod(kBusItemInterface, "GetValue", "", "v", [this, path](sdbus::MethodCall call) {
    auto reply = call.createReply();
    reply << to_variant(tree_.find(path)->value);
    reply.send();
  });
  object.registerMethod(kBusItemInterface, "GetText", "", "s", [this, path](sdbus::MethodCall call) {
    auto reply = call.createReply();
    reply << tree_.find(path)->text;
    reply.send();
  });
  object.registerMethod(kBusItemInterface, "SetValue", "v", "i", [this, path](sdbus::MethodCall call) {
    sdbus::Variant requested;
    call >> requested;
    const std::optional<BusValue> value = from_variant(requested);
    const SetResult result = value ? on_set_(path, *value) : SetResult::NotWriteable;
    auto reply = call.createReply();
    reply << static_cast<std::int32_t>(result);
    reply.send();
  });
  object.registerMethod(kBusItemInterface, "GetDescription", "si", "s", [this, path](sdbus::MethodCall call) {
    std::string language;
    std::int32_t length = 0;
    call >> language >> length;  // one language only; read to validate the call's signature
    auto reply = call.createReply();
    reply << tree_.find(path)->spec.description;
    reply.send();
  });
  object.registerSignal(kBusItemInterface, "PropertiesChanged", "a{sv}");
}

void BusItemExport::register_node(sdbus::IObject& object, const std::string& path) {
  object.registerMethod(kBusItemInterface, "GetValue", "", "v", [this, path](sdbus::MethodCall call) {
    ItemMap values;
    tree_.for_each_below(path,
                         [&](std::string_view key, const Item& item) { values.emplace(key, to_variant(item.value)); });
    auto reply = call.createReply();
    reply << sdbus::Variant(values);
    reply.send();
  });
  object.registerMethod(kBusItemInterface, "GetText", "", "v", [this, path](sdbus::MethodCall call) {
    std::map<std::string, std::string> texts;
    tree_.for_each_below(path, [&](std::string_view key, const Item& item) { texts.emplace(key, item.text); });
    auto reply = call.createReply();
    reply << sdbus::Variant(texts);
    reply.send();
  });
  if (path != "/") return;
  object.registerMethod(kBusItemInterface, "GetItems", "", "a{sa{sv}}", [this](sdbus::MethodCall call) {
    ItemsMap items;
    for (const auto& [item_path, item] : tree_.items()) items.emplace(item_path, value_and_text(item));
    auto reply = call.createReply();
    reply << items;
    reply.send();
  });
  object.registerSignal(kBusItemInterface, "ItemsChanged", "a{sa{sv}}");
}

void BusItemExport::emit_items_changed(const std::vector<std::string>& paths) {
  if (paths.empty()) return;
  ItemsMap items;
  for (const std::string& path : paths) {
    if (const Item* item = tree_.find(path)) items.emplace(path, value_and_text(*item));
  }
  auto signal = by_path_.at("/")->createSignal(kBusItemInterface, "ItemsChanged");
  signal << items;
  by_path_.at("/")->emitSignal(signal);
}

void BusItemExport::emit_properties_changed(const std::string& path) {
  const Item* item = tree_.find(path);
  if (item == nullptr) return;
  auto* object = by_path_.at(path);
  auto signal = object->createSignal(kBusItemInterface, "PropertiesChanged");
  signal << value_and_text(*item);
  object->emitSignal(signal);
}

}  // namespace bms::dbus
