#include "core/frame_set.hpp"

#include <algorithm>

#include "core/inverter_profile.hpp"
#include "protocols/pylon/inverter_frames.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms {
namespace {

/// Luxpower's 0x355 cell fields without cell data from any battery: the mean cell voltage
/// of a 16-cell (48 V LFP) stack, the battery these inverters are built for. It follows
/// the real bank voltage, so it is never a made-up healthy value for an empty bank.
constexpr double kLuxpowerSeriesCells = 16.0;
/// ... and without the bank voltage either: LFP's nominal cell voltage.
constexpr double kNominalCellVoltageV = 3.3;
/// Luxpower misbehaves when min and max cell temperature are equal (one battery, or BMSes
/// that report one sensor): min is then shown this much lower, the side that makes
/// cold-charge rules act earlier, never later.
constexpr double kLuxpowerTemperatureSpreadC = 0.1;

/// 0x359 flags from the aggregate's alarm levels: 2 sets the protection bit, 1 the warning bit.
pylon::ProtectionFlags protection_flags(const Snapshot& s, const InverterProfile& profile) {
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
  // battery offline while others run is a communication warning (where byte 3 bit 3 means
  // that: Sol-Ark reads it as a critical error and gets only the system error there).
  f.system_error = a.internal_failure >= 2 || s.failsafe;
  f.internal_communication_fail =
      profile.byte3_bit3_is_critical ? f.system_error : (a.internal_failure == 1 || a.bms_cable >= 1);
  f.module_count = s.module_count;
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

/// 0x35C: the enables, and the batteries' requests where this profile's receivers read them.
pylon::Requests requests(const Snapshot& s, const InverterProfile& profile, const OutputSettings& output) {
  pylon::Requests r;
  r.charge_enable = s.charge_allowed;
  r.discharge_enable = s.discharge_allowed;
  const ForceChargeRequest fc = output.pass_force_charge ? s.force_charge_requested : ForceChargeRequest{};
  switch (profile.force_charge) {
    case ForceChargePlacement::None:
      break;
    case ForceChargePlacement::AsPylontech:
      r.force_charge_1 = fc.force_charge_1;
      r.force_charge_2 = fc.force_charge_2;
      r.full_charge_request = fc.full_charge;
      break;
    case ForceChargePlacement::Bit4:
      r.force_charge_2 = fc.any();
      break;
  }
  return r;
}

/// The SOC the frame set shows. With soc_zero_limit_workaround, for inverters that ignore a
/// zero current limit: 100 % while charging is stopped (also when both are: a low SOC could
/// start a grid charge into a bank that forbids charging), 0 % while only discharging is.
double shown_soc(const Snapshot& s, const OutputSettings& output) {
  if (output.soc_zero_limit_workaround) {
    if (s.charge_current_limit_a <= 0.0) return 100.0;
    if (s.discharge_current_limit_a <= 0.0) return 0.0;
  }
  return *s.soc_pct;
}

pylon::Limits limits(const Snapshot& s) {
  pylon::Limits l;
  l.charge_voltage_limit_v = s.charge_voltage_limit_v;
  l.charge_current_limit_a = s.charge_current_limit_a;
  l.discharge_current_limit_a = s.discharge_current_limit_a;
  l.discharge_voltage_limit_v = s.discharge_voltage_limit_v;
  l.dlc = 8;
  return l;
}

/// Pylontech-layout 0x355 (SOC, SOH; 100 % SOH when no BMS reports one: it is informational).
CanFrame soc_soh(const Snapshot& s, const OutputSettings& output, bool hires) {
  pylon::SocSoh soc;
  soc.soc_pct = shown_soc(s, output);
  soc.soh_pct = s.soh_pct.value_or(100.0);
  soc.soc_hires_pct = soc.soc_pct;
  soc.dlc = hires ? 8 : 4;
  return pylon::encode_soc_soh(soc);
}

/// Pylontech-layout 0x356, only with all three measurements: a made-up 0 degC could
/// trigger an inverter's cold-charge derating, a made-up 25 degC could hide a cold bank.
bool has_measurements(const Snapshot& s) { return s.voltage_v && s.current_a && s.temperature_c; }
CanFrame measurements(const Snapshot& s, const InverterProfile& profile) {
  pylon::Measurements m;
  m.voltage_v = *s.voltage_v;
  m.current_a = *s.current_a;
  m.temperature_c = *s.temperature_c;
  m.voltage_scale_v = profile.voltage_scale_v;
  return pylon::encode_measurements(m);
}

void pylontech_layout_set(FrameSet& set, const Snapshot& s, const OutputSettings& o, const InverterProfile& p) {
  set.add(pylon::encode_limits(limits(s)));
  if (s.soc_pct) set.add(soc_soh(s, o, false));
  if (has_measurements(s)) set.add(measurements(s, p));
  set.add(pylon::encode_protection(protection_flags(s, p)));
  set.add(pylon::encode_requests(requests(s, p, o)));
  set.add(pylon::encode_manufacturer(o.manufacturer));
  if (p.profile == OutputProfile::Solark) set.add(pylon::encode_installed_capacity(s.installed_capacity_ah));
}

void sma_set(FrameSet& set, const Snapshot& s, const OutputSettings& o) {
  set.add(pylon::encode_limits(limits(s)));
  if (s.soc_pct) set.add(pylon::encode_sma_soc_soh({shown_soc(s, o), s.soh_pct}));
  // SMA has markers for what is unknown: the voltage goes out without a temperature.
  if (s.voltage_v) set.add(pylon::encode_sma_measurements({s.voltage_v, s.current_a, s.temperature_c}));
  set.add(pylon::encode_alarm_pairs(alarm_pairs(s)));
  set.add(pylon::encode_manufacturer(o.manufacturer));
  const std::optional<double> installed =
      s.installed_capacity_ah > 0 ? std::optional<double>(s.installed_capacity_ah) : std::nullopt;
  set.add(pylon::encode_sma_battery_info(installed));
}

void victron_set(FrameSet& set, const Snapshot& s, const OutputSettings& o, const InverterProfile& p) {
  set.add(pylon::encode_limits(limits(s)));
  if (s.soc_pct) set.add(soc_soh(s, o, true));
  if (has_measurements(s)) set.add(measurements(s, p));
  set.add(pylon::encode_alarm_pairs(alarm_pairs(s)));
  set.add(pylon::encode_requests(requests(s, p, o)));
  set.add(pylon::encode_manufacturer(o.manufacturer));
  pylon::BatteryInfo info;
  info.available_capacity_ah = s.capacity_ah.value_or(0.0);  // Victron: remaining Ah
  set.add(pylon::encode_battery_info(info));
  for (const CanFrame& f : pylon::encode_bms_name(o.bms_name)) set.add(f);
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

void luxpower_set(FrameSet& set, const Snapshot& s, const OutputSettings& o, const InverterProfile& p) {
  set.add(pylon::encode_limits(limits(s)));
  if (s.soc_pct) {
    const double mean_cell_v = s.voltage_v ? *s.voltage_v / kLuxpowerSeriesCells : kNominalCellVoltageV;
    pylon::LuxpowerSocCells c;
    c.soc_pct = shown_soc(s, o);
    c.soh_pct = s.soh_pct.value_or(100.0);
    c.max_cell_voltage_v = s.max_cell_voltage ? s.max_cell_voltage->value : mean_cell_v;
    c.min_cell_voltage_v = s.min_cell_voltage ? s.min_cell_voltage->value : mean_cell_v;
    set.add(pylon::encode_luxpower_soc_cells(c));
  }
  // Cell temperatures, else the batteries' own (max and min over the bank).
  const std::optional<double> max_t = s.max_cell_temperature ? s.max_cell_temperature->value : s.temperature_c;
  const std::optional<double> min_t =
      s.min_cell_temperature ? s.min_cell_temperature->value : (s.min_temperature_c ? s.min_temperature_c : max_t);
  if (s.voltage_v && s.current_a && max_t && min_t) {
    pylon::LuxpowerMeasurements m;
    m.voltage_v = *s.voltage_v;
    m.current_a = *s.current_a;
    m.max_cell_temperature_c = *max_t;
    m.min_cell_temperature_c = std::min(*min_t, *max_t - kLuxpowerTemperatureSpreadC);
    set.add(pylon::encode_luxpower_measurements(m));
  }
  set.add(pylon::encode_luxpower_protection(protection_flags(s, p), s.installed_capacity_ah));
  // The bank counts no cycles: 0, which Luxpower shows and does not act on.
  set.add(pylon::encode_luxpower_requests(requests(s, p, o), 0.0));
  set.add(pylon::encode_manufacturer(o.manufacturer));
}

}  // namespace

FrameSet build_frame_set(const Snapshot& s, const OutputSettings& output) {
  FrameSet set;
  const InverterProfile& profile = inverter_profile(output.profile);
  switch (output.profile) {
    case OutputProfile::Pylon:
    case OutputProfile::Solark:
      pylontech_layout_set(set, s, output, profile);
      break;
    case OutputProfile::Sma:
      sma_set(set, s, output);
      break;
    case OutputProfile::Victron:
      victron_set(set, s, output, profile);
      break;
    case OutputProfile::Luxpower:
      luxpower_set(set, s, output, profile);
      break;
  }
  for (std::size_t i = 0; i < set.count; ++i) {
    CanFrame& f = set.frames[i];
    // The profile table decides the DLC on the wire; bytes past an encoder's fields are zero.
    if (const std::uint8_t dlc = profile_dlc(profile, f.id); dlc >= f.dlc) f.dlc = dlc;
    f.time_us = s.time_us;
    f.set_iface(output.interface);
  }
  return set;
}

}  // namespace bms
