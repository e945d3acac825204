// Encoders of the Pylontech/SMA/Victron frame family. Every field is rounded to its wire
// resolution and clamped into its range (wire::scaled_clamped), so a bad aggregate value
// can never wrap around into a dangerous one (e.g. -1 A becoming 6553.5 A).

#include <algorithm>

#include "protocols/pylon/pylon_codec.hpp"
#include "protocols/wire_bytes.hpp"

namespace bms::pylon {
namespace {

using wire::make_frame;
using wire::put_s16;
using wire::put_u16;
using wire::put_u32;
using wire::scaled_clamped;

std::uint16_t u16_field(double value, double scale) noexcept { return scaled_clamped<std::uint16_t>(value, scale); }
std::int16_t s16_field(double value, double scale) noexcept { return scaled_clamped<std::int16_t>(value, scale); }
/// Current limits are never negative on the wire: a negative request means "none allowed".
std::int16_t limit_field(double value_a) noexcept { return scaled_clamped<std::int16_t>(value_a, 0.1, 0); }

std::uint8_t bit(bool set, int n) noexcept { return set ? static_cast<std::uint8_t>(1U << n) : 0; }

/// Copies up to 8 characters of ASCII text; non-printable characters become '?' so a
/// receiver that checks for printable text (0x370 disambiguation) still sees text.
void put_text(CanFrame& f, std::string_view text, std::uint8_t pad) noexcept {
  for (std::size_t i = 0; i < 8; ++i) {
    if (i < text.size()) {
      const auto c = static_cast<unsigned char>(text[i]);
      f.data[i] = (c >= 0x20 && c <= 0x7E) ? c : static_cast<std::uint8_t>('?');
    } else {
      f.data[i] = pad;
    }
  }
}

std::uint8_t flag_byte(const ProtectionFlags::Set& s) noexcept {
  return static_cast<std::uint8_t>(bit(s.high_voltage, 1) | bit(s.low_voltage, 2) | bit(s.high_temperature, 3) |
                                   bit(s.low_temperature, 4) | bit(s.high_discharge_current, 7));
}

/// Four 2-bit pairs per byte, low pair first.
void put_pairs(std::uint8_t* bytes, const std::array<PairState, kPairCategoryCount>& pairs) noexcept {
  for (std::size_t i = 0; i < 4; ++i) bytes[i] = 0;
  for (std::size_t i = 0; i < kPairCategoryCount; ++i) {
    const auto code = static_cast<unsigned>(pairs[i]) & 0x3U;
    bytes[i / 4] = static_cast<std::uint8_t>(bytes[i / 4] | (code << (2 * (i % 4))));
  }
}

}  // namespace

CanFrame encode_limits(const Limits& l) noexcept {
  CanFrame f = make_frame(id::kLimits, l.dlc == 6 ? 6 : 8);
  put_u16(&f.data[0], u16_field(l.charge_voltage_limit_v, 0.1));
  put_s16(&f.data[2], limit_field(l.charge_current_limit_a));
  put_s16(&f.data[4], limit_field(l.discharge_current_limit_a));
  if (f.dlc == 8) put_u16(&f.data[6], u16_field(l.discharge_voltage_limit_v, 0.1));
  return f;
}

CanFrame encode_soc_soh(const SocSoh& s) noexcept {
  const std::uint8_t dlc = s.dlc >= 8 ? 8 : (s.dlc >= 6 ? 6 : 4);
  CanFrame f = make_frame(id::kSocSoh, dlc);
  put_u16(&f.data[0], scaled_clamped<std::uint16_t>(s.soc_pct, 1.0, 0, 100));
  put_u16(&f.data[2], scaled_clamped<std::uint16_t>(s.soh_pct, 1.0, 0, 100));
  if (dlc >= 6) put_u16(&f.data[4], scaled_clamped<std::uint16_t>(s.soc_hires_pct, 0.01, 0, 10000));
  return f;
}

CanFrame encode_measurements(const Measurements& m) noexcept {
  CanFrame f = make_frame(id::kMeasurements, 6);
  const double scale = m.voltage_scale_v > 0 ? m.voltage_scale_v : 0.01;
  put_s16(&f.data[0], s16_field(m.voltage_v, scale));
  put_s16(&f.data[2], s16_field(m.current_a, 0.1));
  put_s16(&f.data[4], s16_field(m.temperature_c, 0.1));
  return f;
}

CanFrame encode_protection(const ProtectionFlags& p) noexcept {
  CanFrame f = make_frame(id::kProtection, 7);
  f.data[0] = flag_byte(p.protection);
  f.data[1] = static_cast<std::uint8_t>(bit(p.protection.high_charge_current, 0) | bit(p.system_error, 3));
  f.data[2] = flag_byte(p.alarm);
  f.data[3] = static_cast<std::uint8_t>(bit(p.alarm.high_charge_current, 0) | bit(p.internal_communication_fail, 3));
  f.data[4] = scaled_clamped<std::uint8_t>(p.module_count, 1.0);
  f.data[5] = 'P';
  f.data[6] = 'N';
  return f;
}

CanFrame encode_alarm_pairs(const AlarmPairs& pairs) noexcept {
  CanFrame f = make_frame(id::kAlarmPairs, 8);
  put_pairs(&f.data[0], pairs.alarms);
  put_pairs(&f.data[4], pairs.warnings);
  return f;
}

CanFrame encode_requests(const Requests& r) noexcept {
  CanFrame f = make_frame(id::kRequests, 2);
  f.data[0] =
      static_cast<std::uint8_t>(bit(r.charge_enable, 7) | bit(r.discharge_enable, 6) | bit(r.force_charge_1, 5) |
                                bit(r.force_charge_2, 4) | bit(r.full_charge_request, 3));
  return f;
}

CanFrame encode_manufacturer(std::string_view name) noexcept {
  CanFrame f = make_frame(id::kManufacturer, 8);
  put_text(f, name, ' ');
  return f;
}

CanFrame encode_battery_info(const BatteryInfo& info) noexcept {
  CanFrame f = make_frame(id::kBatteryInfo, 8);
  put_u16(&f.data[0], u16_field(info.product_id, 1.0));
  put_u16(&f.data[2], u16_field(info.firmware_version, 1.0));
  put_u16(&f.data[4], u16_field(info.available_capacity_ah, 1.0));
  put_u16(&f.data[6], u16_field(info.hardware_version, 1.0));
  return f;
}

std::array<CanFrame, 2> encode_bms_name(std::string_view name) noexcept {
  std::array<CanFrame, 2> frames{make_frame(id::kNameOrExtremes, 8), make_frame(id::kNameOrExtremeIds, 8)};
  put_text(frames[0], name.substr(0, std::min<std::size_t>(name.size(), 8)), 0);
  put_text(frames[1], name.size() > 8 ? name.substr(8) : std::string_view{}, 0);
  return frames;
}

std::array<CanFrame, 2> encode_numeric_extremes(const NumericExtremes& e) noexcept {
  std::array<CanFrame, 2> frames{make_frame(id::kNameOrExtremes, 8), make_frame(id::kNameOrExtremeIds, 8)};
  put_s16(&frames[0].data[0], s16_field(e.max_cell_temperature_c, 0.1));
  put_s16(&frames[0].data[2], s16_field(e.min_cell_temperature_c, 0.1));
  put_u16(&frames[0].data[4], u16_field(e.max_cell_voltage_v, 0.001));
  put_u16(&frames[0].data[6], u16_field(e.min_cell_voltage_v, 0.001));
  put_u16(&frames[1].data[0], e.max_cell_temperature_index);
  put_u16(&frames[1].data[2], e.min_cell_temperature_index);
  put_u16(&frames[1].data[4], e.max_cell_voltage_index);
  put_u16(&frames[1].data[6], e.min_cell_voltage_index);
  return frames;
}

CanFrame encode_module_status(const ModuleStatus& s) noexcept {
  CanFrame f = make_frame(id::kModuleStatus, 8);
  put_u16(&f.data[0], u16_field(s.modules_online, 1.0));
  put_u16(&f.data[2], u16_field(s.modules_blocking_charge, 1.0));
  put_u16(&f.data[4], u16_field(s.modules_blocking_discharge, 1.0));
  put_u16(&f.data[6], u16_field(s.modules_offline, 1.0));
  return f;
}

CanFrame encode_cell_extremes(const CellExtremes& e) noexcept {
  CanFrame f = make_frame(id::kCellExtremes, 8);
  constexpr double kKelvinOffset = 273.15;
  put_u16(&f.data[0], u16_field(e.min_cell_voltage_v, 0.001));
  put_u16(&f.data[2], u16_field(e.max_cell_voltage_v, 0.001));
  put_u16(&f.data[4], u16_field(e.min_cell_temperature_c + kKelvinOffset, 1.0));
  put_u16(&f.data[6], u16_field(e.max_cell_temperature_c + kKelvinOffset, 1.0));
  return f;
}

CanFrame encode_cell_id(std::uint32_t can_id, std::string_view cell_id) noexcept {
  const bool valid = can_id >= id::kMinCellVoltageId && can_id <= id::kMaxCellTemperatureId;
  CanFrame f = make_frame(valid ? can_id : id::kMinCellVoltageId, 8);
  put_text(f, cell_id, 0);
  return f;
}

CanFrame encode_energy(const Energy& e) noexcept {
  CanFrame f = make_frame(id::kEnergy, 8);
  put_u32(&f.data[0], scaled_clamped<std::uint32_t>(e.charged_energy_kwh, 0.1));
  put_u32(&f.data[4], scaled_clamped<std::uint32_t>(e.discharged_energy_kwh, 0.1));
  return f;
}

CanFrame encode_installed_capacity(double capacity_ah) noexcept {
  CanFrame f = make_frame(id::kInstalledCapacity, 2);
  put_u16(&f.data[0], u16_field(capacity_ah, 1.0));
  return f;
}

CanFrame encode_inverter_keep_alive() noexcept { return make_frame(id::kInverterKeepAlive, 8); }

CanFrame encode_inverter_report(const InverterReport& r) noexcept {
  CanFrame f = make_frame(id::kInverterKeepAlive, 8);
  put_u16(&f.data[0], u16_field(r.battery_voltage_v, 0.1));
  put_s16(&f.data[2], s16_field(r.battery_current_a, 0.1));
  put_s16(&f.data[4], s16_field(r.battery_temperature_c, 0.1));
  put_u16(&f.data[6], scaled_clamped<std::uint16_t>(r.soc_pct, 1.0, 0, 100));
  return f;
}

CanFrame encode_victron_gx_signature() noexcept {
  CanFrame f = make_frame(id::kInverterIdentity, 8);
  f.data = {0x12, 0x34, 0x56, 0x78, 'V', 'I', 'C', 0x00};
  return f;
}

}  // namespace bms::pylon
