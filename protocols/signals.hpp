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
#define BMS_SIGNAL_LIST(X)                                                             \
  X(ChargeVoltageLimitV, "charge_voltage_limit_v", false)                              \
  X(ChargeCurrentLimitA, "charge_current_limit_a", false)                              \
  X(DischargeCurrentLimitA, "discharge_current_limit_a", false)                        \
  X(DischargeVoltageLimitV, "discharge_voltage_limit_v", false)                        \
  X(SocPct, "soc_pct", false)                                                          \
  X(SohPct, "soh_pct", false)                                                          \
  X(SocHiresPct, "soc_hires_pct", false)                                               \
  X(VoltageV, "voltage_v", false)                                                      \
  X(CurrentA, "current_a", false)                                                      \
  X(TemperatureC, "temperature_c", false)                                              \
  X(ChargeEnable, "charge_enable", false)                                              \
  X(DischargeEnable, "discharge_enable", false)                                        \
  X(ForceCharge1, "force_charge_1", false)                                             \
  X(ForceCharge2, "force_charge_2", false)                                             \
  X(FullChargeRequest, "full_charge_request", false)                                   \
  X(ModuleCount, "module_count", false)                                                \
  X(Manufacturer, "manufacturer", true)                                                \
  X(MinCellVoltageV, "min_cell_voltage_v", false)                                      \
  X(MaxCellVoltageV, "max_cell_voltage_v", false)                                      \
  X(MinCellTemperatureC, "min_cell_temperature_c", false)                              \
  X(MaxCellTemperatureC, "max_cell_temperature_c", false)                              \
  X(MinCellVoltageId, "min_cell_voltage_id", true)                                     \
  X(MaxCellVoltageId, "max_cell_voltage_id", true)                                     \
  X(MinCellTemperatureId, "min_cell_temperature_id", true)                             \
  X(MaxCellTemperatureId, "max_cell_temperature_id", true)                             \
  X(ModulesOnline, "modules_online", false)                                            \
  X(ModulesBlockingCharge, "modules_blocking_charge", false)                           \
  X(ModulesBlockingDischarge, "modules_blocking_discharge", false)                     \
  X(ModulesOffline, "modules_offline", false)                                          \
  X(InstalledCapacityAh, "installed_capacity_ah", false)                               \
  X(ChargedEnergyKwh, "charged_energy_kwh", false)                                     \
  X(DischargedEnergyKwh, "discharged_energy_kwh", false)                               \
  X(BmsName, "bms_name", true)                                                         \
  X(NmtState, "nmt_state", false)                                                      \
  X(EmcyCode, "emcy_code", false)                                                      \
  X(ProtectionHighVoltage, "protection_high_voltage", false)                           \
  X(ProtectionLowVoltage, "protection_low_voltage", false)                             \
  X(ProtectionHighTemperature, "protection_high_temperature", false)                   \
  X(ProtectionLowTemperature, "protection_low_temperature", false)                     \
  X(ProtectionHighDischargeCurrent, "protection_high_discharge_current", false)        \
  X(ProtectionHighChargeCurrent, "protection_high_charge_current", false)              \
  X(ProtectionSystemError, "protection_system_error", false)                           \
  X(AlarmHighVoltage, "alarm_high_voltage", false)                                     \
  X(AlarmLowVoltage, "alarm_low_voltage", false)                                       \
  X(AlarmHighTemperature, "alarm_high_temperature", false)                             \
  X(AlarmLowTemperature, "alarm_low_temperature", false)                               \
  X(AlarmHighDischargeCurrent, "alarm_high_discharge_current", false)                  \
  X(AlarmHighChargeCurrent, "alarm_high_charge_current", false)                        \
  X(AlarmInternalCommunication, "alarm_internal_communication", false)                 \
  X(AlarmCellImbalance, "alarm_cell_imbalance", false)                                 \
  X(InverterKeepAlive, "inverter_keep_alive", false)                                   \
  /* 0x35A alarm pairs (level 2, like 0x359 protection) without a 0x359 counterpart */ \
  X(ProtectionGeneral, "protection_general", false)                                    \
  X(ProtectionHighChargeTemperature, "protection_high_charge_temperature", false)      \
  X(ProtectionLowChargeTemperature, "protection_low_charge_temperature", false)        \
  X(ProtectionContactor, "protection_contactor", false)                                \
  X(ProtectionShortCircuit, "protection_short_circuit", false)                         \
  X(ProtectionCellImbalance, "protection_cell_imbalance", false)                       \
  /* 0x35A warning pairs (level 1, like 0x359 alarm) without a 0x359 counterpart */    \
  X(AlarmGeneral, "alarm_general", false)                                              \
  X(AlarmHighChargeTemperature, "alarm_high_charge_temperature", false)                \
  X(AlarmLowChargeTemperature, "alarm_low_charge_temperature", false)                  \
  X(AlarmContactor, "alarm_contactor", false)                                          \
  X(AlarmShortCircuit, "alarm_short_circuit", false)                                   \
  /* 0x35F: SMA battery type / Victron product id, versions, capacity */               \
  X(ProductId, "product_id", false)                                                    \
  X(FirmwareVersion, "firmware_version", false)                                        \
  X(AvailableCapacityAh, "available_capacity_ah", false)                               \
  X(HardwareVersion, "hardware_version", false)                                        \
  /* 0x371 second half of the Victron 16-character BMS name; 0x380-0x382 ASCII */      \
  X(BmsName2, "bms_name_2", true)                                                      \
  X(SerialNumber, "serial_number", true)                                               \
  X(SerialNumber2, "serial_number_2", true)                                            \
  X(ProductName, "product_name", true)                                                 \
  /* inverter side: SMA Sunny Island fills 0x305; a Victron GX signs with 0x307 */     \
  X(InverterBatteryVoltageV, "inverter_battery_voltage_v", false)                      \
  X(InverterBatteryCurrentA, "inverter_battery_current_a", false)                      \
  X(InverterBatteryTemperatureC, "inverter_battery_temperature_c", false)              \
  X(InverterSocPct, "inverter_soc_pct", false)                                         \
  X(InverterVictronGx, "inverter_victron_gx", false)                                   \
  /* CANopen: heartbeat / EMCY / SDO */                                                \
  X(EmcyErrorRegister, "emcy_error_register", false)                                   \
  X(ChargeAh, "charge_ah", false)                                                      \
  X(DischargeAh, "discharge_ah", false)                                                \
  X(ChargeAhTotal, "charge_ah_total", false)                                           \
  X(DischargeAhTotal, "discharge_ah_total", false)                                     \
  X(BatteryStatus, "battery_status", false)                                            \
  X(ChargeCurrentRequestA, "charge_current_request_a", false)                          \
  /* D-Bus battery services: /Dc/0/Power as the BMS measured it */                     \
  X(PowerW, "power_w", false)

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
