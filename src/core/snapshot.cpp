#include "core/snapshot.hpp"

#include <algorithm>

namespace bms {

const char* to_string(ImbalanceTier t) noexcept {
  switch (t) {
    case ImbalanceTier::Balanced:
      return "balanced";
    case ImbalanceTier::Minor:
      return "minor";
    case ImbalanceTier::Warning:
      return "warning";
    case ImbalanceTier::Alarm:
      return "alarm";
  }
  return "?";
}

const char* to_string(LimitReason r) noexcept {
  switch (r) {
    case LimitReason::Failsafe:
      return "failsafe";
    case LimitReason::Blocked:
      return "blocked";
    case LimitReason::Configured:
      return "configured";
    case LimitReason::BatteryLimits:
      return "battery_limits";
    case LimitReason::CellVoltage:
      return "cell_voltage";
    case LimitReason::Temperature:
      return "temperature";
    case LimitReason::CurrentShare:
      return "current_share";
    case LimitReason::Ramp:
      return "ramp";
  }
  return "?";
}

std::uint8_t Alarms::worst() const noexcept {
  return std::max({low_voltage, high_voltage, low_temperature, high_temperature, high_charge_current,
                   high_discharge_current, internal_failure, cell_imbalance, bms_cable, low_soc, low_cell_voltage,
                   high_cell_voltage, low_charge_temperature, high_charge_temperature, high_internal_temperature,
                   state_of_health});
}

}  // namespace bms
