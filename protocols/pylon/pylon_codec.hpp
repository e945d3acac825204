#pragma once
/// @file pylon_codec.hpp
/// The Pylontech / SMA low-voltage / Victron BMS-CAN frame family, both directions.
/// Pure functions: no I/O, no clock, no logging. Facts: shared/reference/battery-can.md.
///
/// Decoding accepts every form the reference lists (DLC variants, system-error bit 3 or 7,
/// 0x370 as a name or as numbers). Encoding writes one well-defined form and clamps every
/// value into its field's range, so nothing out of range reaches a wire.

#include <array>
#include <cstdint>
#include <string_view>

#include "protocols/can_frame.hpp"
#include "protocols/decoded_frame.hpp"

namespace bms::pylon {

/// CAN identifiers of the family (11-bit).
namespace id {
inline constexpr std::uint32_t kInverterKeepAlive = 0x305;  ///< inverter -> BMS, ~1/s
inline constexpr std::uint32_t kInverterIdentity = 0x307;   ///< Victron GX signature / SMA
inline constexpr std::uint32_t kLimits = 0x351;
inline constexpr std::uint32_t kSocSoh = 0x355;
inline constexpr std::uint32_t kMeasurements = 0x356;
inline constexpr std::uint32_t kProtection = 0x359;
inline constexpr std::uint32_t kAlarmPairs = 0x35A;
inline constexpr std::uint32_t kRequests = 0x35C;
inline constexpr std::uint32_t kManufacturer = 0x35E;
inline constexpr std::uint32_t kBatteryInfo = 0x35F;
inline constexpr std::uint32_t kNameOrExtremes = 0x370;
inline constexpr std::uint32_t kNameOrExtremeIds = 0x371;
inline constexpr std::uint32_t kModuleStatus = 0x372;
inline constexpr std::uint32_t kCellExtremes = 0x373;
inline constexpr std::uint32_t kMinCellVoltageId = 0x374;
inline constexpr std::uint32_t kMaxCellVoltageId = 0x375;
inline constexpr std::uint32_t kMinCellTemperatureId = 0x376;
inline constexpr std::uint32_t kMaxCellTemperatureId = 0x377;
inline constexpr std::uint32_t kEnergy = 0x378;
inline constexpr std::uint32_t kInstalledCapacity = 0x379;
inline constexpr std::uint32_t kSerialNumber = 0x380;
inline constexpr std::uint32_t kSerialNumber2 = 0x381;
inline constexpr std::uint32_t kProductName = 0x382;
}  // namespace id

/// Per-source options: where emitters disagree, the source says which form it uses.
struct DecodeOptions {
  /// Scale of the 0x356 battery voltage in volts per bit: 0.01 (default) or 0.1 (Sol-Ark V1.3).
  double voltage_scale_v = 0.01;
  /// Scale of the numeric 0x370 cell voltages in volts per bit: 0.001 (mV, default) or 0.01.
  double extremes_cell_scale_v = 0.001;
  /// Scale of the 0x378 energy counters in kWh per bit: 0.1 (default) or 0.01 (one guide).
  double energy_scale_kwh = 0.1;
};

/// Decodes one frame of the family. Length is checked before any byte is read.
/// @return status Ok with values, NotMine for ids outside the family, TooShort when the
///         dlc cannot hold the id's mandatory fields, Malformed for remote frames.
[[nodiscard]] DecodedFrame decode(const CanFrame& frame, const DecodeOptions& options = {}) noexcept;

// ---------------------------------------------------------------------------------------
// Encoders. Each returns a frame with id, dlc and data set; time and interface are the
// caller's. Numbers are rounded to the field's resolution and clamped into its range.

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
/// Protection (trip) and alarm (warning) flags 0x359, with the module count and "PN".
/// Written in the Pylontech form: system error and communication fail on bit 3.
struct ProtectionFlags {
  struct Set {
    bool high_voltage = false;
    bool low_voltage = false;
    bool high_temperature = false;
    bool low_temperature = false;
    bool high_discharge_current = false;
    bool high_charge_current = false;
  };
  Set protection;                            ///< byte 0 / byte 1 bit 0
  Set alarm;                                 ///< byte 2 / byte 3 bit 0
  bool system_error = false;                 ///< byte 1 bit 3
  bool internal_communication_fail = false;  ///< byte 3 bit 3
  double module_count = 1;                   ///< byte 4, clamped to 0..255
};

/// State of one 0x35A 2-bit pair.
enum class PairState : std::uint8_t {
  Unsupported = 0,  ///< wire 00 (11 is read as unsupported too)
  Raised = 1,       ///< wire 01
  Ok = 2,           ///< wire 10
};
/// The 0x35A categories in wire order (byte 0 low pair first).
enum class PairCategory : std::uint8_t {
  General,
  HighVoltage,
  LowVoltage,
  HighTemperature,
  LowTemperature,
  HighChargeTemperature,
  LowChargeTemperature,
  HighDischargeCurrent,
  HighChargeCurrent,
  Contactor,
  ShortCircuit,
  BmsInternal,
  CellImbalance,
  Count
};
inline constexpr std::size_t kPairCategoryCount = static_cast<std::size_t>(PairCategory::Count);
/// SMA/Victron alarms (bytes 0-3) and warnings (bytes 4-7) 0x35A. Default: every pair OK.
struct AlarmPairs {
  std::array<PairState, kPairCategoryCount> alarms = filled(PairState::Ok);
  std::array<PairState, kPairCategoryCount> warnings = filled(PairState::Ok);

  static constexpr std::array<PairState, kPairCategoryCount> filled(PairState s) noexcept {
    std::array<PairState, kPairCategoryCount> a{};
    for (auto& p : a) p = s;
    return a;
  }
  void raise_alarm(PairCategory c) noexcept { alarms[static_cast<std::size_t>(c)] = PairState::Raised; }
  void raise_warning(PairCategory c) noexcept { warnings[static_cast<std::size_t>(c)] = PairState::Raised; }
};
/// Request flags 0x35C (dlc 2, second byte zero as Pylontech sends it).
struct Requests {
  bool charge_enable = true;
  bool discharge_enable = true;
  bool force_charge_1 = false;
  bool force_charge_2 = false;
  bool full_charge_request = false;
};
/// 0x35F in the Victron reading (SMA: battery type, BMS version, capacity, manufacturer id).
struct BatteryInfo {
  double product_id = 0;
  double firmware_version = 0;
  double available_capacity_ah = 0;
  double hardware_version = 0;
};
/// Pylon V2 / Seplos numeric 0x370 (and, with ids, 0x371). Temperatures 0.1 degC, cells mV.
struct NumericExtremes {
  double max_cell_temperature_c = 0;
  double min_cell_temperature_c = 0;
  double max_cell_voltage_v = 0;
  double min_cell_voltage_v = 0;
  std::uint16_t max_cell_temperature_index = 0;
  std::uint16_t min_cell_temperature_index = 0;
  std::uint16_t max_cell_voltage_index = 0;
  std::uint16_t min_cell_voltage_index = 0;
};
/// Victron module counters 0x372.
struct ModuleStatus {
  double modules_online = 0;
  double modules_blocking_charge = 0;
  double modules_blocking_discharge = 0;
  double modules_offline = 0;
};
/// Victron cell extremes 0x373: voltages on the wire in mV, temperatures in Kelvin.
struct CellExtremes {
  double min_cell_voltage_v = 0;
  double max_cell_voltage_v = 0;
  double min_cell_temperature_c = 0;
  double max_cell_temperature_c = 0;
};
/// Energy counters 0x378 (u32 each, 0.1 kWh).
struct Energy {
  double charged_energy_kwh = 0;
  double discharged_energy_kwh = 0;
};
/// SMA Sunny Island's filled 0x305 (0.1 V, 0.1 A, 0.1 degC, 1 %).
struct InverterReport {
  double battery_voltage_v = 0;
  double battery_current_a = 0;
  double battery_temperature_c = 0;
  double soc_pct = 0;
};

[[nodiscard]] CanFrame encode_limits(const Limits& limits) noexcept;
[[nodiscard]] CanFrame encode_soc_soh(const SocSoh& soc) noexcept;
[[nodiscard]] CanFrame encode_measurements(const Measurements& m) noexcept;
/// 0x359, dlc 7: flags, module count, 'P' 'N'.
[[nodiscard]] CanFrame encode_protection(const ProtectionFlags& flags) noexcept;
/// 0x35A, dlc 8.
[[nodiscard]] CanFrame encode_alarm_pairs(const AlarmPairs& pairs) noexcept;
/// 0x35C, dlc 2.
[[nodiscard]] CanFrame encode_requests(const Requests& requests) noexcept;
/// 0x35E, dlc 8: the first 8 characters, space padded; non-printable characters become '?'.
[[nodiscard]] CanFrame encode_manufacturer(std::string_view name) noexcept;
/// 0x35F, dlc 8 (u16 fields, clamped to 0..65535).
[[nodiscard]] CanFrame encode_battery_info(const BatteryInfo& info) noexcept;
/// Victron 16-character BMS name: 0x370 (characters 0-7) and 0x371 (8-15), NUL padded.
[[nodiscard]] std::array<CanFrame, 2> encode_bms_name(std::string_view name) noexcept;
/// Pylon V2 numeric extremes: 0x370 (values) and 0x371 (indices), dlc 8 each.
[[nodiscard]] std::array<CanFrame, 2> encode_numeric_extremes(const NumericExtremes& e) noexcept;
/// 0x372, dlc 8.
[[nodiscard]] CanFrame encode_module_status(const ModuleStatus& status) noexcept;
/// 0x373, dlc 8.
[[nodiscard]] CanFrame encode_cell_extremes(const CellExtremes& extremes) noexcept;
/// 0x374..0x377 (`can_id`), dlc 8: an ASCII cell id, NUL padded. Other ids give 0x374.
[[nodiscard]] CanFrame encode_cell_id(std::uint32_t can_id, std::string_view cell_id) noexcept;
/// 0x378, dlc 8.
[[nodiscard]] CanFrame encode_energy(const Energy& energy) noexcept;
/// 0x379, dlc 2 (u16 Ah).
[[nodiscard]] CanFrame encode_installed_capacity(double capacity_ah) noexcept;
/// 0x305 as Victron and Sol-Ark send it: 8 zero bytes.
[[nodiscard]] CanFrame encode_inverter_keep_alive() noexcept;
/// 0x305 as SMA Sunny Island fills it.
[[nodiscard]] CanFrame encode_inverter_report(const InverterReport& report) noexcept;
/// 0x307 with the Victron GX signature 12 34 56 78 'V' 'I' 'C' 00.
[[nodiscard]] CanFrame encode_victron_gx_signature() noexcept;

}  // namespace bms::pylon
