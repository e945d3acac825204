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

const char* to_string(LimitReason r) noexcept {
  switch (r) {
    case LimitReason::Failsafe: return "failsafe";
    case LimitReason::Blocked: return "blocked";
    case LimitReason::Configured: return "configured";
    case LimitReason::BatteryLimits: return "battery_limits";
    case LimitReason::CellVoltage: return "cell_voltage";
    case LimitReason::Temperature: return "temperature";
    case LimitReason::CurrentShare: return "current_share";
    case LimitReason::Ramp: return "ramp";
  }
  return "?";
}

std::uint8_t Alarms::worst() const noexcept {
  return std::max({low_voltage, high_voltage, low_temperature, high_temperature, high_charge_current,
                   high_discharge_current, internal_failure, cell_imbalance, bms_cable, low_soc, low_cell_voltage,
                   high_cell_voltage, low_charge_temperature, high_charge_temperature, high_internal_temperature,
                   state_of_health});
}

void Alarms::raise_to(const Alarms& o) noexcept {
  low_voltage = std::max(low_voltage, o.low_voltage);
  high_voltage = std::max(high_voltage, o.high_voltage);
  low_temperature = std::max(low_temperature, o.low_temperature);
  high_temperature = std::max(high_temperature, o.high_temperature);
  high_charge_current = std::max(high_charge_current, o.high_charge_current);
  high_discharge_current = std::max(high_discharge_current, o.high_discharge_current);
  internal_failure = std::max(internal_failure, o.internal_failure);
  cell_imbalance = std::max(cell_imbalance, o.cell_imbalance);
  bms_cable = std::max(bms_cable, o.bms_cable);
  low_soc = std::max(low_soc, o.low_soc);
  low_cell_voltage = std::max(low_cell_voltage, o.low_cell_voltage);
  high_cell_voltage = std::max(high_cell_voltage, o.high_cell_voltage);
  low_charge_temperature = std::max(low_charge_temperature, o.low_charge_temperature);
  high_charge_temperature = std::max(high_charge_temperature, o.high_charge_temperature);
  high_internal_temperature = std::max(high_internal_temperature, o.high_internal_temperature);
  state_of_health = std::max(state_of_health, o.state_of_health);
}

}  // namespace bms
