#include "core/custom_name.hpp"

#include <cstddef>

#include "core/settings.hpp"

namespace bms {

CustomNameProblem custom_name_problem(std::string_view name) noexcept {
  if (name.size() > kMaxCustomNameBytes) return CustomNameProblem::TooLong;
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    std::size_t len = 0;
    if (c < 0x20 || c == 0x7F) return CustomNameProblem::ControlCharacter;
    if (c < 0x80)
      len = 1;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
      len = 2;
    else if ((c & 0xF0) == 0xE0)
      len = 3;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
      len = 4;
    else
      return CustomNameProblem::NotUtf8;
    if (i + len > name.size()) return CustomNameProblem::NotUtf8;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(name[i + k]) & 0xC0) != 0x80) return CustomNameProblem::NotUtf8;
    }
    if (len == 2 && c == 0xC2 && static_cast<unsigned char>(name[i + 1]) < 0xA0) {
      return CustomNameProblem::ControlCharacter;  // C1 controls
    }
    i += len;
  }
  return CustomNameProblem::None;
}

}  // namespace bms
