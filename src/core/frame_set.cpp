#include "core/frame_set.hpp"

#include "protocols/pylon/pylon_codec.hpp"

namespace bms {
namespace {

/// 0x359 flags from the aggregate's alarm levels: 2 sets the protection bit, 1 the warning bit.
pylon::ProtectionFlags protection_flags(const Snapshot& s) {
  pylon::ProtectionFlags f;
  const Alarms& a = s.alarms;
  const auto set = [](std::uint8_t level, bool& protection, bool& warning) {
    protection = level >= 2;
    warning = level == 1;
  };
  set(a.high_voltage, f.protection.high_voltage, f.alarm.high_voltage);
  set(a.low_voltage, f.protection.low_voltage, f.alarm.low_voltage);
  set(a.high_temperature, f.protection.high_temperature, f.alarm.high_temperature);
  set(a.low_temperature, f.protection.low_temperature, f.alarm.low_temperature);
  set(a.high_discharge_current, f.protection.high_discharge_current, f.alarm.high_discharge_current);
  set(a.high_charge_current, f.protection.high_charge_current, f.alarm.high_charge_current);
  // A BMS internal failure, or no BMS heard at all, is a system error for the inverter; a
  // battery offline while others run is a communication warning.
  f.system_error = a.internal_failure >= 2 || s.failsafe;
  f.internal_communication_fail = a.internal_failure == 1 || a.bms_cable >= 1;
  f.module_count = s.batteries_online;
  return f;
}

/// 0x35A pairs: every category this gateway knows is reported (OK or raised), the rest unsupported.
pylon::AlarmPairs alarm_pairs(const Snapshot& s) {
  using pylon::PairCategory;
  using pylon::PairState;
  pylon::AlarmPairs p;
  for (auto c : {PairCategory::Contactor, PairCategory::ShortCircuit}) {
    p.alarms[static_cast<std::size_t>(c)] = PairState::Unsupported;
    p.warnings[static_cast<std::size_t>(c)] = PairState::Unsupported;
  }
  const Alarms& a = s.alarms;
  const auto level = [&](PairCategory c, std::uint8_t l) {
    if (l >= 2) p.raise_alarm(c);
    if (l == 1) p.raise_warning(c);
  };
  level(PairCategory::HighVoltage, a.high_voltage);
  level(PairCategory::LowVoltage, a.low_voltage);
  level(PairCategory::HighTemperature, a.high_temperature);
  level(PairCategory::LowTemperature, a.low_temperature);
  level(PairCategory::HighDischargeCurrent, a.high_discharge_current);
  level(PairCategory::HighChargeCurrent, a.high_charge_current);
  level(PairCategory::HighChargeTemperature, a.high_charge_temperature);
  level(PairCategory::LowChargeTemperature, a.low_charge_temperature);
  level(PairCategory::BmsInternal, std::max(a.internal_failure, a.bms_cable));
  level(PairCategory::CellImbalance, a.cell_imbalance);
  level(PairCategory::General, s.failsafe ? std::uint8_t{2} : a.worst());
  return p;
}

}  // namespace

FrameSet build_frame_set(const Snapshot& s, const OutputSettings& output) {
  FrameSet set;
  const bool pylon = output.profile == OutputProfile::Pylon;
  const bool victron = output.profile == OutputProfile::Victron;

  pylon::Limits limits;
  limits.charge_voltage_limit_v = s.charge_voltage_limit_v;
  limits.charge_current_limit_a = s.charge_current_limit_a;
  limits.discharge_current_limit_a = s.discharge_current_limit_a;
  limits.discharge_voltage_limit_v = s.discharge_voltage_limit_v;
  limits.dlc = pylon ? 6 : 8;  // Pylontech V1.2 sends 0x351 with DLC 6
  set.add(pylon::encode_limits(limits));

  // Unknown measurements are left out rather than sent as zeros (an inverter that misses
  // 0x355 for long faults, which is right when nothing about the bank is known).
  if (s.soc_pct) {
    pylon::SocSoh soc;
    soc.soc_pct = *s.soc_pct;
    soc.soh_pct = s.soh_pct.value_or(100.0);  // SOH is informational: 100 % when no BMS reports it
    soc.soc_hires_pct = *s.soc_pct;
    soc.dlc = pylon ? 4 : 8;
    set.add(pylon::encode_soc_soh(soc));
  }
  // 0x356 only with all three measurements: a made-up 0 degC could trigger an inverter's
  // cold-charge derating, a made-up 25 degC could hide a cold bank.
  if (s.voltage_v && s.current_a && s.temperature_c) {
    pylon::Measurements m;
    m.voltage_v = *s.voltage_v;
    m.current_a = *s.current_a;
    m.temperature_c = *s.temperature_c;
    set.add(pylon::encode_measurements(m));
  }

  if (pylon) {
    set.add(pylon::encode_protection(protection_flags(s)));
  } else {
    set.add(pylon::encode_alarm_pairs(alarm_pairs(s)));
  }
  if (pylon || victron) {
    pylon::Requests r;
    r.charge_enable = s.charge_allowed;
    r.discharge_enable = s.discharge_allowed;
    set.add(pylon::encode_requests(r));
  }
  set.add(pylon::encode_manufacturer(output.manufacturer));
  if (!pylon) {
    pylon::BatteryInfo info;
    info.available_capacity_ah = s.capacity_ah.value_or(0.0);
    set.add(pylon::encode_battery_info(info));
  }
  if (victron) {
    for (const CanFrame& f : pylon::encode_bms_name(output.bms_name)) set.add(f);
    pylon::ModuleStatus m;
    m.modules_online = s.batteries_online;
    m.modules_offline = s.batteries_offline;
    m.modules_blocking_charge = s.blocking_charge;
    m.modules_blocking_discharge = s.blocking_discharge;
    set.add(pylon::encode_module_status(m));
    if (s.min_cell_voltage && s.max_cell_voltage && s.min_cell_temperature && s.max_cell_temperature) {
      pylon::CellExtremes e;
      e.min_cell_voltage_v = s.min_cell_voltage->value;
      e.max_cell_voltage_v = s.max_cell_voltage->value;
      e.min_cell_temperature_c = s.min_cell_temperature->value;
      e.max_cell_temperature_c = s.max_cell_temperature->value;
      set.add(pylon::encode_cell_extremes(e));
    }
    set.add(pylon::encode_installed_capacity(s.installed_capacity_ah));
  }
  for (std::size_t i = 0; i < set.count; ++i) {
    set.frames[i].time_us = s.time_us;
    set.frames[i].set_iface(output.interface);
  }
  return set;
}

}  // namespace bms
