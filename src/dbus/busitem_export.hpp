#pragma once
/// @file busitem_export.hpp
/// Serves an ItemTree on a bus connection as Victron BusItem objects:
///  - every leaf: GetValue -> v, GetText -> s, SetValue(v) -> i, GetDescription(s, i) -> s,
///    signal PropertiesChanged(a{sv});
///  - every node ("/", "/Dc", "/Dc/0"...): GetValue -> v(a{sv}), GetText -> v(a{ss}) with keys
///    relative to the node; "/" also GetItems -> a{sa{sv}} and signal ItemsChanged(a{sa{sv}}).
/// Introspect answers on every leaf and node (its members, its children) and
/// org.freedesktop.DBus.Error.UnknownObject on any other path. Calls without an interface name
/// are answered too (below).
///
/// How, in constant memory whatever the number of items (libsystemd's sd-bus directly; an
/// sdbus-c++ object per path cost about 2 KB of heap each, 400 KB with 3 batteries):
///  - one sd-bus message filter answers every BusItem call on a path of the tree, with the
///    interface named or not, and Introspect there (busitem_introspection);
///  - one fallback vtable on "/" with no members, whose find callback accepts exactly the
///    tree's leaves and nodes, tells sd-bus which paths exist: it then answers what is not
///    ours as for any object (UnknownMethod for a member a path does not have, UnknownObject
///    off the tree, org.freedesktop.DBus.Properties with no properties, Peer).
/// Why a filter rather than vtable methods: sd-bus makes every path under a fallback declare
/// the same members, and seals each reply against its member's declared signature, while a
/// node's GetText answers v and a leaf's s.
///
/// Calls without an interface: Venus OS's Python clients make them. dbus-systemcalc-py's
/// DbusMonitor scans a new service with `call_blocking(name, '/DeviceInstance', None,
/// 'GetValue', ...)` and skips the service if that fails; velib's VeDbusItemImport calls
/// `proxy.GetValue()`/`proxy.SetValue(v)` on an un-introspected proxy. The D-Bus spec makes the
/// interface optional on method calls and dbus-python services dispatch by member name, but
/// sd-bus dispatches only calls that name one; without the filter DVCC would never see the
/// battery. Their arguments are read leniently, as velib does (no signature check); a call
/// without an interface that the path cannot answer gets UnknownObject, as sd-bus says for any
/// call it cannot place.
///
/// All calls (and all handlers) run on the thread that drives the connection.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dbus/item_tree.hpp"
#include "dbus/sd_bus_handles.hpp"

namespace sdbus {
class IConnection;
}  // namespace sdbus

namespace bms::dbus {

inline constexpr const char* kBusItemInterface = "com.victronenergy.BusItem";

class BusItemExport {
 public:
  /// Handles a client's SetValue on a leaf (the value already converted); returns the wire result.
  using SetValueHandler = std::function<SetResult(const std::string& path, const BusValue& value)>;

  /// Serves every node and leaf of `tree` (which must outlive this) on `connection` (which must
  /// outlive this too). Does not claim a bus name: the caller does that after this returns, so
  /// a client never sees the name before every path answers.
  /// @throws std::runtime_error naming the sd-bus call when registration fails.
  BusItemExport(sdbus::IConnection& connection, const ItemTree& tree, SetValueHandler on_set);
  ~BusItemExport();
  BusItemExport(const BusItemExport&) = delete;
  BusItemExport& operator=(const BusItemExport&) = delete;

  /// One ItemsChanged on "/" with {"/abs/path": {"Value": v, "Text": s}} for each path.
  /// A failure to send is logged (once until a signal goes out again), not thrown.
  void emit_items_changed(const std::vector<std::string>& paths);
  /// PropertiesChanged {"Value", "Text"} on the leaf's own path. Failures as above.
  void emit_properties_changed(const std::string& path);

  /// Paths served: leaves and nodes.
  [[nodiscard]] std::size_t path_count() const noexcept { return tree_.items().size() + tree_.node_count(); }

  /// The filter's work: @return 1 when `message` was a call this export answered, 0 to let
  /// sd-bus process it, < 0 an sd-bus error (sd-bus then answers the call with it).
  int handle(sd_bus_message* message);
  /// True for the paths served (the vtable's find callback).
  [[nodiscard]] bool serves(std::string_view path) const { return tree_.find(path) != nullptr || tree_.is_node(path); }

 private:
  int answer_busitem(sd_bus_message* call, bool named, std::string_view path, const char* member, const Item* leaf);
  int answer_introspect(sd_bus_message* call, std::string_view path);
  void report_emit(const char* signal, std::string_view path, int result);

  sd_bus* bus_;
  const ItemTree& tree_;
  SetValueHandler on_set_;
  bool emit_failing_ = false;  ///< the last signal could not be sent (its failure was logged)
  SdBusSlotPtr vtable_;        ///< released (unregistered) on destruction
  SdBusSlotPtr filter_;
};

}  // namespace bms::dbus
