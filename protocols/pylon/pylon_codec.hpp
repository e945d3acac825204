#pragma once
/// @file pylon_codec.hpp
/// The Pylontech / SMA low-voltage / Victron BMS-CAN frame family, both directions.
/// Pure functions: no I/O, no clock, no logging. Facts: shared/reference/battery-can.md.

#include <cstdint>

#include "protocols/can_frame.hpp"
#include "protocols/decoded_frame.hpp"

namespace bms::pylon {

/// Per-source options: where emitters disagree, the source says which form it uses.
struct DecodeOptions {
  /// Scale of the 0x356 battery voltage in volts per bit: 0.01 (default) or 0.1 (Sol-Ark V1.3).
  double voltage_scale_v = 0.01;
};

/// Decodes one frame of the family. Length is checked before any byte is read.
/// @return status Ok with values, NotMine for ids outside the family, TooShort when the
///         dlc cannot hold the id's mandatory fields, Malformed for remote/extended frames.
[[nodiscard]] DecodedFrame decode(const CanFrame& frame, const DecodeOptions& options = {}) noexcept;

/// The limits frame 0x351. `dlc` 6 (Pylontech V1.2, no discharge voltage) or 8.
struct Limits {
  double charge_voltage_limit_v = 0;
  double charge_current_limit_a = 0;
  double discharge_current_limit_a = 0;
  double discharge_voltage_limit_v = 0;
  std::uint8_t dlc = 8;
};
/// State of charge / health 0x355. dlc 4, or 6/8 with the high-resolution SOC.
struct SocSoh {
  double soc_pct = 0;
  double soh_pct = 0;
  double soc_hires_pct = 0;
  std::uint8_t dlc = 4;
};
/// Battery measurements 0x356 (dlc 6).
struct Measurements {
  double voltage_v = 0;
  double current_a = 0;
  double temperature_c = 0;
  double voltage_scale_v = 0.01;
};

/// Encoders clamp every value into its field's range, so nothing out of range reaches a wire.
[[nodiscard]] CanFrame encode_limits(const Limits& limits) noexcept;
[[nodiscard]] CanFrame encode_soc_soh(const SocSoh& soc) noexcept;
[[nodiscard]] CanFrame encode_measurements(const Measurements& m) noexcept;

}  // namespace bms::pylon
