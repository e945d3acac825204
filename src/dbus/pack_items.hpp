#pragma once
/// @file pack_items.hpp
/// The per-pack subtree of the battery service, `/Batteries/<index>/...` (index: the
/// battery's place in the config, from 0), and the bank's `/History/...`. Pure, like
/// battery_items: every path, value and text is testable without a bus. docs/DBUS.md.

#include <cstddef>
#include <string>

#include "core/settings.hpp"
#include "core/snapshot.hpp"
#include "dbus/item_tree.hpp"

namespace bms::dbus {

/// "/Batteries/2/Soc": the path of `leaf` of pack `index`.
[[nodiscard]] std::string pack_path(std::size_t index, const char* leaf);

/// Adds the subtree of every configured battery (name, source and installed capacity set at
/// once; the rest invalid until a snapshot) and the /History paths (invalid until a snapshot
/// carries history).
void add_pack_items(ItemTree& tree, const Settings& settings);

/// Writes the snapshot's packs and history, rounded like the bank's paths. An offline pack
/// shows Online 0 and every measurement, limit, flag and alarm invalid (never frozen values).
/// @return the number of items that changed.
std::size_t apply_pack_snapshot(ItemTree& tree, const Snapshot& snapshot);

}  // namespace bms::dbus
