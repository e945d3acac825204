#pragma once
/// @file battery_rules.hpp
/// The per-battery safety rules of docs/POLICY.md as pure functions of what the battery's
/// BMS said (fresh values, forbidding values held until cleared), each one table-tested
/// (tests/unit/battery_rules_test.cpp): when one battery blocks charging or discharging,
/// and which alarm levels it raises. The aggregator gathers the inputs and combines the
/// batteries; these functions hold the rules.

#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/snapshot.hpp"
#include "protocols/canopen/emcy.hpp"
#include "protocols/signals.hpp"

namespace bms {

/// One battery at one instant, as the blocking rules need it. Unknown is nullopt.
struct BlockingInputs {
  bool sends_charge_limit = true;        ///< its protocol carries a charge current limit
  bool sends_discharge_limit = true;     ///< ... and a discharge current limit
  std::optional<double> charge_limit_a;  ///< the limit in force (the BMS's, or a configured one)
  std::optional<double> discharge_limit_a;
  std::optional<double> charge_enable;     ///< 0x35C bit 7, held until a fresh value
  std::optional<double> discharge_enable;  ///< 0x35C bit 6, held until a fresh value
  std::optional<double> soc_pct;
  std::optional<double> emcy_code;       ///< CANopen EMCY, held until 0x0000 or boot-up
  std::optional<double> nmt_state;       ///< CANopen heartbeat state
  bool short_circuit = false;            ///< 0x35A protection, held
  bool high_charge_temperature = false;  ///< 0x35A protection, held
  bool low_charge_temperature = false;   ///< 0x35A protection, held
};

struct Blocking {
  bool charge = false;
  bool discharge = false;
  bool operator==(const Blocking&) const = default;
};

/// Whether the battery blocks charging / discharging (docs/POLICY.md "A battery that blocks"):
/// - a limit its protocol carries is unknown (never guessed), or a limit in force is <= 0;
/// - its enable flag is off;
/// - a short circuit blocks both directions; a charge-temperature protection charging;
/// - CANopen: an active EMCY blocks charging, a stopped node both; a battery that sends no
///   limits of its own blocks charging while its SOC is unknown.
[[nodiscard]] Blocking battery_blocking(const BlockingInputs& in) noexcept;

/// True while a CANopen EMCY code is active (anything but 0x0000, error reset).
[[nodiscard]] bool emcy_active(const std::optional<double>& emcy_code) noexcept;

/// The alarm levels one battery raises: for each Victron alarm, 2 when a protection flag
/// of it is set, 1 for a warning flag, else 0 (`level(protection, warning)` reads the
/// battery's flags); a CANopen EMCY raises 2: temperature class (0x4xxx) as high temperature
/// (0x42xx also as high internal temperature), any other code as internal failure.
/// Charge temperatures (0x35A) count as temperature alarms too (DVCC acts on those paths).
template <typename LevelOf>
Alarms battery_alarms(const LevelOf& level, const std::optional<double>& emcy_code) noexcept {
  using S = SignalId;
  Alarms a;
  a.high_voltage = level(S::ProtectionHighVoltage, S::AlarmHighVoltage);
  a.low_voltage = level(S::ProtectionLowVoltage, S::AlarmLowVoltage);
  a.low_charge_temperature = level(S::ProtectionLowChargeTemperature, S::AlarmLowChargeTemperature);
  a.high_charge_temperature = level(S::ProtectionHighChargeTemperature, S::AlarmHighChargeTemperature);
  a.high_temperature =
      std::max(level(S::ProtectionHighTemperature, S::AlarmHighTemperature), a.high_charge_temperature);
  a.low_temperature = std::max(level(S::ProtectionLowTemperature, S::AlarmLowTemperature), a.low_charge_temperature);
  a.high_discharge_current = level(S::ProtectionHighDischargeCurrent, S::AlarmHighDischargeCurrent);
  a.high_charge_current = level(S::ProtectionHighChargeCurrent, S::AlarmHighChargeCurrent);
  // System error, general, contactor and short circuit (0x359/0x35A) are BMS failures.
  a.internal_failure = std::max(
      {level(S::ProtectionSystemError, S::AlarmInternalCommunication), level(S::ProtectionGeneral, S::AlarmGeneral),
       level(S::ProtectionContactor, S::AlarmContactor), level(S::ProtectionShortCircuit, S::AlarmShortCircuit)});
  a.cell_imbalance = level(S::ProtectionCellImbalance, S::AlarmCellImbalance);
  if (emcy_code && *emcy_code != canopen::kEmcyNoError) {
    const auto code = static_cast<std::uint16_t>(*emcy_code);
    (canopen::emcy_is_temperature(code) ? a.high_temperature : a.internal_failure) = 2;
    if (canopen::emcy_is_device_temperature(code)) a.high_internal_temperature = 2;
  }
  return a;
}

/// Raises every level of `into` to at least the one in `from` (the bank shows the worst).
void raise_to_worst(Alarms& into, const Alarms& from) noexcept;

}  // namespace bms
