#pragma once
/// @file battery_items.hpp
/// The battery service's paths (docs/DBUS.md) and how a Snapshot fills them. Pure: builds
/// and updates an ItemTree, so every value and text is testable without a bus.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/settings.hpp"
#include "core/snapshot.hpp"
#include "dbus/item_tree.hpp"

namespace bms::dbus {

/// The mandatory identity paths that are not in the config.
struct ServiceIdentity {
  std::string process_name = "bms-aggregator";  ///< /Mgmt/ProcessName
  std::string process_version;                  ///< /Mgmt/ProcessVersion; empty: the build version
  std::string connection;                       ///< /Mgmt/Connection; empty: "CAN can0, can1" from the batteries
  std::string serial;                           ///< /Serial; empty: "BMSAGG" + device instance
};

/// Adds every path with its spec and sets the ones known before any snapshot (identity,
/// /Connected = 1, /CustomName = `custom_name`, /System/NrOfBatteries). Snapshot paths stay
/// invalid until apply_snapshot(). /CustomName is writeable and validated by core/custom_name.
void add_battery_items(ItemTree& tree, const Settings& settings, const ServiceIdentity& identity,
                       const std::string& custom_name);

/// Writes the snapshot's values, rounded to the resolution shown (so sub-resolution jitter is
/// not a change); unknown values become invalid. @return the number of items that changed.
std::size_t apply_snapshot(ItemTree& tree, const Snapshot& snapshot);

}  // namespace bms::dbus
