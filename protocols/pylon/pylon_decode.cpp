// Decoder of the Pylontech/SMA/Victron frame family. Each id has its own small function
// that checks the length first and only then reads bytes; where emitters disagree the
// decoder accepts every form the reference lists.

#include <array>

#include "protocols/pylon/pylon_codec.hpp"
#include "protocols/wire_bytes.hpp"

namespace bms::pylon {
namespace {

using Bytes = std::span<const std::uint8_t>;
using wire::s16;
using wire::u16;
using wire::u32;

/// Whole Kelvin to degC in hundredths first, so 298 K is exactly the literal 24.85.
double kelvin_to_celsius(std::uint16_t kelvin) noexcept { return (kelvin * 100.0 - 27315.0) / 100.0; }

DecodedFrame ok() noexcept {
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  return out;
}
DecodedFrame too_short(std::string_view why) noexcept { return DecodedFrame::fail(DecodeStatus::TooShort, why); }

double bit(std::uint8_t byte, int n) noexcept { return ((byte >> n) & 1U) ? 1.0 : 0.0; }
double either_bit(std::uint8_t byte, int a, int b) noexcept { return (bit(byte, a) + bit(byte, b)) > 0 ? 1.0 : 0.0; }

DecodedFrame decode_limits(Bytes d) noexcept {
  if (d.size() < 6) return too_short("0x351 needs at least 6 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::ChargeVoltageLimitV, wire::scaled(u16(d, 0), 0.1));
  out.add(SignalId::ChargeCurrentLimitA, wire::scaled(s16(d, 2), 0.1));
  out.add(SignalId::DischargeCurrentLimitA, wire::scaled(s16(d, 4), 0.1));
  // Pylontech V1.2 sends DLC 6 without the discharge voltage limit; SMA-style emitters send 8.
  if (d.size() >= 8) out.add(SignalId::DischargeVoltageLimitV, wire::scaled(u16(d, 6), 0.1));
  return out;
}

DecodedFrame decode_soc_soh(Bytes d) noexcept {
  if (d.size() < 4) return too_short("0x355 needs at least 4 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::SocPct, u16(d, 0));
  out.add(SignalId::SohPct, u16(d, 2));
  if (d.size() >= 6) out.add(SignalId::SocHiresPct, wire::scaled(u16(d, 4), 0.01));
  return out;
}

DecodedFrame decode_measurements(Bytes d, const DecodeOptions& o) noexcept {
  if (d.size() < 6) return too_short("0x356 needs at least 6 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::VoltageV, wire::scaled(s16(d, 0), o.voltage_scale_v));
  out.add(SignalId::CurrentA, wire::scaled(s16(d, 2), 0.1));
  out.add(SignalId::TemperatureC, wire::scaled(s16(d, 4), 0.1));
  return out;
}

DecodedFrame decode_protection(Bytes d) noexcept {
  if (d.size() < 4) return too_short("0x359 needs at least 4 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::ProtectionHighVoltage, bit(d[0], 1));
  out.add(SignalId::ProtectionLowVoltage, bit(d[0], 2));
  out.add(SignalId::ProtectionHighTemperature, bit(d[0], 3));
  out.add(SignalId::ProtectionLowTemperature, bit(d[0], 4));
  out.add(SignalId::ProtectionHighDischargeCurrent, bit(d[0], 7));
  out.add(SignalId::ProtectionHighChargeCurrent, bit(d[1], 0));
  // System error is bit 3 in the Pylontech document and bit 7 in some emitters: accept both.
  out.add(SignalId::ProtectionSystemError, either_bit(d[1], 3, 7));
  out.add(SignalId::AlarmHighVoltage, bit(d[2], 1));
  out.add(SignalId::AlarmLowVoltage, bit(d[2], 2));
  out.add(SignalId::AlarmHighTemperature, bit(d[2], 3));
  out.add(SignalId::AlarmLowTemperature, bit(d[2], 4));
  out.add(SignalId::AlarmHighDischargeCurrent, bit(d[2], 7));
  out.add(SignalId::AlarmHighChargeCurrent, bit(d[3], 0));
  out.add(SignalId::AlarmInternalCommunication, either_bit(d[3], 3, 7));
  if (d.size() >= 5) out.add(SignalId::ModuleCount, d[4]);
  return out;
}

/// 0x35A categories in wire order, as (alarm signal, warning signal). Victron "alarm" is
/// the trip level (our protection_*), "warning" the early level (our alarm_*), so the
/// aggregator sees one signal whichever frame a BMS uses. "BMS internal" is Venus OS's
/// InternalFailure, the same alarm 0x359's system error / communication fail feed.
struct PairSignals {
  SignalId alarm;
  SignalId warning;
};
constexpr std::array<PairSignals, kPairCategoryCount> kPairSignals{{
    {SignalId::ProtectionGeneral, SignalId::AlarmGeneral},
    {SignalId::ProtectionHighVoltage, SignalId::AlarmHighVoltage},
    {SignalId::ProtectionLowVoltage, SignalId::AlarmLowVoltage},
    {SignalId::ProtectionHighTemperature, SignalId::AlarmHighTemperature},
    {SignalId::ProtectionLowTemperature, SignalId::AlarmLowTemperature},
    {SignalId::ProtectionHighChargeTemperature, SignalId::AlarmHighChargeTemperature},
    {SignalId::ProtectionLowChargeTemperature, SignalId::AlarmLowChargeTemperature},
    {SignalId::ProtectionHighDischargeCurrent, SignalId::AlarmHighDischargeCurrent},
    {SignalId::ProtectionHighChargeCurrent, SignalId::AlarmHighChargeCurrent},
    {SignalId::ProtectionContactor, SignalId::AlarmContactor},
    {SignalId::ProtectionShortCircuit, SignalId::AlarmShortCircuit},
    {SignalId::ProtectionSystemError, SignalId::AlarmInternalCommunication},
    {SignalId::ProtectionCellImbalance, SignalId::AlarmCellImbalance},
}};

/// Adds one value per supported pair: 01 raised (1), 10 ok (0); 00 and 11 give no value.
void add_pairs(DecodedFrame& out, Bytes four, bool warnings) noexcept {
  for (std::size_t i = 0; i < kPairCategoryCount; ++i) {
    const unsigned code = (four[i / 4] >> (2 * (i % 4))) & 0x3U;
    if (code != 1U && code != 2U) continue;
    out.add(warnings ? kPairSignals[i].warning : kPairSignals[i].alarm, code == 1U ? 1.0 : 0.0);
  }
}

DecodedFrame decode_alarm_pairs(Bytes d) noexcept {
  if (d.size() < 4) return too_short("0x35A needs at least 4 bytes");
  DecodedFrame out = ok();
  add_pairs(out, d.subspan(0, 4), false);
  if (d.size() >= 8) add_pairs(out, d.subspan(4, 4), true);
  return out;
}

DecodedFrame decode_requests(Bytes d) noexcept {
  if (d.empty()) return too_short("0x35C needs at least 1 byte");
  DecodedFrame out = ok();
  out.add(SignalId::ChargeEnable, bit(d[0], 7));
  out.add(SignalId::DischargeEnable, bit(d[0], 6));
  out.add(SignalId::ForceCharge1, bit(d[0], 5));
  out.add(SignalId::ForceCharge2, bit(d[0], 4));
  out.add(SignalId::FullChargeRequest, bit(d[0], 3));
  return out;
}

DecodedFrame decode_text(Bytes d, SignalId signal, std::string_view too_short_reason) noexcept {
  if (d.empty()) return too_short(too_short_reason);
  DecodedFrame out = ok();
  out.add_text(signal, d);
  return out;
}

DecodedFrame decode_battery_info(Bytes d) noexcept {
  if (d.size() < 2) return too_short("0x35F needs at least 2 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::ProductId, u16(d, 0));
  if (d.size() >= 4) out.add(SignalId::FirmwareVersion, u16(d, 2));
  if (d.size() >= 6) out.add(SignalId::AvailableCapacityAh, u16(d, 4));
  if (d.size() >= 8) out.add(SignalId::HardwareVersion, u16(d, 6));
  return out;
}

/// Victron's name is printable ASCII, NUL padded; Pylon V2 numbers almost never are (a
/// cell of 3.3 V is E4 0C). An all-zero frame is read as an empty name part: it is the
/// second half of every name of 8 characters or less, and as numbers it would report
/// 0 V cells to the aggregator.
bool looks_like_text(Bytes d) noexcept {
  bool padding = false;
  for (const std::uint8_t c : d) {
    if (c == 0) {
      padding = true;
    } else if (padding || c < 0x20 || c > 0x7E) {
      return false;
    }
  }
  return true;
}

/// Adds a text signal holding the decimal form of a cell/module index.
void add_index(DecodedFrame& out, SignalId signal, std::uint16_t index) noexcept {
  std::array<std::uint8_t, 8> digits{};
  std::array<std::uint8_t, 5> reversed{};
  std::size_t n = 0;
  do {
    reversed[n++] = static_cast<std::uint8_t>('0' + index % 10);
    index = static_cast<std::uint16_t>(index / 10);
  } while (index != 0 && n < reversed.size());
  for (std::size_t i = 0; i < n; ++i) digits[i] = reversed[n - 1 - i];
  out.add_text(signal, {digits.data(), n});
}

DecodedFrame decode_name_or_extremes(Bytes d, bool second, const DecodeOptions& o) noexcept {
  if (d.empty()) return too_short(second ? "0x371 needs at least 1 byte" : "0x370 needs at least 1 byte");
  if (looks_like_text(d)) {
    DecodedFrame out = ok();
    out.add_text(second ? SignalId::BmsName2 : SignalId::BmsName, d);
    return out;
  }
  if (d.size() < 8) return too_short(second ? "0x371 numeric needs 8 bytes" : "0x370 numeric needs 8 bytes");
  DecodedFrame out = ok();
  if (!second) {
    out.add(SignalId::MaxCellTemperatureC, wire::scaled(s16(d, 0), 0.1));
    out.add(SignalId::MinCellTemperatureC, wire::scaled(s16(d, 2), 0.1));
    out.add(SignalId::MaxCellVoltageV, wire::scaled(u16(d, 4), o.extremes_cell_scale_v));
    out.add(SignalId::MinCellVoltageV, wire::scaled(u16(d, 6), o.extremes_cell_scale_v));
  } else {
    add_index(out, SignalId::MaxCellTemperatureId, u16(d, 0));
    add_index(out, SignalId::MinCellTemperatureId, u16(d, 2));
    add_index(out, SignalId::MaxCellVoltageId, u16(d, 4));
    add_index(out, SignalId::MinCellVoltageId, u16(d, 6));
  }
  return out;
}

DecodedFrame decode_module_status(Bytes d) noexcept {
  if (d.size() < 8) return too_short("0x372 needs 8 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::ModulesOnline, u16(d, 0));
  out.add(SignalId::ModulesBlockingCharge, u16(d, 2));
  out.add(SignalId::ModulesBlockingDischarge, u16(d, 4));
  out.add(SignalId::ModulesOffline, u16(d, 6));
  return out;
}

DecodedFrame decode_cell_extremes(Bytes d) noexcept {
  if (d.size() < 8) return too_short("0x373 needs 8 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::MinCellVoltageV, wire::scaled(u16(d, 0), 0.001));
  out.add(SignalId::MaxCellVoltageV, wire::scaled(u16(d, 2), 0.001));
  out.add(SignalId::MinCellTemperatureC, kelvin_to_celsius(u16(d, 4)));
  out.add(SignalId::MaxCellTemperatureC, kelvin_to_celsius(u16(d, 6)));
  return out;
}

DecodedFrame decode_energy(Bytes d, const DecodeOptions& o) noexcept {
  if (d.size() < 8) return too_short("0x378 needs 8 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::ChargedEnergyKwh, wire::scaled(u32(d, 0), o.energy_scale_kwh));
  out.add(SignalId::DischargedEnergyKwh, wire::scaled(u32(d, 4), o.energy_scale_kwh));
  return out;
}

DecodedFrame decode_installed_capacity(Bytes d) noexcept {
  if (d.size() < 2) return too_short("0x379 needs 2 bytes");
  DecodedFrame out = ok();
  out.add(SignalId::InstalledCapacityAh, u16(d, 0));
  return out;
}

/// 0x305 is the inverter's keep-alive whatever its content (8 zero bytes from Victron and
/// Sol-Ark); SMA Sunny Island fills it with what it measures.
DecodedFrame decode_inverter_keep_alive(Bytes d) noexcept {
  DecodedFrame out = ok();
  out.add(SignalId::InverterKeepAlive, 1.0);
  bool filled = false;
  for (const std::uint8_t b : d) filled = filled || b != 0;
  if (filled && d.size() >= 8) {
    out.add(SignalId::InverterBatteryVoltageV, wire::scaled(u16(d, 0), 0.1));
    out.add(SignalId::InverterBatteryCurrentA, wire::scaled(s16(d, 2), 0.1));
    out.add(SignalId::InverterBatteryTemperatureC, wire::scaled(s16(d, 4), 0.1));
    out.add(SignalId::InverterSocPct, u16(d, 6));
  }
  return out;
}

/// 0x307: a Victron GX signs with 12 34 56 78 'V' 'I' 'C' (then 00); SMA's 0x307 differs.
DecodedFrame decode_inverter_identity(Bytes d) noexcept {
  constexpr std::array<std::uint8_t, 7> kSignature{0x12, 0x34, 0x56, 0x78, 'V', 'I', 'C'};
  bool victron = d.size() >= kSignature.size();
  for (std::size_t i = 0; victron && i < kSignature.size(); ++i) victron = d[i] == kSignature[i];
  DecodedFrame out = ok();
  out.add(SignalId::InverterVictronGx, victron ? 1.0 : 0.0);
  return out;
}

bool is_family_id(std::uint32_t can_id) noexcept {
  switch (can_id) {
    case id::kInverterKeepAlive:
    case id::kInverterIdentity:
    case id::kLimits:
    case id::kSocSoh:
    case id::kMeasurements:
    case id::kProtection:
    case id::kAlarmPairs:
    case id::kRequests:
    case id::kManufacturer:
    case id::kBatteryInfo:
    case id::kNameOrExtremes:
    case id::kNameOrExtremeIds:
    case id::kModuleStatus:
    case id::kCellExtremes:
    case id::kMinCellVoltageId:
    case id::kMaxCellVoltageId:
    case id::kMinCellTemperatureId:
    case id::kMaxCellTemperatureId:
    case id::kEnergy:
    case id::kInstalledCapacity:
    case id::kSerialNumber:
    case id::kSerialNumber2:
    case id::kProductName:
      return true;
    default:
      return false;
  }
}

}  // namespace

DecodedFrame decode(const CanFrame& frame, const DecodeOptions& options) noexcept {
  if (frame.error) return DecodedFrame::fail(DecodeStatus::NotMine, "error frame");
  if (frame.extended) {
    // Schneider XW Pro sends its keep-alive 0x305 with a 29-bit id.
    if (frame.id == id::kInverterKeepAlive && !frame.remote) return decode_inverter_keep_alive(frame.payload());
    return DecodedFrame::fail(DecodeStatus::NotMine, "extended id not in the Pylontech/SMA family");
  }
  const Bytes d = frame.payload();
  if (frame.remote && is_family_id(frame.id)) return DecodedFrame::fail(DecodeStatus::Malformed, "remote frame");
  switch (frame.id) {
    case id::kInverterKeepAlive:
      return decode_inverter_keep_alive(d);
    case id::kInverterIdentity:
      return decode_inverter_identity(d);
    case id::kLimits:
      return decode_limits(d);
    case id::kSocSoh:
      return decode_soc_soh(d);
    case id::kMeasurements:
      return decode_measurements(d, options);
    case id::kProtection:
      return decode_protection(d);
    case id::kAlarmPairs:
      return decode_alarm_pairs(d);
    case id::kRequests:
      return decode_requests(d);
    case id::kManufacturer:
      return decode_text(d, SignalId::Manufacturer, "0x35E needs at least 1 byte");
    case id::kBatteryInfo:
      return decode_battery_info(d);
    case id::kNameOrExtremes:
      return decode_name_or_extremes(d, false, options);
    case id::kNameOrExtremeIds:
      return decode_name_or_extremes(d, true, options);
    case id::kModuleStatus:
      return decode_module_status(d);
    case id::kCellExtremes:
      return decode_cell_extremes(d);
    case id::kMinCellVoltageId:
      return decode_text(d, SignalId::MinCellVoltageId, "0x374 needs at least 1 byte");
    case id::kMaxCellVoltageId:
      return decode_text(d, SignalId::MaxCellVoltageId, "0x375 needs at least 1 byte");
    case id::kMinCellTemperatureId:
      return decode_text(d, SignalId::MinCellTemperatureId, "0x376 needs at least 1 byte");
    case id::kMaxCellTemperatureId:
      return decode_text(d, SignalId::MaxCellTemperatureId, "0x377 needs at least 1 byte");
    case id::kEnergy:
      return decode_energy(d, options);
    case id::kInstalledCapacity:
      return decode_installed_capacity(d);
    case id::kSerialNumber:
      return decode_text(d, SignalId::SerialNumber, "0x380 needs at least 1 byte");
    case id::kSerialNumber2:
      return decode_text(d, SignalId::SerialNumber2, "0x381 needs at least 1 byte");
    case id::kProductName:
      return decode_text(d, SignalId::ProductName, "0x382 needs at least 1 byte");
    default:
      return DecodedFrame::fail(DecodeStatus::NotMine, "id not in the Pylontech/SMA family");
  }
}

}  // namespace bms::pylon
