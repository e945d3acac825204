#pragma once
/// @file object_map_loader.hpp
/// Loads a CANopen object map (protocols/canopen/maps/*.toml) into canopen::ObjectMap.
/// Strict like the configuration: unknown keys, wrong types, out-of-range values and
/// unknown signal names are errors naming the file, the line and the key.

#include <string>
#include <string_view>
#include <vector>

#include "protocols/canopen/object_map.hpp"

namespace bms {

struct ObjectMapResult {
  canopen::ObjectMap map;
  std::vector<std::string> errors;  ///< "FILE:LINE: key: what is wrong"; empty means valid
  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

/// Parses map TOML text; `origin` names the file in messages. Never throws.
[[nodiscard]] ObjectMapResult load_object_map_text(std::string_view toml_text, const std::string& origin);
/// Reads and parses a file; an unreadable file is an error in the result.
[[nodiscard]] ObjectMapResult load_object_map_file(const std::string& path);

/// Loads a map given as a file path (relative paths are tried against `relative_to_dir`
/// first, then as given) or as the name of a shipped map ("superb_epsilon_v2"). An unknown
/// name is an error listing the shipped maps.
[[nodiscard]] ObjectMapResult load_object_map(const std::string& name_or_path, const std::string& relative_to_dir);

}  // namespace bms
