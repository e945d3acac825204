#include "core/settings.hpp"

namespace bms {

const char* to_string(BatteryProtocol p) noexcept {
  switch (p) {
    case BatteryProtocol::Pylontech: return "pylontech";
    case BatteryProtocol::Canopen: return "canopen";
  }
  return "?";
}

const char* to_string(OutputProfile p) noexcept {
  switch (p) {
    case OutputProfile::Pylon: return "pylon";
    case OutputProfile::Sma: return "sma";
    case OutputProfile::Victron: return "victron";
    case OutputProfile::Luxpower: return "luxpower";
    case OutputProfile::Solark: return "solark";
  }
  return "?";
}

}  // namespace bms
