#include "core/snapshot.hpp"

#include <algorithm>

namespace bms {

const char* to_string(ImbalanceTier t) noexcept {
  switch (t) {
    case ImbalanceTier::Balanced: return "balanced";
    case ImbalanceTier::Minor: return "minor";
    case ImbalanceTier::Warning: return "warning";
    case ImbalanceTier::Alarm: return "alarm";
  }
  return "?";
}

std::uint8_t Alarms::worst() const noexcept {
  return std::max({low_voltage, high_voltage, low_temperature, high_temperature, high_charge_current,
                   high_discharge_current, internal_failure, cell_imbalance, bms_cable});
}

}  // namespace bms
