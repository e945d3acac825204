#include "dbus/item_tree.hpp"

#include <stdexcept>

#include "dbus/utf8_text.hpp"

namespace bms::dbus {
namespace {

/// D-Bus object path rules: "/" then segments of [A-Za-z0-9_], no empty segment.
bool valid_leaf_path(std::string_view p) {
  if (p.size() < 2 || p.front() != '/' || p.back() == '/') return false;
  char prev = '\0';
  for (char c : p) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '/';
    if (!ok || (c == '/' && prev == '/')) return false;
    prev = c;
  }
  return true;
}

bool kind_matches(ValueKind kind, const BusValue& v) {
  switch (kind) {
    case ValueKind::Int:
      return std::holds_alternative<std::int32_t>(v);
    case ValueKind::Double:
      return std::holds_alternative<double>(v);
    case ValueKind::String:
      return std::holds_alternative<std::string>(v);
  }
  return false;
}

}  // namespace

void ItemTree::add(const std::string& path, ItemSpec spec) {
  if (!valid_leaf_path(path)) throw std::invalid_argument("not a valid item path: " + path);
  if (items_.count(path) != 0 || nodes_.count(path) != 0) throw std::invalid_argument("path already used: " + path);
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    if (items_.count(path.substr(0, slash)) != 0) {
      throw std::invalid_argument("path below a leaf: " + path);
    }
  }
  ++nodes_["/"];
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    ++nodes_[path.substr(0, slash)];
  }
  items_.emplace(path, Item{std::move(spec), BusValue{}, "---"});
}

bool ItemTree::store(std::string_view path, Item& item, BusValue value) {
  // Strings come from BMS frames (cell ids) and file names: made valid for D-Bus here, the one
  // place every value passes, so no batch (ItemsChanged, GetItems) can hold an invalid one.
  if (auto* s = std::get_if<std::string>(&value); s != nullptr && !is_bus_text(*s)) *s = bus_text(*s);
  if (item.value == value) return false;
  item.text = is_valid(value) ? bus_text(item.spec.text(value)) : "---";
  item.value = std::move(value);
  changed_.emplace(path);
  return true;
}

bool ItemTree::set(std::string_view path, BusValue value) {
  auto it = items_.find(path);
  if (it == items_.end()) throw std::invalid_argument("no such item: " + std::string(path));
  if (is_valid(value) && !kind_matches(it->second.spec.kind, value)) {
    throw std::invalid_argument("wrong value type for " + std::string(path));
  }
  return store(path, it->second, std::move(value));
}

SetResult ItemTree::set_from_bus(std::string_view path, const BusValue& value) {
  auto it = items_.find(path);
  if (it == items_.end() || !it->second.spec.writeable) return SetResult::NotWriteable;
  Item& item = it->second;
  BusValue v = value;
  if (item.spec.kind == ValueKind::Double) {
    if (const auto* i = std::get_if<std::int32_t>(&v)) v = static_cast<double>(*i);
  }
  if (is_valid(v) && !kind_matches(item.spec.kind, v)) return SetResult::NotWriteable;
  if (v == item.value) return SetResult::Accepted;
  if (item.spec.validate && !item.spec.validate(v)) return SetResult::Rejected;
  store(path, item, std::move(v));
  return SetResult::Accepted;
}

const Item* ItemTree::find(std::string_view path) const {
  auto it = items_.find(path);
  return it == items_.end() ? nullptr : &it->second;
}

bool ItemTree::is_node(std::string_view path) const { return nodes_.find(path) != nodes_.end(); }

std::vector<std::string> ItemTree::nodes() const {
  std::vector<std::string> out;
  out.reserve(nodes_.size());
  for (const auto& [path, count] : nodes_) out.push_back(path);  // "/" sorts first
  return out;
}

void ItemTree::for_each_below(std::string_view node,
                              const std::function<void(std::string_view, const Item&)>& f) const {
  const std::string prefix = node == "/" ? std::string("/") : std::string(node) + "/";
  for (auto it = items_.lower_bound(prefix); it != items_.end() && it->first.starts_with(prefix); ++it) {
    f(std::string_view(it->first).substr(prefix.size()), it->second);
  }
}

std::vector<std::string> ItemTree::take_changes() {
  std::vector<std::string> out;
  out.reserve(changed_.size());
  out.assign(changed_.begin(), changed_.end());
  changed_.clear();
  return out;
}

}  // namespace bms::dbus
