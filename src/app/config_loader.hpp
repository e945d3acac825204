#pragma once
/// @file config_loader.hpp
/// Loads and strictly validates the TOML configuration. Every problem is reported with the
/// file, the line and the key: unknown keys, wrong types, out-of-range values, duplicate
/// battery names, interface/protocol clashes.

#include <string>
#include <string_view>
#include <vector>

#include "core/settings.hpp"

namespace bms {

struct ConfigResult {
  Settings settings;
  std::vector<std::string> errors;  ///< "FILE:LINE: key: what is wrong"; empty means valid
  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

/// Parses TOML text. `origin` names the file in error messages.
[[nodiscard]] ConfigResult load_config_text(std::string_view toml_text, const std::string& origin);
/// Reads and parses a file; an unreadable file is an error in the result, not an exception.
[[nodiscard]] ConfigResult load_config_file(const std::string& path);

/// The effective configuration as TOML (every key, defaults filled in), for --check-config.
[[nodiscard]] std::string render_config(const Settings& settings);

}  // namespace bms
