#pragma once
/// @file busitem_wire.hpp
/// BusItem values written to and read from sd-bus messages (libsystemd directly), with Venus's
/// conventions: invalid is an empty int32 array `ai []`; node answers carry keys relative to
/// the node; batches carry {"Value": v, "Text": s} per absolute path. Every function returns
/// sd-bus's result: >= 0 done, < 0 a negative errno (the message is then unusable).

#include <systemd/sd-bus.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dbus/item_tree.hpp"

namespace bms::dbus {

/// One variant: int32 as "i", double as "d", string as "s", invalid as an empty "ai".
int append_value(sd_bus_message* m, const BusValue& value);

/// {"Value": v, "Text": s} as a{sv}: what PropertiesChanged carries.
int append_value_and_text(sd_bus_message* m, const Item& item);

/// A variant holding a{sv} (the values, `texts` false) or a{ss} (the texts) of every leaf below
/// `node`, keyed relative to it: what GetValue and GetText answer on a node.
int append_subtree(sd_bus_message* m, const ItemTree& tree, std::string_view node, bool texts);

/// a{sa{sv}} of every leaf: what GetItems answers.
int append_items(sd_bus_message* m, const ItemTree& tree);
/// a{sa{sv}} of the leaves in `paths` (others skipped): what ItemsChanged carries.
int append_items(sd_bus_message* m, const ItemTree& tree, const std::vector<std::string>& paths);

/// Reads a SetValue argument (the message positioned at it): any integer type that fits int32
/// becomes Int, "d" Double, "s" String, an empty array of any type invalid. nullopt for
/// anything else, a value that is not a variant included (SetValue then answers 1).
[[nodiscard]] std::optional<BusValue> read_value(sd_bus_message* call);

}  // namespace bms::dbus
