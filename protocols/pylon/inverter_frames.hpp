#pragma once
/// @file inverter_frames.hpp
/// Frames whose field placement differs between inverter vendors on the shared ids (SMA's
/// invalid markers, Luxpower's cell and capacity fields). Pure, like pylon_codec.hpp: values
/// rounded to the field's resolution and clamped into its range. The layouts are in
/// docs/INVERTERS.md.

#include <optional>

#include "protocols/pylon/pylon_codec.hpp"

namespace bms::pylon {

/// SMA's "field not used / not known" markers.
inline constexpr std::uint16_t kSmaInvalidUnsigned = 0xFFFF;
inline constexpr std::uint16_t kSmaInvalidSigned = 0x8000;  ///< as the raw 16 bits

/// SMA 0x355, DLC 8: SOC 1 %, SOH 1 % (marker when unknown), SOC 0.01 %, bytes 6-7 unused.
struct SmaSocSoh {
  double soc_pct = 0;
  std::optional<double> soh_pct;
};
[[nodiscard]] CanFrame encode_sma_soc_soh(const SmaSocSoh& soc) noexcept;

/// SMA 0x356, DLC 6: voltage 0.01 V, current 0.1 A, temperature 0.1 degC; unknown = 0x8000.
struct SmaMeasurements {
  std::optional<double> voltage_v;
  std::optional<double> current_a;
  std::optional<double> temperature_c;
};
[[nodiscard]] CanFrame encode_sma_measurements(const SmaMeasurements& m) noexcept;

/// SMA 0x35F, DLC 8: battery type, BMS version and manufacturer id (not ours to claim:
/// markers), bytes 4-5 the installed capacity in Ah (marker when unknown).
[[nodiscard]] CanFrame encode_sma_battery_info(std::optional<double> installed_capacity_ah) noexcept;

/// Luxpower 0x355, DLC 8: SOC, SOH, max cell voltage, min cell voltage (1 mV).
struct LuxpowerSocCells {
  double soc_pct = 0;
  double soh_pct = 0;
  double max_cell_voltage_v = 0;
  double min_cell_voltage_v = 0;
};
[[nodiscard]] CanFrame encode_luxpower_soc_cells(const LuxpowerSocCells& s) noexcept;

/// Luxpower 0x356, DLC 8: voltage 0.01 V, current 0.1 A, max and min cell temperature 0.1 degC.
struct LuxpowerMeasurements {
  double voltage_v = 0;
  double current_a = 0;
  double max_cell_temperature_c = 0;
  double min_cell_temperature_c = 0;
};
[[nodiscard]] CanFrame encode_luxpower_measurements(const LuxpowerMeasurements& m) noexcept;

/// Luxpower 0x359, DLC 8: the Pylontech flag bytes 0-3 and module count (byte 4), then the
/// capacity in Ah (u16, bytes 5-6) where Pylontech has 'P' 'N'; byte 7 zero.
[[nodiscard]] CanFrame encode_luxpower_protection(const ProtectionFlags& flags, double capacity_ah) noexcept;

/// Luxpower 0x35C, DLC 8: the request bits (byte 0), cycle count (u16, bytes 2-3).
[[nodiscard]] CanFrame encode_luxpower_requests(const Requests& requests, double cycle_count) noexcept;

}  // namespace bms::pylon
