#include "protocols/pylon/pylon_codec.hpp"

#include "protocols/wire_bytes.hpp"

namespace bms::pylon {
namespace {

using wire::s16;
using wire::u16;

DecodedFrame decode_limits(std::span<const std::uint8_t> d) noexcept {
  if (d.size() < 6) return DecodedFrame::fail(DecodeStatus::TooShort, "0x351 needs at least 6 bytes");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  out.add(SignalId::ChargeVoltageLimitV, u16(d, 0) * 0.1);
  out.add(SignalId::ChargeCurrentLimitA, s16(d, 2) * 0.1);
  out.add(SignalId::DischargeCurrentLimitA, s16(d, 4) * 0.1);
  // Pylontech V1.2 sends DLC 6 without the discharge voltage limit; SMA-style emitters send 8.
  if (d.size() >= 8) out.add(SignalId::DischargeVoltageLimitV, u16(d, 6) * 0.1);
  return out;
}

DecodedFrame decode_soc_soh(std::span<const std::uint8_t> d) noexcept {
  if (d.size() < 4) return DecodedFrame::fail(DecodeStatus::TooShort, "0x355 needs at least 4 bytes");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  out.add(SignalId::SocPct, u16(d, 0));
  out.add(SignalId::SohPct, u16(d, 2));
  if (d.size() >= 6) out.add(SignalId::SocHiresPct, u16(d, 4) * 0.01);
  return out;
}

DecodedFrame decode_measurements(std::span<const std::uint8_t> d, const DecodeOptions& o) noexcept {
  if (d.size() < 6) return DecodedFrame::fail(DecodeStatus::TooShort, "0x356 needs at least 6 bytes");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  out.add(SignalId::VoltageV, s16(d, 0) * o.voltage_scale_v);
  out.add(SignalId::CurrentA, s16(d, 2) * 0.1);
  out.add(SignalId::TemperatureC, s16(d, 4) * 0.1);
  return out;
}

DecodedFrame decode_protection(std::span<const std::uint8_t> d) noexcept {
  if (d.size() < 4) return DecodedFrame::fail(DecodeStatus::TooShort, "0x359 needs at least 4 bytes");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  const auto bit = [](std::uint8_t byte, int n) { return ((byte >> n) & 1U) ? 1.0 : 0.0; };
  out.add(SignalId::ProtectionHighVoltage, bit(d[0], 1));
  out.add(SignalId::ProtectionLowVoltage, bit(d[0], 2));
  out.add(SignalId::ProtectionHighTemperature, bit(d[0], 3));
  out.add(SignalId::ProtectionLowTemperature, bit(d[0], 4));
  out.add(SignalId::ProtectionHighDischargeCurrent, bit(d[0], 7));
  out.add(SignalId::ProtectionHighChargeCurrent, bit(d[1], 0));
  // System error is bit 3 in the Pylontech document and bit 7 in some emitters: accept both.
  out.add(SignalId::ProtectionSystemError, (bit(d[1], 3) + bit(d[1], 7)) > 0 ? 1.0 : 0.0);
  out.add(SignalId::AlarmHighVoltage, bit(d[2], 1));
  out.add(SignalId::AlarmLowVoltage, bit(d[2], 2));
  out.add(SignalId::AlarmHighTemperature, bit(d[2], 3));
  out.add(SignalId::AlarmLowTemperature, bit(d[2], 4));
  out.add(SignalId::AlarmHighDischargeCurrent, bit(d[2], 7));
  out.add(SignalId::AlarmHighChargeCurrent, bit(d[3], 0));
  out.add(SignalId::AlarmInternalCommunication, (bit(d[3], 3) + bit(d[3], 7)) > 0 ? 1.0 : 0.0);
  if (d.size() >= 5) out.add(SignalId::ModuleCount, d[4]);
  return out;
}

DecodedFrame decode_requests(std::span<const std::uint8_t> d) noexcept {
  if (d.empty()) return DecodedFrame::fail(DecodeStatus::TooShort, "0x35C needs at least 1 byte");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  const auto bit = [&](int n) { return ((d[0] >> n) & 1U) ? 1.0 : 0.0; };
  out.add(SignalId::ChargeEnable, bit(7));
  out.add(SignalId::DischargeEnable, bit(6));
  out.add(SignalId::ForceCharge1, bit(5));
  out.add(SignalId::ForceCharge2, bit(4));
  out.add(SignalId::FullChargeRequest, bit(3));
  return out;
}

DecodedFrame decode_manufacturer(std::span<const std::uint8_t> d) noexcept {
  if (d.empty()) return DecodedFrame::fail(DecodeStatus::TooShort, "0x35E needs at least 1 byte");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  out.add_text(SignalId::Manufacturer, d);
  return out;
}

CanFrame make_frame(std::uint32_t id, std::uint8_t dlc) noexcept {
  CanFrame f;
  f.id = id;
  f.dlc = dlc;
  return f;
}

}  // namespace

DecodedFrame decode(const CanFrame& frame, const DecodeOptions& options) noexcept {
  if (frame.error || frame.extended) return DecodedFrame::fail(DecodeStatus::NotMine, "not a standard data frame");
  const auto d = frame.payload();
  switch (frame.id) {
    case 0x351: return frame.remote ? DecodedFrame::fail(DecodeStatus::Malformed, "remote frame") : decode_limits(d);
    case 0x355: return frame.remote ? DecodedFrame::fail(DecodeStatus::Malformed, "remote frame") : decode_soc_soh(d);
    case 0x356:
      return frame.remote ? DecodedFrame::fail(DecodeStatus::Malformed, "remote frame") : decode_measurements(d, options);
    case 0x359: return frame.remote ? DecodedFrame::fail(DecodeStatus::Malformed, "remote frame") : decode_protection(d);
    case 0x35C: return frame.remote ? DecodedFrame::fail(DecodeStatus::Malformed, "remote frame") : decode_requests(d);
    case 0x35E:
      return frame.remote ? DecodedFrame::fail(DecodeStatus::Malformed, "remote frame") : decode_manufacturer(d);
    default: return DecodedFrame::fail(DecodeStatus::NotMine, "id not in the Pylontech/SMA family");
  }
}

CanFrame encode_limits(const Limits& l) noexcept {
  CanFrame f = make_frame(0x351, l.dlc == 6 ? 6 : 8);
  wire::put_u16(&f.data[0], wire::scaled_clamped<std::uint16_t>(l.charge_voltage_limit_v, 0.1));
  // Limits are never negative on the wire: a negative request means "none allowed".
  wire::put_u16(&f.data[2], static_cast<std::uint16_t>(wire::scaled_clamped<std::int16_t>(l.charge_current_limit_a, 0.1, 0)));
  wire::put_u16(&f.data[4], static_cast<std::uint16_t>(wire::scaled_clamped<std::int16_t>(l.discharge_current_limit_a, 0.1, 0)));
  if (f.dlc == 8) wire::put_u16(&f.data[6], wire::scaled_clamped<std::uint16_t>(l.discharge_voltage_limit_v, 0.1));
  return f;
}

CanFrame encode_soc_soh(const SocSoh& s) noexcept {
  const std::uint8_t dlc = s.dlc >= 8 ? 8 : (s.dlc >= 6 ? 6 : 4);
  CanFrame f = make_frame(0x355, dlc);
  wire::put_u16(&f.data[0], wire::scaled_clamped<std::uint16_t>(s.soc_pct, 1.0, 0, 100));
  wire::put_u16(&f.data[2], wire::scaled_clamped<std::uint16_t>(s.soh_pct, 1.0, 0, 100));
  if (dlc >= 6) wire::put_u16(&f.data[4], wire::scaled_clamped<std::uint16_t>(s.soc_hires_pct, 0.01, 0, 10000));
  return f;
}

CanFrame encode_measurements(const Measurements& m) noexcept {
  CanFrame f = make_frame(0x356, 6);
  wire::put_u16(&f.data[0], static_cast<std::uint16_t>(wire::scaled_clamped<std::int16_t>(m.voltage_v, m.voltage_scale_v)));
  wire::put_u16(&f.data[2], static_cast<std::uint16_t>(wire::scaled_clamped<std::int16_t>(m.current_a, 0.1)));
  wire::put_u16(&f.data[4], static_cast<std::uint16_t>(wire::scaled_clamped<std::int16_t>(m.temperature_c, 0.1)));
  return f;
}

}  // namespace bms::pylon
