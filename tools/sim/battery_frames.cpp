#include "battery_frames.hpp"

#include <cmath>
#include <string>

#include "protocols/canopen/emcy.hpp"
#include "protocols/canopen/nmt.hpp"
#include "protocols/canopen/sdo.hpp"
#include "protocols/pylon/pylon_codec.hpp"
#include "protocols/wire_bytes.hpp"

namespace bms::sim {
namespace {

constexpr std::int64_t kFrameGapUs = 200;

void push(std::vector<CanFrame>& out, CanFrame f, std::int64_t offset_us) {
  f.time_us = offset_us;
  out.push_back(f);
}

std::string cell_label(char kind, int index) {
  std::string s(1, kind);
  if (index < 10) s += '0';
  s += std::to_string(index);
  return s;
}

/// Two's complement of a rounded signed value, as an SDO carries it.
std::uint32_t signed_raw(double value) noexcept {
  return static_cast<std::uint32_t>(static_cast<std::int32_t>(std::lround(value)));
}

}  // namespace

void pylon_frames(const BatteryReport& r, SimProfile profile, int index, std::vector<CanFrame>& out) {
  const bool victron = profile == SimProfile::Victron;
  std::int64_t t = 0;
  auto add = [&](const CanFrame& f) {
    push(out, f, t);
    t += kFrameGapUs;
  };

  pylon::Limits limits;
  limits.charge_voltage_limit_v = r.charge_voltage_limit_v;
  limits.charge_current_limit_a = r.charge_current_limit_a;
  limits.discharge_current_limit_a = r.discharge_current_limit_a;
  limits.discharge_voltage_limit_v = r.discharge_voltage_limit_v;
  limits.dlc = victron ? 8 : 6;
  add(pylon::encode_limits(limits));

  pylon::SocSoh soc;
  soc.soc_pct = r.soc_pct;
  soc.soh_pct = r.soh_pct;
  soc.soc_hires_pct = r.soc_pct;
  soc.dlc = victron ? 8 : 4;
  add(pylon::encode_soc_soh(soc));

  pylon::Measurements m;
  m.voltage_v = r.voltage_v;
  m.current_a = r.current_a;
  m.temperature_c = r.temperature_c;
  add(pylon::encode_measurements(m));

  if (victron) {
    pylon::AlarmPairs pairs;
    if (r.high_temperature_protection) pairs.raise_alarm(pylon::PairCategory::HighTemperature);
    if (r.high_temperature_warning) pairs.raise_warning(pylon::PairCategory::HighTemperature);
    add(pylon::encode_alarm_pairs(pairs));
  } else {
    pylon::ProtectionFlags flags;
    flags.protection.high_temperature = r.high_temperature_protection;
    flags.alarm.high_temperature = r.high_temperature_warning;
    flags.module_count = std::ceil(r.capacity_ah / 50.0);  // a US2000 module is 50 Ah
    add(pylon::encode_protection(flags));
  }

  pylon::Requests requests;
  requests.charge_enable = r.charge_enable;
  requests.discharge_enable = r.discharge_enable;
  add(pylon::encode_requests(requests));
  add(pylon::encode_manufacturer(victron ? "BMS-SIM" : "PYLON"));
  if (!victron) return;

  pylon::BatteryInfo info;
  info.product_id = 0xB517;
  info.firmware_version = 0x0102;
  info.available_capacity_ah = r.capacity_ah * r.soh_pct / 100.0;
  info.hardware_version = 1;
  add(pylon::encode_battery_info(info));
  std::string name = "BMS-SIM BATT ";
  name += std::to_string(index);
  for (const CanFrame& f : pylon::encode_bms_name(name)) add(f);

  pylon::ModuleStatus modules;
  modules.modules_online = 1;
  modules.modules_blocking_charge = r.charge_enable ? 0 : 1;
  modules.modules_blocking_discharge = r.discharge_enable ? 0 : 1;
  add(pylon::encode_module_status(modules));

  pylon::CellExtremes cells;
  cells.min_cell_voltage_v = r.min_cell_voltage_v;
  cells.max_cell_voltage_v = r.max_cell_voltage_v;
  cells.min_cell_temperature_c = r.min_cell_temperature_c;
  cells.max_cell_temperature_c = r.max_cell_temperature_c;
  add(pylon::encode_cell_extremes(cells));
  add(pylon::encode_cell_id(pylon::id::kMinCellVoltageId, cell_label('C', r.min_cell_index)));
  add(pylon::encode_cell_id(pylon::id::kMaxCellVoltageId, cell_label('C', r.max_cell_index)));
  add(pylon::encode_cell_id(pylon::id::kMinCellTemperatureId, cell_label('T', 1)));
  add(pylon::encode_cell_id(pylon::id::kMaxCellTemperatureId, cell_label('T', 2)));
  add(pylon::encode_energy({r.charged_kwh, r.discharged_kwh}));
  add(pylon::encode_installed_capacity(r.capacity_ah));
}

void canopen_frames(const BatteryReport& r, std::uint8_t node, const CanopenCycle& cycle, std::vector<CanFrame>& out) {
  using canopen::ObjectAddress;
  constexpr std::int64_t kPollGapUs = 4000;
  constexpr std::int64_t kAnswerDelayUs = 1000;
  std::int64_t t = 0;
  if (!r.silent) push(out, canopen::encode_heartbeat(node, canopen::NmtState::Operational), t);
  t += kPollGapUs;
  if (!r.silent && cycle.emcy_raise) {
    push(out, canopen::encode_emcy(node, {canopen::kEmcyTemperatureDevice, canopen::kErrorRegisterTemperature, {}}), t);
    t += kPollGapUs;
  }
  if (!r.silent && cycle.emcy_clear) {
    push(out, canopen::encode_emcy(node, {canopen::kEmcyNoError, 0, {}}), t);
    t += kPollGapUs;
  }

  if (!r.silent && cycle.cells) {
    // TPDO2: cell extremes, u16 mV and s16 0.1 degC, little endian.
    CanFrame pdo;
    pdo.id = 0x280U + node;
    pdo.dlc = 8;
    wire::put_u16(&pdo.data[0], static_cast<std::uint16_t>(std::lround(r.min_cell_voltage_v * 1000.0)));
    wire::put_u16(&pdo.data[2], static_cast<std::uint16_t>(std::lround(r.max_cell_voltage_v * 1000.0)));
    wire::put_u16(&pdo.data[4], static_cast<std::uint16_t>(signed_raw(r.min_cell_temperature_c * 10.0)));
    wire::put_u16(&pdo.data[6], static_cast<std::uint16_t>(signed_raw(r.max_cell_temperature_c * 10.0)));
    push(out, pdo, t);
    t += kPollGapUs;
  }

  struct Poll {
    ObjectAddress object;
    std::uint32_t raw;
    std::uint8_t size;
  };
  // SuperB Epsilon V2 (community-derived): voltage i32/1024 V, SOC u8 %, temperature
  // i16/8 degC, current i32 mA, Ah counter u32/8.
  const Poll polls[] = {
      {{0x6060, 0}, signed_raw(r.voltage_v * 1024.0), 4},
      {{0x6081, 0}, static_cast<std::uint32_t>(std::lround(std::fmin(std::fmax(r.soc_pct, 0.0), 100.0))), 1},
      {{0x6010, 0}, signed_raw(r.temperature_c * 8.0) & 0xFFFFU, 2},
      {{0x2010, 0}, signed_raw(r.current_a * 1000.0), 4},
      {{0x6052, 0}, static_cast<std::uint32_t>(std::lround(r.charged_kwh * 1000.0 / 51.2 * 8.0)), 4},
  };
  for (const Poll& p : polls) {
    push(out, canopen::build_upload_request(node, p.object), t);
    if (!r.silent) push(out, canopen::encode_upload_response(node, p.object, p.raw, p.size), t + kAnswerDelayUs);
    t += kPollGapUs;
  }
  if (cycle.first_cycle) {
    const ObjectAddress missing{0x6053, 0};
    push(out, canopen::build_upload_request(node, missing), t);
    if (!r.silent)
      push(out, canopen::encode_abort(node, missing, canopen::kAbortObjectDoesNotExist), t + kAnswerDelayUs);
  }
}

}  // namespace bms::sim
