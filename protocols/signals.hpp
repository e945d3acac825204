#pragma once
/// @file signals.hpp
/// Canonical signal names shared by every protocol codec and every output. A decoder turns
/// a frame into (SignalId, value) pairs; the aggregator, the D-Bus service, `decode` JSON and
/// the emitter all speak these ids. Names are snake_case with their unit.

#include <cstdint>
#include <optional>
#include <string_view>

namespace bms {

// X-macro: (enumerator, canonical name, is_text). Text signals carry up to 8 ASCII bytes.
#define BMS_SIGNAL_LIST(X)                                   \
  X(ChargeVoltageLimitV, "charge_voltage_limit_v", false)    \
  X(ChargeCurrentLimitA, "charge_current_limit_a", false)    \
  X(DischargeCurrentLimitA, "discharge_current_limit_a", false) \
  X(DischargeVoltageLimitV, "discharge_voltage_limit_v", false) \
  X(SocPct, "soc_pct", false)                                \
  X(SohPct, "soh_pct", false)                                \
  X(SocHiresPct, "soc_hires_pct", false)                     \
  X(VoltageV, "voltage_v", false)                            \
  X(CurrentA, "current_a", false)                            \
  X(TemperatureC, "temperature_c", false)                    \
  X(ChargeEnable, "charge_enable", false)                    \
  X(DischargeEnable, "discharge_enable", false)              \
  X(ForceCharge1, "force_charge_1", false)                   \
  X(ForceCharge2, "force_charge_2", false)                   \
  X(FullChargeRequest, "full_charge_request", false)         \
  X(ModuleCount, "module_count", false)                      \
  X(Manufacturer, "manufacturer", true)                      \
  X(MinCellVoltageV, "min_cell_voltage_v", false)            \
  X(MaxCellVoltageV, "max_cell_voltage_v", false)            \
  X(MinCellTemperatureC, "min_cell_temperature_c", false)    \
  X(MaxCellTemperatureC, "max_cell_temperature_c", false)    \
  X(MinCellVoltageId, "min_cell_voltage_id", true)           \
  X(MaxCellVoltageId, "max_cell_voltage_id", true)           \
  X(MinCellTemperatureId, "min_cell_temperature_id", true)   \
  X(MaxCellTemperatureId, "max_cell_temperature_id", true)   \
  X(ModulesOnline, "modules_online", false)                  \
  X(ModulesBlockingCharge, "modules_blocking_charge", false) \
  X(ModulesBlockingDischarge, "modules_blocking_discharge", false) \
  X(ModulesOffline, "modules_offline", false)                \
  X(InstalledCapacityAh, "installed_capacity_ah", false)     \
  X(ChargedEnergyKwh, "charged_energy_kwh", false)           \
  X(DischargedEnergyKwh, "discharged_energy_kwh", false)     \
  X(BmsName, "bms_name", true)                               \
  X(NmtState, "nmt_state", false)                            \
  X(EmcyCode, "emcy_code", false)                            \
  X(ProtectionHighVoltage, "protection_high_voltage", false) \
  X(ProtectionLowVoltage, "protection_low_voltage", false)   \
  X(ProtectionHighTemperature, "protection_high_temperature", false) \
  X(ProtectionLowTemperature, "protection_low_temperature", false)   \
  X(ProtectionHighDischargeCurrent, "protection_high_discharge_current", false) \
  X(ProtectionHighChargeCurrent, "protection_high_charge_current", false) \
  X(ProtectionSystemError, "protection_system_error", false) \
  X(AlarmHighVoltage, "alarm_high_voltage", false)           \
  X(AlarmLowVoltage, "alarm_low_voltage", false)             \
  X(AlarmHighTemperature, "alarm_high_temperature", false)   \
  X(AlarmLowTemperature, "alarm_low_temperature", false)     \
  X(AlarmHighDischargeCurrent, "alarm_high_discharge_current", false) \
  X(AlarmHighChargeCurrent, "alarm_high_charge_current", false) \
  X(AlarmInternalCommunication, "alarm_internal_communication", false) \
  X(AlarmCellImbalance, "alarm_cell_imbalance", false)       \
  X(InverterKeepAlive, "inverter_keep_alive", false)

enum class SignalId : std::uint16_t {
#define BMS_SIGNAL_ENUM(id, name, text) id,
  BMS_SIGNAL_LIST(BMS_SIGNAL_ENUM)
#undef BMS_SIGNAL_ENUM
      Count
};

inline constexpr std::size_t kSignalCount = static_cast<std::size_t>(SignalId::Count);

/// Canonical snake_case name of a signal ("soc_pct").
[[nodiscard]] std::string_view signal_name(SignalId id) noexcept;
/// True for signals whose value is ASCII text (manufacturer, cell ids, BMS name).
[[nodiscard]] bool signal_is_text(SignalId id) noexcept;
/// Looks a signal up by its canonical name; nullopt when unknown.
[[nodiscard]] std::optional<SignalId> signal_from_name(std::string_view name) noexcept;

}  // namespace bms
