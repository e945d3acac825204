// Vendor variants of the shared frame ids. Fields the standard encoders already place are
// taken from them, so a flag or a scale is written in one place only.

#include "protocols/pylon/inverter_frames.hpp"

#include "protocols/wire_bytes.hpp"

namespace bms::pylon {
namespace {

using wire::make_frame;
using wire::put_s16;
using wire::put_u16;
using wire::scaled_clamped;

/// A u16 field (at most `max_raw` on the wire), or SMA's unsigned marker when unknown.
std::uint16_t sma_u16(const std::optional<double>& v, double scale, std::uint16_t max_raw) noexcept {
  return v ? scaled_clamped<std::uint16_t>(*v, scale, 0, max_raw) : kSmaInvalidUnsigned;
}
/// An s16 field, or SMA's signed marker. A known value never lands on the marker itself.
std::uint16_t sma_s16(const std::optional<double>& v, double scale) noexcept {
  if (!v) return kSmaInvalidSigned;
  return static_cast<std::uint16_t>(scaled_clamped<std::int16_t>(*v, scale, -32767, 32767));
}

}  // namespace

CanFrame encode_sma_soc_soh(const SmaSocSoh& s) noexcept {
  CanFrame f = make_frame(id::kSocSoh, 8);
  put_u16(&f.data[0], scaled_clamped<std::uint16_t>(s.soc_pct, 1.0, 0, 100));
  put_u16(&f.data[2], sma_u16(s.soh_pct, 1.0, 100));
  put_u16(&f.data[4], scaled_clamped<std::uint16_t>(s.soc_pct, 0.01, 0, 10000));
  put_u16(&f.data[6], kSmaInvalidUnsigned);
  return f;
}

CanFrame encode_sma_measurements(const SmaMeasurements& m) noexcept {
  CanFrame f = make_frame(id::kMeasurements, 6);
  put_u16(&f.data[0], sma_s16(m.voltage_v, 0.01));
  put_u16(&f.data[2], sma_s16(m.current_a, 0.1));
  put_u16(&f.data[4], sma_s16(m.temperature_c, 0.1));
  return f;
}

CanFrame encode_sma_battery_info(std::optional<double> installed_capacity_ah) noexcept {
  CanFrame f = make_frame(id::kBatteryInfo, 8);
  put_u16(&f.data[0], kSmaInvalidUnsigned);
  put_u16(&f.data[2], kSmaInvalidUnsigned);
  // 0xFFFF itself is the marker: a known capacity stops one below it.
  put_u16(&f.data[4], sma_u16(installed_capacity_ah, 1.0, 65534));
  put_u16(&f.data[6], kSmaInvalidUnsigned);
  return f;
}

CanFrame encode_luxpower_soc_cells(const LuxpowerSocCells& s) noexcept {
  CanFrame f = make_frame(id::kSocSoh, 8);
  put_u16(&f.data[0], scaled_clamped<std::uint16_t>(s.soc_pct, 1.0, 0, 100));
  put_u16(&f.data[2], scaled_clamped<std::uint16_t>(s.soh_pct, 1.0, 0, 100));
  put_u16(&f.data[4], scaled_clamped<std::uint16_t>(s.max_cell_voltage_v, 0.001));
  put_u16(&f.data[6], scaled_clamped<std::uint16_t>(s.min_cell_voltage_v, 0.001));
  return f;
}

CanFrame encode_luxpower_measurements(const LuxpowerMeasurements& m) noexcept {
  CanFrame f = make_frame(id::kMeasurements, 8);
  put_s16(&f.data[0], scaled_clamped<std::int16_t>(m.voltage_v, 0.01));
  put_s16(&f.data[2], scaled_clamped<std::int16_t>(m.current_a, 0.1));
  put_s16(&f.data[4], scaled_clamped<std::int16_t>(m.max_cell_temperature_c, 0.1));
  put_s16(&f.data[6], scaled_clamped<std::int16_t>(m.min_cell_temperature_c, 0.1));
  return f;
}

CanFrame encode_luxpower_protection(const ProtectionFlags& flags, double capacity_ah) noexcept {
  CanFrame f = encode_protection(flags);
  f.dlc = 8;
  put_u16(&f.data[5], scaled_clamped<std::uint16_t>(capacity_ah, 1.0));
  f.data[7] = 0;
  return f;
}

CanFrame encode_luxpower_requests(const Requests& requests, double cycle_count) noexcept {
  CanFrame f = encode_requests(requests);
  f.dlc = 8;
  put_u16(&f.data[2], scaled_clamped<std::uint16_t>(cycle_count, 1.0));
  return f;
}

}  // namespace bms::pylon
