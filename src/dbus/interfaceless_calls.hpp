#pragma once
/// @file interfaceless_calls.hpp
/// Answers BusItem method calls that carry no interface name.
///
/// Why: Venus OS's Python clients call without one. dbus-systemcalc-py's DbusMonitor scans a
/// new service with `call_blocking(name, '/DeviceInstance', None, 'GetValue', ...)` and skips
/// the service if that fails; velib's VeDbusItemImport calls `proxy.GetValue()` and
/// `proxy.SetValue(v)` on an un-introspected proxy. The D-Bus spec makes the interface
/// optional on method calls, and dbus-python and QtDBus services dispatch by member name, but
/// sd-bus (under sdbus-c++) only dispatches calls that name an interface and answers the rest
/// with UnknownObject. Without this shim DVCC would never see the battery.
///
/// How: an sd-bus message filter on the service's connection (it runs before object dispatch)
/// takes interface-less GetValue/GetText/SetValue/GetDescription/GetItems on our paths and
/// answers them from the same ItemTree and SetValue handler as the sdbus-c++ objects. Every
/// other message passes through untouched. sdbus-c++ 1.2.0 does not expose its sd_bus, so it
/// is taken from a message the connection creates (see the .cpp).

#include "dbus/busitem_export.hpp"
#include "dbus/item_tree.hpp"
#include "dbus/sd_bus_handles.hpp"

namespace sdbus {
class IConnection;
}

namespace bms::dbus {

class InterfacelessCalls {
 public:
  /// Installs the filter. `tree` and `on_set` must outlive this object, which must be destroyed
  /// before `connection`. @throws std::runtime_error if the filter cannot be installed.
  InterfacelessCalls(sdbus::IConnection& connection, const ItemTree& tree, BusItemExport::SetValueHandler on_set);
  ~InterfacelessCalls();
  InterfacelessCalls(const InterfacelessCalls&) = delete;
  InterfacelessCalls& operator=(const InterfacelessCalls&) = delete;

  /// The filter's work: @return 1 when the message was an interface-less BusItem call on one
  /// of our paths and has been answered, 0 to let sd-bus process it, < 0 on an sd-bus error.
  int handle(sd_bus_message* message);

 private:
  const ItemTree& tree_;
  BusItemExport::SetValueHandler on_set_;
  SdBusSlotPtr slot_;  ///< the filter; released (removed) on destruction
};

}  // namespace bms::dbus
