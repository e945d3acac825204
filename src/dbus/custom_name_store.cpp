#include "dbus/custom_name_store.hpp"

#include "dbus/state_file.hpp"

namespace bms::dbus {

std::optional<std::string> CustomNameStore::load(std::string* error) const {
  const std::optional<toml::table> state = read_state_file(path_, error);
  if (!state) return std::nullopt;
  const toml::node* node = state->get("custom_name");
  if (node == nullptr) return std::nullopt;  // the file may hold only other state (history)
  if (auto name = node->value<std::string>()) return name;
  if (error != nullptr) *error = path_ + ": custom_name is not a string";
  return std::nullopt;
}

bool CustomNameStore::save(const std::string& name, std::string* error) const {
  // The other keys of the file (the /History counters) are kept.
  return update_state_file(
      path_, [&](toml::table& state) { state.insert_or_assign("custom_name", name); }, error);
}

}  // namespace bms::dbus
