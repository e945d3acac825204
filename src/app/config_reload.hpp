#pragma once
/// @file config_reload.hpp
/// SIGHUP reload: re-reads the configuration file and either hands back the new Settings
/// with a list of what changed, or the errors. The caller keeps running on the old
/// Settings when the new file is invalid; nothing here touches the running pipeline.

#include <optional>
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace bms {

struct ReloadResult {
  /// The new settings when the file is valid; empty when it is not (keep the old ones).
  std::optional<Settings> settings;
  /// Why the new file was rejected, one "FILE:LINE: key: what is wrong" per entry.
  std::vector<std::string> errors;
  /// Effective values that differ, one "key: old -> new" per entry, keys dotted
  /// ("charge.nominal_charge_current", "battery[1].capacity_ah"); empty when unchanged.
  std::vector<std::string> changes;
  /// The subset of changed keys that name a port, a bus name or the battery list: applying
  /// them means reopening sockets or re-claiming the D-Bus name, not just new limits.
  std::vector<std::string> changed_wiring;

  [[nodiscard]] bool ok() const noexcept { return settings.has_value(); }
};

/// Loads `path` with load_config_file() and compares it with `current`. Never throws on a
/// bad or unreadable file: that is reported in `errors`.
[[nodiscard]] ReloadResult reload_config(const std::string& path, const Settings& current);

/// The effective-value differences between two configurations ("key: old -> new").
[[nodiscard]] std::vector<std::string> config_changes(const Settings& before, const Settings& after);

}  // namespace bms
