#pragma once
/// @file item_tree.hpp
/// The Victron BusItem object model as plain data: leaf items at absolute paths ("/Dc/0/Voltage"),
/// the tree nodes above them ("/", "/Dc", "/Dc/0"), values, texts, writeability, validation
/// and the set of items changed since the last take_changes(). No D-Bus here: the sdbus glue
/// (busitem_export) serves it, and unit tests drive it directly.
///
/// Not thread-safe: one thread (the bus thread) owns it.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dbus/bus_value.hpp"

namespace bms::dbus {

/// The unit text of a temperature; the degree sign in UTF-8, as D-Bus strings must be.
inline constexpr const char* kDegC =
    "\xC2\xB0"
    "C";

/// SetValue's result on the wire (com.victronenergy.BusItem).
enum class SetResult : std::int32_t {
  Accepted = 0,      ///< stored (also when equal to the current value)
  NotWriteable = 1,  ///< read-only item, or a value of the wrong type
  Rejected = 2,      ///< the item's validation refused the value
};

/// How one item behaves: its type, how its text is made, whether clients may write it.
struct ItemSpec {
  ValueKind kind = ValueKind::Double;
  std::string description;
  std::function<std::string(const BusValue&)> text = format_plain;  ///< never called for invalid
  bool writeable = false;
  /// For writeable items: true accepts. Called with a value of the right kind or invalid.
  std::function<bool(const BusValue&)> validate;
};

struct Item {
  ItemSpec spec;
  BusValue value;
  std::string text = "---";
};

class ItemTree {
 public:
  /// Adds a leaf at `path` (absolute, "/A/B"), invalid until set.
  /// @throws std::invalid_argument for a malformed or duplicate path, or a path that would be
  ///         both a leaf and a node (a BusItem is one or the other).
  void add(const std::string& path, ItemSpec spec);

  /// Local update from the service. Values of another kind than the item's are a programming
  /// error and throw std::invalid_argument. @return true when the value changed.
  bool set(std::string_view path, BusValue value);

  /// A client's SetValue. Ints are accepted for double items (clients send 5 for 5.0).
  /// @return the wire result; on Accepted with a different value, the item is marked changed.
  [[nodiscard]] SetResult set_from_bus(std::string_view path, const BusValue& value);

  /// @return the item at `path`, or nullptr when it is not a leaf.
  [[nodiscard]] const Item* find(std::string_view path) const;
  [[nodiscard]] bool is_node(std::string_view path) const;

  /// Every tree node ("/" first, then sorted), i.e. every path that has leaves below it.
  [[nodiscard]] std::vector<std::string> nodes() const;
  [[nodiscard]] std::size_t node_count() const noexcept { return nodes_.size(); }
  /// Every leaf, sorted by path.
  [[nodiscard]] const std::map<std::string, Item, std::less<>>& items() const noexcept { return items_; }

  /// Calls f(relative_key, item) for every leaf below `node`; keys have no leading slash
  /// ("/" gives "Dc/0/Voltage", "/Dc" gives "0/Voltage"), as Venus clients expect.
  void for_each_below(std::string_view node, const std::function<void(std::string_view, const Item&)>& f) const;

  /// Paths changed since the last call, sorted; clears the set.
  [[nodiscard]] std::vector<std::string> take_changes();
  [[nodiscard]] bool has_changes() const noexcept { return !changed_.empty(); }

 private:
  bool store(std::string_view path, Item& item, BusValue value);

  std::map<std::string, Item, std::less<>> items_;
  std::map<std::string, int, std::less<>> nodes_;  ///< node path -> number of leaves below
  std::set<std::string, std::less<>> changed_;     ///< sorted, so batches are in path order
};

}  // namespace bms::dbus
