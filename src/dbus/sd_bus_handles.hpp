#pragma once
/// @file sd_bus_handles.hpp
/// Owners of libsystemd's reference-counted sd-bus objects, for the few places we use sd-bus
/// directly (busitem_export): each holds one reference and drops it on every path out,
/// an exception included.

#include <systemd/sd-bus.h>

#include <memory>

namespace bms::dbus {

struct SdBusMessageUnref {
  void operator()(sd_bus_message* m) const noexcept { sd_bus_message_unref(m); }
};
/// One reference to an sd_bus_message (a reply being built).
using SdBusMessagePtr = std::unique_ptr<sd_bus_message, SdBusMessageUnref>;

struct SdBusSlotUnref {
  void operator()(sd_bus_slot* s) const noexcept { sd_bus_slot_unref(s); }
};
/// One reference to an sd_bus_slot (a filter or match); dropping it removes the filter.
using SdBusSlotPtr = std::unique_ptr<sd_bus_slot, SdBusSlotUnref>;

}  // namespace bms::dbus
