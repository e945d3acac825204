#include "dbus/battery_items.hpp"

#include <functional>
#include <optional>
#include <set>

#include "core/custom_name.hpp"
#include "dbus/pack_items.hpp"
#include "version.hpp"

namespace bms::dbus {
namespace {

/// A numeric path filled from the snapshot: value rounded to `decimals`, text "<value><unit>".
struct NumberPath {
  const char* path;
  const char* description;
  int decimals;
  const char* unit;
  std::optional<double> (*get)(const Snapshot&);
};

/// Remaining minus installed Ah, so zero or negative as Victron's battery monitors and
/// dbus-serialbattery publish it: valid once capacities and SOC are known and every battery
/// is online (an offline battery's charge is unknown, not consumed).
std::optional<double> consumed_ah(const Snapshot& s) {
  if (s.installed_capacity_ah <= 0 || !s.capacity_ah || s.batteries_offline > 0) return std::nullopt;
  return *s.capacity_ah - s.installed_capacity_ah;
}

/// Seconds until empty at the present discharge current; unknown when not discharging
/// (at least the 0.1 A the current is shown with) or when the remaining Ah are unknown.
std::optional<double> time_to_go_s(const Snapshot& s) {
  if (!s.capacity_ah || !s.current_a) return std::nullopt;
  const double current = round_to(*s.current_a, 1);
  if (current > -0.1) return std::nullopt;
  return *s.capacity_ah / -current * 3600.0;
}

const NumberPath kNumberPaths[] = {
    {"/Dc/0/Voltage", "Battery voltage (mean of online batteries)", 2, "V",
     [](const Snapshot& s) { return s.voltage_v; }},
    {"/Dc/0/Current", "Battery current, + = charging (sum)", 1, "A", [](const Snapshot& s) { return s.current_a; }},
    {"/Dc/0/Power", "Battery power, + = charging", 0, "W", [](const Snapshot& s) { return s.power_w; }},
    // Chargers take their low-temperature cut-off from this value (via systemcalc): it is the
    // coldest battery or cell, so a cold pack is never hidden behind a warm one.
    {"/Dc/0/Temperature", "Coldest battery or cell temperature (for chargers' low-temperature cut-off)", 1, kDegC,
     [](const Snapshot& s) { return s.charge_safety_temperature_c; }},
    {"/Soc", "State of charge (capacity-weighted mean)", 1, "%", [](const Snapshot& s) { return s.soc_pct; }},
    {"/Soh", "State of health (lowest)", 1, "%", [](const Snapshot& s) { return s.soh_pct; }},
    {"/Capacity", "Remaining capacity", 1, "Ah", [](const Snapshot& s) { return s.capacity_ah; }},
    {"/InstalledCapacity", "Installed capacity of the configured batteries", 1, "Ah",
     [](const Snapshot& s) {
       return s.installed_capacity_ah > 0 ? std::optional<double>(s.installed_capacity_ah) : std::nullopt;
     }},
    {"/ConsumedAmphours", "Remaining minus installed capacity, <= 0 (all batteries online)", 1, "Ah", consumed_ah},
    {"/TimeToGo", "Seconds until empty at the present discharge current", 0, "s", time_to_go_s},
    {"/Info/MaxChargeVoltage", "Charge voltage limit (CVL)", 2, "V",
     [](const Snapshot& s) { return std::optional<double>(s.charge_voltage_limit_v); }},
    {"/Info/MaxChargeCurrent", "Charge current limit (CCL)", 1, "A",
     [](const Snapshot& s) { return std::optional<double>(s.charge_current_limit_a); }},
    {"/Info/MaxDischargeCurrent", "Discharge current limit (DCL)", 1, "A",
     [](const Snapshot& s) { return std::optional<double>(s.discharge_current_limit_a); }},
    {"/Info/BatteryLowVoltage", "Discharge voltage limit", 2, "V",
     [](const Snapshot& s) { return std::optional<double>(s.discharge_voltage_limit_v); }},
    {"/System/MinCellVoltage", "Lowest cell voltage", 3, "V",
     [](const Snapshot& s) { return extreme_value(s.min_cell_voltage); }},
    {"/System/MaxCellVoltage", "Highest cell voltage", 3, "V",
     [](const Snapshot& s) { return extreme_value(s.max_cell_voltage); }},
    {"/System/MinCellTemperature", "Lowest cell temperature", 1, kDegC,
     [](const Snapshot& s) { return extreme_value(s.min_cell_temperature); }},
    {"/System/MaxCellTemperature", "Highest cell temperature", 1, kDegC,
     [](const Snapshot& s) { return extreme_value(s.max_cell_temperature); }},
};

/// Integer paths filled from the snapshot: counts, alarm levels, 0/1 flags.
struct IntPath {
  const char* path;
  const char* description;
  int (*get)(const Snapshot&);
};

const IntPath kIntPaths[] = {
    {"/Alarms/LowVoltage", "0 ok, 1 warning, 2 alarm", [](const Snapshot& s) -> int { return s.alarms.low_voltage; }},
    {"/Alarms/HighVoltage", "0 ok, 1 warning, 2 alarm", [](const Snapshot& s) -> int { return s.alarms.high_voltage; }},
    {"/Alarms/LowTemperature", "0 ok, 1 warning, 2 alarm",
     [](const Snapshot& s) -> int { return s.alarms.low_temperature; }},
    {"/Alarms/HighTemperature", "0 ok, 1 warning, 2 alarm",
     [](const Snapshot& s) -> int { return s.alarms.high_temperature; }},
    {"/Alarms/HighChargeCurrent", "0 ok, 1 warning, 2 alarm",
     [](const Snapshot& s) -> int { return s.alarms.high_charge_current; }},
    {"/Alarms/HighDischargeCurrent", "0 ok, 1 warning, 2 alarm",
     [](const Snapshot& s) -> int { return s.alarms.high_discharge_current; }},
    {"/Alarms/InternalFailure", "0 ok, 1 warning, 2 alarm",
     [](const Snapshot& s) -> int { return s.alarms.internal_failure; }},
    {"/Alarms/CellImbalance", "SOC imbalance between batteries, worst of the BMSes' own",
     [](const Snapshot& s) -> int { return s.alarms.cell_imbalance; }},
    {"/Alarms/BmsCable", "Batteries offline: 1 some, 2 all",
     [](const Snapshot& s) -> int { return s.alarms.bms_cable; }},
    {"/Alarms/LowSoc", "SOC at or below [alarms] low_soc_warning_pct (1) / low_soc_alarm_pct (2)",
     [](const Snapshot& s) -> int { return s.alarms.low_soc; }},
    {"/Alarms/LowCellVoltage", "Lowest cell at or below cell_min_v (1), further below (2)",
     [](const Snapshot& s) -> int { return s.alarms.low_cell_voltage; }},
    {"/Alarms/HighCellVoltage", "Highest cell at or above cell_max_v (1), further above (2)",
     [](const Snapshot& s) -> int { return s.alarms.high_cell_voltage; }},
    {"/Alarms/LowChargeTemperature", "Too cold to charge: taper at zero (1), a BMS's flags (1/2)",
     [](const Snapshot& s) -> int { return s.alarms.low_charge_temperature; }},
    {"/Alarms/HighChargeTemperature", "Too warm to charge: taper at zero (1), a BMS's flags (1/2)",
     [](const Snapshot& s) -> int { return s.alarms.high_charge_temperature; }},
    {"/Alarms/HighInternalTemperature", "A BMS reports its own device temperature too high",
     [](const Snapshot& s) -> int { return s.alarms.high_internal_temperature; }},
    {"/Alarms/StateOfHealth", "Lowest SOH below [alarms] low_soh_warning_pct",
     [](const Snapshot& s) -> int { return s.alarms.state_of_health; }},
    {"/System/NrOfModulesOnline", "Batteries sending fresh data",
     [](const Snapshot& s) -> int { return s.batteries_online; }},
    {"/System/NrOfModulesOffline", "Batteries silent beyond their stale timeout",
     [](const Snapshot& s) -> int { return s.batteries_offline; }},
    {"/System/NrOfModulesBlockingCharge", "Online batteries that forbid charging",
     [](const Snapshot& s) -> int { return s.blocking_charge; }},
    {"/System/NrOfModulesBlockingDischarge", "Online batteries that forbid discharging",
     [](const Snapshot& s) -> int { return s.blocking_discharge; }},
    {"/Io/AllowToCharge", "1 when charging is allowed",
     [](const Snapshot& s) -> int { return s.charge_allowed ? 1 : 0; }},
    {"/Io/AllowToDischarge", "1 when discharging is allowed",
     [](const Snapshot& s) -> int { return s.discharge_allowed ? 1 : 0; }},
};

/// Cell-id strings beside the cell extremes.
struct CellIdPath {
  const char* path;
  const char* description;
  const std::optional<CellExtreme> Snapshot::*extreme;
};

const CellIdPath kCellIdPaths[] = {
    {"/System/MinVoltageCellId", "Battery and cell with the lowest voltage", &Snapshot::min_cell_voltage},
    {"/System/MaxVoltageCellId", "Battery and cell with the highest voltage", &Snapshot::max_cell_voltage},
    {"/System/MinTemperatureCellId", "Battery and cell with the lowest temperature", &Snapshot::min_cell_temperature},
    {"/System/MaxTemperatureCellId", "Battery and cell with the highest temperature", &Snapshot::max_cell_temperature},
};

ItemSpec number_spec(const char* description, int decimals, const char* unit) {
  ItemSpec spec;
  spec.kind = ValueKind::Double;
  spec.description = description;
  spec.text = [decimals, unit](const BusValue& v) { return format_number(v, decimals, unit); };
  return spec;
}

ItemSpec plain_spec(ValueKind kind, std::string description) {
  ItemSpec spec;
  spec.kind = kind;
  spec.description = std::move(description);
  return spec;
}

std::string default_connection(const Settings& settings) {
  std::set<std::string> seen;
  std::string out;
  bool dbus_sources = false;
  for (const auto& b : settings.batteries) {
    if (b.protocol == BatteryProtocol::Dbus) {
      dbus_sources = true;
      continue;
    }
    if (!seen.insert(b.interface).second) continue;
    out += out.empty() ? "CAN " : ", ";
    out += b.interface;
  }
  if (dbus_sources) return out.empty() ? "D-Bus" : out + ", D-Bus";
  return out.empty() ? "CAN" : out;
}

/// The build's architecture: the gateway has no hardware revision of its own.
constexpr const char* kHardware =
#if defined(__aarch64__)
    "aarch64";
#elif defined(__arm__)
    "arm";
#elif defined(__x86_64__)
    "x86_64";
#else
    "generic";
#endif

}  // namespace

void add_battery_items(ItemTree& tree, const Settings& settings, const ServiceIdentity& identity,
                       const std::string& custom_name) {
  const ServiceSettings& svc = settings.service;
  const auto add_string = [&](const char* path, const char* description, const std::string& value) {
    tree.add(path, plain_spec(ValueKind::String, description));
    tree.set(path, value);
  };
  const auto add_int = [&](const char* path, const char* description, std::int32_t value) {
    tree.add(path, plain_spec(ValueKind::Int, description));
    tree.set(path, value);
  };

  add_string("/Mgmt/ProcessName", "Process name", identity.process_name);
  add_string("/Mgmt/ProcessVersion", "Process version",
             identity.process_version.empty() ? std::string(kVersion) : identity.process_version);
  add_string("/Mgmt/Connection", "Where the data comes from",
             identity.connection.empty() ? default_connection(settings) : identity.connection);
  add_int("/DeviceInstance", "VRM device instance", svc.device_instance);
  ItemSpec product_id = plain_spec(ValueKind::Int, "Product id (not a Victron product)");
  product_id.text = format_hex;
  tree.add("/ProductId", std::move(product_id));
  tree.set("/ProductId", static_cast<std::int32_t>(svc.product_id));
  add_string("/ProductName", "Product name", svc.product_name);
  add_string("/FirmwareVersion", "Gateway software version", std::string(kVersion));
  add_string("/HardwareVersion", "Gateway build architecture", kHardware);
  add_int("/Connected", "1: the service is running", 1);
  add_string("/Serial", "Serial number",
             identity.serial.empty() ? "BMSAGG" + std::to_string(svc.device_instance) : identity.serial);

  ItemSpec name = plain_spec(ValueKind::String, "Name shown on the GX and VRM; writeable, kept across restarts");
  name.writeable = true;
  name.validate = [](const BusValue& v) {
    const auto* s = std::get_if<std::string>(&v);
    return s != nullptr && is_valid_custom_name(*s);
  };
  tree.add("/CustomName", std::move(name));
  tree.set("/CustomName", custom_name);

  for (const auto& p : kNumberPaths) tree.add(p.path, number_spec(p.description, p.decimals, p.unit));
  for (const auto& p : kIntPaths) tree.add(p.path, plain_spec(ValueKind::Int, p.description));
  for (const auto& p : kCellIdPaths) tree.add(p.path, plain_spec(ValueKind::String, p.description));
  const auto configured = static_cast<std::int32_t>(settings.batteries.size());
  add_int("/Info/ChargeRequest", "1 would ask the charger for a full charge; the gateway never does", 0);
  add_int("/System/NrOfBatteries", "Configured batteries", configured);
  add_int("/System/BatteriesParallel", "Configured batteries, all in parallel", configured);
  add_pack_items(tree, settings);
}

std::size_t apply_snapshot(ItemTree& tree, const Snapshot& snapshot) {
  std::size_t changed = 0;
  for (const auto& p : kNumberPaths) {
    const std::optional<double> v = p.get(snapshot);
    changed += tree.set(p.path, v ? BusValue(round_to(*v, p.decimals)) : BusValue{}) ? 1 : 0;
  }
  for (const auto& p : kIntPaths) changed += tree.set(p.path, static_cast<std::int32_t>(p.get(snapshot))) ? 1 : 0;
  for (const auto& p : kCellIdPaths) {
    const auto& e = snapshot.*(p.extreme);
    changed += tree.set(p.path, e ? BusValue(e->cell_id) : BusValue{}) ? 1 : 0;
  }
  changed += apply_pack_snapshot(tree, snapshot);
  return changed;
}

}  // namespace bms::dbus
