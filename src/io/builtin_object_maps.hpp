#pragma once
/// @file builtin_object_maps.hpp
/// The shipped CANopen object maps, compiled into the binary (see CMakeLists.txt).

#include <optional>
#include <string_view>
#include <vector>

namespace bms {

/// TOML text of a shipped map ("superb_epsilon_v2", "cia418_generic"), or nullopt.
[[nodiscard]] std::optional<std::string_view> builtin_object_map(std::string_view name) noexcept;
/// Names of every shipped map.
[[nodiscard]] std::vector<std::string_view> builtin_object_map_names();

}  // namespace bms
