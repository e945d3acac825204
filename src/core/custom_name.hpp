#pragma once
/// @file custom_name.hpp
/// The rule for the bank's /CustomName, wherever it comes from (the configuration's
/// service.custom_name, a SetValue over D-Bus, the state file): the GX display and VRM show
/// it verbatim, so it is short, valid UTF-8 and free of control characters.

#include <string_view>

namespace bms {

/// What is wrong with a custom name.
enum class CustomNameProblem : unsigned char {
  None,
  TooLong,           ///< more than kMaxCustomNameBytes bytes
  ControlCharacter,  ///< C0 (below 0x20), DEL or C1 (U+0080..U+009F)
  NotUtf8,
};

/// The first problem of `name`, or None. Empty is allowed: no custom name.
[[nodiscard]] CustomNameProblem custom_name_problem(std::string_view name) noexcept;

/// True when custom_name_problem() finds none.
[[nodiscard]] inline bool is_valid_custom_name(std::string_view name) noexcept {
  return custom_name_problem(name) == CustomNameProblem::None;
}

}  // namespace bms
