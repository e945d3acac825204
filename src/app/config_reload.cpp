#include "app/config_reload.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <map>
#include <sstream>

#include "app/config_loader.hpp"

namespace bms {
namespace {

/// A value as written in TOML, doubles in their shortest exact form ("55.2", not
/// "55.200000000000003"), so a change line reads like the file.
std::string format_value(const toml::node& node) {
  if (const auto* d = node.as_floating_point()) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d->get());
    std::string text(buf, ec == std::errc() ? end : buf);
    if (text.find_first_of(".eni") == std::string::npos) text += ".0";  // 150 -> 150.0; inf/nan stay
    return text;
  }
  if (const auto* str = node.as_string()) return "\"" + str->get() + "\"";
  std::ostringstream value;
  node.visit([&value](const auto& v) { value << v; });
  return value.str();
}

/// Flattens the rendered effective configuration into dotted keys and printed values, so a
/// comparison needs no field-by-field code that would drift from the loader.
void flatten(const toml::node& node, const std::string& key, std::map<std::string, std::string>& out) {
  if (const toml::table* table = node.as_table()) {
    for (const auto& [name, child] : *table) {
      flatten(child, key.empty() ? std::string(name.str()) : key + "." + std::string(name.str()), out);
    }
  } else if (const toml::array* array = node.as_array()) {
    for (std::size_t i = 0; i < array->size(); ++i) {
      flatten(*array->get(i), key + "[" + std::to_string(i) + "]", out);
    }
  } else {
    out[key] = format_value(node);
  }
}

std::map<std::string, std::string> flat_config(const Settings& settings) {
  std::map<std::string, std::string> out;
  flatten(toml::parse(render_config(settings)), "", out);
  return out;
}

bool is_wiring_key(const std::string& key) {
  static constexpr const char* kWiring[] = {"service.device_instance", "service.service_name", "service.dbus",
                                            "output.interface", "bank.current_source"};
  for (const char* w : kWiring) {
    if (key == w) return true;
  }
  if (key.rfind("battery[", 0) == 0) {
    for (const char* field : {".name", ".interface", ".protocol", ".node_id", ".map", ".service", ".serial",
                              ".custom_name", ".accept_non_bms"}) {
      const std::string suffix(field);
      if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0)
        return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> config_changes(const Settings& before, const Settings& after) {
  const auto old_values = flat_config(before);
  const auto new_values = flat_config(after);
  std::vector<std::string> changes;
  for (const auto& [key, value] : new_values) {
    auto it = old_values.find(key);
    if (it == old_values.end()) {
      changes.push_back(key + ": (none) -> " + value);
    } else if (it->second != value) {
      changes.push_back(key + ": " + it->second + " -> " + value);
    }
  }
  for (const auto& [key, value] : old_values) {
    if (!new_values.contains(key)) changes.push_back(key + ": " + value + " -> (none)");
  }
  return changes;
}

ReloadResult reload_config(const std::string& path, const Settings& current) {
  ReloadResult result;
  ConfigResult loaded = load_config_file(path);
  if (!loaded.ok()) {
    result.errors = std::move(loaded.errors);
    return result;
  }
  result.changes = config_changes(current, loaded.settings);
  for (const std::string& change : result.changes) {
    const std::string key = change.substr(0, change.find(": "));
    if (is_wiring_key(key)) result.changed_wiring.push_back(key);
  }
  result.settings = std::move(loaded.settings);
  return result;
}

}  // namespace bms
