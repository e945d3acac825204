#pragma once
/// @file settings.hpp
/// The validated configuration as plain values. The TOML loader (app/config_loader) fills
/// it; core and outputs only read it. Defaults here are the documented defaults.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocols/canopen/object_map.hpp"

namespace bms {

/// Longest /CustomName accepted, from the config or over D-Bus (the GX display shows ~30).
inline constexpr std::size_t kMaxCustomNameBytes = 64;

struct ServiceSettings {
  int device_instance = 280;
  std::string service_name = "com.victronenergy.battery.aggregator_di280";
  std::string product_name = "BMS Aggregator";
  std::string custom_name = "";
  std::string dbus = "system";    ///< "system", "session" or a bus address
  int update_interval_ms = 2000;  ///< D-Bus publishing cadence (the original's 2 s)
  /// /ProductId. Outside DVCC's vendor-quirk list (0xB004, 0xB009, 0xB00A, 0xB015, 0xB019,
  /// 0xB029, 0xA3E3-0xA3E7) and not dbus-serialbattery's 0xBA77: DVCC must treat us as a
  /// plain BMS, and no other product may be mistaken for us.
  int product_id = 0xBA90;
  /// Where a /CustomName written over D-Bus is kept across restarts; empty: not kept.
  std::string state_file = "";
  /// Also send PropertiesChanged per changed item (legacy clients); ItemsChanged is always sent.
  bool properties_changed = false;
};

/// What the bank does with a battery that blocks charging (discharging).
enum class BlockedBattery : unsigned char {
  StopBank,  ///< the whole bank stops charging (discharging): the safe default
  Exclude,   ///< the battery is left out of N and of min(limit); the rest go on
};

struct ChargeSettings {
  double nominal_charge_current = 150.0;  ///< A, balanced bank
  double reduced_charge_current = 50.0;   ///< A, severe imbalance
  double max_charge_voltage = 14.2;       ///< V
  double max_discharge_current = 150.0;   ///< A
  double battery_low_voltage = 11.5;      ///< V, also sent as discharge voltage limit
  /// When no battery is fresh: the discharge current still allowed (0 = none).
  double failsafe_discharge_current = 0.0;
  /// Increases of the charge current limit are ramped at this rate (A/s); 0 = at once.
  /// Decreases always apply at once.
  double charge_current_ramp_a_per_s = 0.0;
  /// Measured current share (docs/POLICY.md): while the bank current is above this many
  /// amps, no battery's measured share of it may exceed its own limit. 0 = rule off.
  double share_threshold_a = 10.0;
  BlockedBattery blocked_battery = BlockedBattery::StopBank;
};

enum class Chemistry : unsigned char { Lfp, Nmc, Lto };

/// [cells]: charge and discharge tapers from the bank's extreme cell voltages and
/// temperatures. Off unless the configuration names a chemistry; each taper is also off
/// while no battery reports the value it needs. Defaults per chemistry: chemistry_defaults().
struct CellSettings {
  bool enabled = false;
  Chemistry chemistry = Chemistry::Lfp;
  double cell_taper_start_v = 3.45;            ///< highest cell: CCL full up to here
  double cell_max_v = 3.60;                    ///< highest cell: CCL 0 from here; the CVL cap aims here
  double cell_discharge_taper_start_v = 3.00;  ///< lowest cell: DCL full down to here
  double cell_min_v = 2.80;                    ///< lowest cell: DCL 0 from here
  double cell_voltage_hysteresis_v = 0.03;     ///< a taper eases only when the cell has moved back this far
  double cvl_rise_v_per_s = 0.01;              ///< the CVL cap rises at most this fast (it falls at once)
  double charge_min_temperature_c = 0.0;       ///< coldest: no charging at or below
  double charge_full_temperature_c = 5.0;      ///< coldest: full charge current from here
  double charge_taper_temperature_c = 45.0;    ///< warmest: charge current tapers from here
  double charge_max_temperature_c = 55.0;      ///< warmest: no charging at or above
  double discharge_min_temperature_c = -20.0;
  double discharge_full_temperature_c = -10.0;
  double discharge_taper_temperature_c = 50.0;
  double discharge_max_temperature_c = 60.0;
  double temperature_hysteresis_c = 2.0;  ///< a temperature taper eases only this far back
};

/// The documented defaults of a chemistry (enabled = true).
[[nodiscard]] CellSettings chemistry_defaults(Chemistry c) noexcept;

/// [alarms]: the aggregate's own alarm thresholds (the BMSes' flags are passed on as well).
struct AlarmSettings {
  double low_soc_warning_pct = 10.0;  ///< /Alarms/LowSoc 1 at or below; 0 = off
  double low_soc_alarm_pct = 5.0;     ///< /Alarms/LowSoc 2 at or below; 0 = off
  double low_soh_warning_pct = 70.0;  ///< /Alarms/StateOfHealth 1 below; 0 = off
};

struct ImbalanceSettings {
  std::string preset = "";       ///< "", "conservative" or "aggressive" (see config loader)
  double minor_threshold = 5.0;  ///< % soc_diff
  double minor_factor = 0.85;
  double warning_threshold = 15.0;  ///< % soc_diff, imbalance alarm 1
  double warning_factor = 0.66;
  double alarm_threshold = 20.0;  ///< % soc_diff, reduced_charge_current, imbalance alarm 2
  double hysteresis = 2.0;        ///< % below a threshold before its tier is left
};

/// How a battery reaches us: its own CAN frames (Pylontech family, CANopen), or a Venus OS
/// battery service on D-Bus (dbus-serialbattery, Venus's CAN-bus BMS driver, a Lynx BMS).
enum class BatteryProtocol : unsigned char { Pylontech, Canopen, Dbus };

struct BatterySettings {
  std::string name;
  std::string interface;
  BatteryProtocol protocol = BatteryProtocol::Pylontech;
  int node_id = 0;         ///< CANopen node id (1..127)
  std::string object_map;  ///< CANopen object map: a file, or a shipped map's name
  /// The loaded map (CANopen only), shared: the router and the poller read it.
  std::shared_ptr<const canopen::ObjectMap> canopen_map;
  double capacity_ah = 0.0;  ///< 0 = unknown (then SOC weights are equal)
  int stale_after_ms = 5000;
  double voltage_scale = 0.01;  ///< 0x356 volts per bit: 0.01 or 0.1
  /// This battery's own current limits, for BMSes whose protocol does not send them (a
  /// CANopen map without charge/discharge current limit objects). 0 = none: only the
  /// bank's configured caps apply. Ignored when the BMS sends its limits.
  double max_charge_current = 0.0;
  double max_discharge_current = 0.0;
  std::uint32_t bitrate = 0;  ///< bit/s set on the interface at open; 0 = leave it alone
  /// protocol "dbus": which battery service this is. Exactly one of the three is set: the
  /// bus name, or (so that a ttyUSB renumbering cannot swap packs) its /Serial or /CustomName.
  std::string dbus_service;
  std::string dbus_serial;
  std::string dbus_custom_name;
  /// protocol "dbus": also take a service that publishes no charge limits (a SmartShunt, a
  /// Lynx Shunt) as a battery; it then uses max_charge_current / max_discharge_current.
  bool accept_non_bms = false;
};

/// The bank as a whole.
struct BankSettings {
  /// A battery service (a shunt) whose /Dc/0/Current and /Dc/0/Power are the bank's current
  /// and power instead of the sum over the packs; empty: the sum.
  std::string current_source;
};

/// Inverter profiles, in the order the config lists them (docs/INVERTERS.md).
enum class OutputProfile : unsigned char { Pylon, Sma, Victron, Luxpower, Solark };

struct OutputSettings {
  bool enabled = false;
  std::string interface = "can9";
  OutputProfile profile = OutputProfile::Pylon;
  std::string manufacturer = "PYLON";
  std::string bms_name = "BMS Aggregator";  ///< victron profile: 16-character name in 0x370/0x371
  int interval_ms = 1000;
  /// The inverter's 0x305 keep-alive counts as present for this long after the last one.
  int keepalive_timeout_ms = 5000;
  std::uint32_t bitrate = 0;  ///< bit/s set on the interface at open; 0 = leave it alone
  /// Pass the batteries' force-charge / full-charge requests on to the inverter (0x35C).
  bool pass_force_charge = true;
  /// For inverters that ignore a zero current limit (Deye): the frame set shows SOC 100 %
  /// while the charge limit is 0 and 0 % while the discharge limit is 0. Never on D-Bus.
  bool soc_zero_limit_workaround = false;
};

struct LogSettings {
  std::string level = "info";
};

struct Settings {
  std::string source_path;  ///< the file it was loaded from
  ServiceSettings service;
  ChargeSettings charge;
  ImbalanceSettings imbalance;
  CellSettings cells;
  AlarmSettings alarms;
  BankSettings bank;
  std::vector<BatterySettings> batteries;
  OutputSettings output;
  LogSettings log;
};

[[nodiscard]] const char* to_string(BatteryProtocol p) noexcept;
[[nodiscard]] const char* to_string(OutputProfile p) noexcept;
[[nodiscard]] const char* to_string(Chemistry c) noexcept;
[[nodiscard]] const char* to_string(BlockedBattery b) noexcept;

}  // namespace bms
