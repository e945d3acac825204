#pragma once
/// @file snapshot.hpp
/// The aggregate at one instant: what every output (D-Bus, BMS-CAN, status, report) shows.
/// Immutable once made; optionals are "unknown" (an output shows them as invalid, never 0).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/history.hpp"

namespace bms {

/// Imbalance tier from soc_diff: Balanced, Minor (>5 %), Warning (>15 %), Alarm (>20 %).
enum class ImbalanceTier : std::uint8_t { Balanced = 0, Minor = 1, Warning = 2, Alarm = 3 };
[[nodiscard]] const char* to_string(ImbalanceTier t) noexcept;

/// Which rule set a bank limit (the smallest term of the min(); docs/POLICY.md). Shown in
/// the replay report and the status line so an installer sees why a limit is low.
enum class LimitReason : std::uint8_t {
  Failsafe,       ///< no battery online
  Blocked,        ///< a battery forbids it (blocked_battery = "stop_bank"), or every battery does
  Configured,     ///< the configured cap (nominal_charge_current / imbalance tier, max_discharge_current,
                  ///< max_charge_voltage)
  BatteryLimits,  ///< N x min(limit_i) (the BMSes' own limits; min(CVL_i) for the voltage)
  CellVoltage,    ///< the cell-voltage taper or the cell-voltage CVL cap
  Temperature,    ///< the temperature taper
  CurrentShare,   ///< the measured current share
  Ramp,           ///< the charge current ramp has not caught up yet
};
[[nodiscard]] const char* to_string(LimitReason r) noexcept;

/// Victron alarm levels: 0 ok, 1 warning, 2 alarm.
struct Alarms {
  std::uint8_t low_voltage = 0;
  std::uint8_t high_voltage = 0;
  std::uint8_t low_temperature = 0;
  std::uint8_t high_temperature = 0;
  std::uint8_t high_charge_current = 0;
  std::uint8_t high_discharge_current = 0;
  std::uint8_t internal_failure = 0;
  std::uint8_t cell_imbalance = 0;             ///< the aggregate's own imbalance alarm, worst-of with the BMSes'
  std::uint8_t bms_cable = 0;                  ///< batteries offline: 1 some, 2 all
  std::uint8_t low_soc = 0;                    ///< [alarms] low_soc_* thresholds
  std::uint8_t low_cell_voltage = 0;           ///< lowest cell at/below cell_min_v (1), further below (2)
  std::uint8_t high_cell_voltage = 0;          ///< highest cell at/above cell_max_v (1), further above (2)
  std::uint8_t low_charge_temperature = 0;     ///< too cold to charge (taper or BMS 0x35A)
  std::uint8_t high_charge_temperature = 0;    ///< too warm to charge (taper or BMS 0x35A)
  std::uint8_t high_internal_temperature = 0;  ///< BMS device temperature (CANopen EMCY 0x42xx)
  std::uint8_t state_of_health = 0;            ///< lowest SOH below low_soh_warning_pct
  [[nodiscard]] std::uint8_t worst() const noexcept;
  bool operator==(const Alarms&) const = default;
};

/// An extreme cell value with where it is: battery name and the BMS's cell id.
struct CellExtreme {
  double value = 0;
  std::string battery;
  std::string cell_id;  ///< "A:12" style id shown on D-Bus: battery name, then the BMS's id if any
};

/// The value of an extreme, or unknown when there is none.
[[nodiscard]] inline std::optional<double> extreme_value(const std::optional<CellExtreme>& e) noexcept {
  return e ? std::optional<double>(e->value) : std::nullopt;
}

/// Charge requests of the batteries (0x35C bits 5, 4, 3): any online battery asking = the bank asks.
struct ForceChargeRequest {
  bool force_charge_1 = false;  ///< Pylontech "force charge request I" (0x35C bit 5)
  bool force_charge_2 = false;  ///< Pylontech "force charge request II" (0x35C bit 4)
  bool full_charge = false;     ///< "request full charge" (0x35C bit 3)
  [[nodiscard]] bool any() const noexcept { return force_charge_1 || force_charge_2 || full_charge; }
  bool operator==(const ForceChargeRequest&) const = default;
};

/// One configured battery (pack) at the snapshot's instant. An offline pack carries only its
/// identity (name, source, capacity): its values are unknown, never frozen.
struct BatteryView {
  std::string name;
  bool online = false;
  std::optional<double> soc_pct;
  std::optional<double> voltage_v;
  std::optional<double> current_a;
  std::optional<double> charge_current_limit_a;
  std::optional<double> discharge_current_limit_a;
  bool blocks_charge = false;
  bool blocks_discharge = false;
  /// blocked_battery = "exclude": this blocking battery is left out of the bank's limits.
  bool excluded_from_charge = false;
  bool excluded_from_discharge = false;

  // Per-pack detail for D-Bus (/Batteries/<i>/...), `status` and the replay report
  // (issue 13). Filled in Aggregator::evaluate's per-pack block.
  std::string source;                            ///< where it is read: "CAN can0", "CANopen can1 node 5"
  double capacity_ah = 0;                        ///< configured capacity_ah (0 = not configured)
  std::optional<double> temperature_c;           ///< the BMS's battery temperature
  std::optional<double> charge_voltage_limit_v;  ///< the CVL it sends
  Alarms alarms;                                 ///< its own alarm levels (bms_cable, cell_imbalance from its BMS only)
  std::optional<CellExtreme> min_cell_voltage;   ///< cell_id is the BMS's own id ("" when it sends none)
  std::optional<CellExtreme> max_cell_voltage;
  std::optional<CellExtreme> min_cell_temperature;
  std::optional<CellExtreme> max_cell_temperature;
};

struct Snapshot {
  std::int64_t time_us = 0;
  bool failsafe = true;  ///< nothing fresh: no charging on unknown state

  std::uint16_t batteries_online = 0;
  std::uint16_t batteries_offline = 0;
  std::uint16_t blocking_charge = 0;
  std::uint16_t blocking_discharge = 0;
  /// Modules in the online batteries' stacks: each battery's own count (0x359 byte 4, else
  /// 0x372 modules online, else its object map's module_count), 1 when it reports none.
  std::uint16_t module_count = 0;

  std::optional<double> soc_pct;
  std::optional<double> soh_pct;
  std::optional<double> voltage_v;
  std::optional<double> current_a;
  std::optional<double> power_w;
  std::optional<double> temperature_c;      ///< max over batteries
  std::optional<double> min_temperature_c;  ///< min over batteries
  /// The temperature that matters for charging safety, published as /Dc/0/Temperature:
  /// the coldest battery or cell temperature (a charger's low-temperature cut-off must see
  /// the coldest pack; the warmest is on /System/MaxCellTemperature and the alarms).
  std::optional<double> charge_safety_temperature_c;
  std::optional<double> soc_diff_pct;
  double installed_capacity_ah = 0;
  std::optional<double> capacity_ah;  ///< remaining Ah, where capacities and SOC are known

  ImbalanceTier tier = ImbalanceTier::Balanced;
  double charge_current_limit_a = 0;
  double discharge_current_limit_a = 0;
  double charge_voltage_limit_v = 0;
  double discharge_voltage_limit_v = 0;  ///< battery_low_voltage
  bool charge_allowed = false;
  bool discharge_allowed = false;
  LimitReason charge_limited_by = LimitReason::Failsafe;
  LimitReason discharge_limited_by = LimitReason::Failsafe;
  LimitReason charge_voltage_limited_by = LimitReason::Configured;
  /// What the online batteries request, held back while charging is not allowed (a request
  /// never overrides a battery that forbids charging).
  ForceChargeRequest force_charge_requested;

  Alarms alarms;
  /// The inverter's 0x305 keep-alive arrived within keepalive_timeout_ms.
  bool inverter_present = false;
  std::optional<CellExtreme> min_cell_voltage;
  std::optional<CellExtreme> max_cell_voltage;
  std::optional<CellExtreme> min_cell_temperature;
  std::optional<CellExtreme> max_cell_temperature;

  std::vector<BatteryView> batteries;

  /// The bank's history (/History/*): not the aggregator's; the HistoryTracker in front of
  /// the D-Bus service fills it. nullopt: no history kept (the paths are invalid).
  std::optional<BankHistory> history;
};

}  // namespace bms
