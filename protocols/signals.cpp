#include "protocols/signals.hpp"

#include <array>

namespace bms {
namespace {
struct SignalInfo {
  std::string_view name;
  bool text;
};
constexpr std::array<SignalInfo, kSignalCount> kSignalInfo{{
#define BMS_SIGNAL_INFO(id, name, text) {name, text},
    BMS_SIGNAL_LIST(BMS_SIGNAL_INFO)
#undef BMS_SIGNAL_INFO
}};
}  // namespace

std::string_view signal_name(SignalId id) noexcept {
  const auto i = static_cast<std::size_t>(id);
  return i < kSignalCount ? kSignalInfo[i].name : std::string_view{"unknown"};
}

bool signal_is_text(SignalId id) noexcept {
  const auto i = static_cast<std::size_t>(id);
  return i < kSignalCount && kSignalInfo[i].text;
}

std::optional<SignalId> signal_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    if (kSignalInfo[i].name == name) return static_cast<SignalId>(i);
  }
  return std::nullopt;
}

}  // namespace bms
