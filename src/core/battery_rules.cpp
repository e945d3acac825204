#include "core/battery_rules.hpp"

#include "protocols/canopen/nmt.hpp"

namespace bms {

bool emcy_active(const std::optional<double>& emcy_code) noexcept {
  return emcy_code && *emcy_code != canopen::kEmcyNoError;
}

Blocking battery_blocking(const BlockingInputs& in) noexcept {
  const bool node_stopped = in.nmt_state && *in.nmt_state == static_cast<double>(canopen::NmtState::Stopped);
  const auto off = [](const std::optional<double>& flag) { return flag && *flag == 0.0; };
  const auto zero = [](const std::optional<double>& limit) { return limit && *limit <= 0.0; };
  Blocking b;
  b.charge = (in.sends_charge_limit && !in.charge_limit_a) || zero(in.charge_limit_a) || off(in.charge_enable) ||
             (!in.sends_charge_limit && !in.soc_pct) || emcy_active(in.emcy_code) || node_stopped || in.short_circuit ||
             in.high_charge_temperature || in.low_charge_temperature;
  b.discharge = (in.sends_discharge_limit && !in.discharge_limit_a) || zero(in.discharge_limit_a) ||
                off(in.discharge_enable) || node_stopped || in.short_circuit;
  return b;
}

void raise_to_worst(Alarms& into, const Alarms& from) noexcept {
  const auto up = [](std::uint8_t& a, std::uint8_t b) { a = std::max(a, b); };
  up(into.low_voltage, from.low_voltage);
  up(into.high_voltage, from.high_voltage);
  up(into.low_temperature, from.low_temperature);
  up(into.high_temperature, from.high_temperature);
  up(into.high_charge_current, from.high_charge_current);
  up(into.high_discharge_current, from.high_discharge_current);
  up(into.internal_failure, from.internal_failure);
  up(into.cell_imbalance, from.cell_imbalance);
  up(into.bms_cable, from.bms_cable);
  up(into.low_soc, from.low_soc);
  up(into.low_cell_voltage, from.low_cell_voltage);
  up(into.high_cell_voltage, from.high_cell_voltage);
  up(into.low_charge_temperature, from.low_charge_temperature);
  up(into.high_charge_temperature, from.high_charge_temperature);
  up(into.high_internal_temperature, from.high_internal_temperature);
  up(into.state_of_health, from.state_of_health);
}

}  // namespace bms
