#pragma once
/// @file busitem_export.hpp
/// Serves an ItemTree on a bus connection as Victron BusItem objects (sdbus-c++ 1.2.0 API):
///  - every leaf: GetValue -> v, GetText -> s, SetValue(v) -> i, GetDescription(s, i) -> s,
///    signal PropertiesChanged(a{sv});
///  - every node ("/", "/Dc", "/Dc/0"...): GetValue -> v(a{sv}), GetText -> v(a{ss}) with keys
///    relative to the node; "/" also GetItems -> a{sa{sv}} and signal ItemsChanged(a{sa{sv}}).
/// sd-bus answers Introspect on every registered object (children listed) and
/// org.freedesktop.DBus.Error.UnknownObject for any other path.
///
/// All calls (and all method handlers) run on the thread that drives the connection.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dbus/item_tree.hpp"

namespace sdbus {
class IConnection;
class IObject;
}  // namespace sdbus

namespace bms::dbus {

inline constexpr const char* kBusItemInterface = "com.victronenergy.BusItem";

class BusItemExport {
 public:
  /// Handles a client's SetValue on a leaf (the value already converted); returns the wire result.
  using SetValueHandler = std::function<SetResult(const std::string& path, const BusValue& value)>;

  /// Registers an object for every node and leaf of `tree` (which must outlive this).
  /// Does not claim a bus name: the caller does that after this returns, so a client never
  /// sees the name before every path answers. @throws sdbus::Error when registration fails.
  BusItemExport(sdbus::IConnection& connection, const ItemTree& tree, SetValueHandler on_set);
  ~BusItemExport();
  BusItemExport(const BusItemExport&) = delete;
  BusItemExport& operator=(const BusItemExport&) = delete;

  /// One ItemsChanged on "/" with {"/abs/path": {"Value": v, "Text": s}} for each path.
  void emit_items_changed(const std::vector<std::string>& paths);
  /// PropertiesChanged {"Value", "Text"} on the leaf's own object.
  void emit_properties_changed(const std::string& path);

  [[nodiscard]] std::size_t object_count() const noexcept { return objects_.size(); }

 private:
  void register_leaf(sdbus::IObject& object, const std::string& path);
  void register_node(sdbus::IObject& object, const std::string& path);

  const ItemTree& tree_;
  SetValueHandler on_set_;
  std::vector<std::unique_ptr<sdbus::IObject>> objects_;
  std::map<std::string, sdbus::IObject*> by_path_;
};

}  // namespace bms::dbus
