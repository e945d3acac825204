#pragma once
/// @file busitem_introspection.hpp
/// The org.freedesktop.DBus.Introspectable answer for a path of the tree, made here rather
/// than by sd-bus: one sd-bus vtable serves every path, and sd-bus would declare the same
/// members on all of them, while a leaf, a node and "/" each have their own (docs/DBUS.md).
/// Same layout as sd-bus's own: the standard interfaces, com.victronenergy.BusItem with the
/// members of this kind of path in name order, then the direct children.

#include <string>
#include <string_view>

#include "dbus/item_tree.hpp"

namespace bms::dbus {

/// The XML for `path`; "" when `path` is neither a leaf nor a node of `tree`.
[[nodiscard]] std::string introspection_xml(const ItemTree& tree, std::string_view path);

}  // namespace bms::dbus
