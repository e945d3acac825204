#include "dbus/pack_items.hpp"

#include "core/pack_source.hpp"

namespace bms::dbus {
namespace {

/// A numeric per-pack path: value rounded to `decimals`, text "<value><unit>".
struct PackNumber {
  const char* leaf;
  const char* description;
  int decimals;
  const char* unit;
  std::optional<double> (*get)(const BatteryView&);
};

const PackNumber kPackNumbers[] = {
    {"Soc", "State of charge of this pack", 1, "%", [](const BatteryView& b) { return b.soc_pct; }},
    {"Dc/0/Voltage", "Voltage of this pack", 2, "V", [](const BatteryView& b) { return b.voltage_v; }},
    {"Dc/0/Current", "Current of this pack, + = charging", 1, "A", [](const BatteryView& b) { return b.current_a; }},
    {"Dc/0/Temperature", "Temperature its BMS reports", 1, kDegC, [](const BatteryView& b) { return b.temperature_c; }},
    {"Info/MaxChargeCurrent", "Charge current limit this pack's BMS sends (or its configured one)", 1, "A",
     [](const BatteryView& b) { return b.charge_current_limit_a; }},
    {"Info/MaxDischargeCurrent", "Discharge current limit this pack's BMS sends (or its configured one)", 1, "A",
     [](const BatteryView& b) { return b.discharge_current_limit_a; }},
    {"Info/MaxChargeVoltage", "Charge voltage limit this pack's BMS sends", 2, "V",
     [](const BatteryView& b) { return b.charge_voltage_limit_v; }},
    {"System/MinCellVoltage", "Lowest cell voltage of this pack", 3, "V",
     [](const BatteryView& b) { return extreme_value(b.min_cell_voltage); }},
    {"System/MaxCellVoltage", "Highest cell voltage of this pack", 3, "V",
     [](const BatteryView& b) { return extreme_value(b.max_cell_voltage); }},
    {"System/MinCellTemperature", "Lowest cell temperature of this pack", 1, kDegC,
     [](const BatteryView& b) { return extreme_value(b.min_cell_temperature); }},
    {"System/MaxCellTemperature", "Highest cell temperature of this pack", 1, kDegC,
     [](const BatteryView& b) { return extreme_value(b.max_cell_temperature); }},
};

/// The BMS's own cell id beside each extreme ("" when it sends none).
struct PackCellId {
  const char* leaf;
  const char* description;
  const std::optional<CellExtreme> BatteryView::*extreme;
};

const PackCellId kPackCellIds[] = {
    {"System/MinVoltageCellId", "The BMS's id of the lowest cell", &BatteryView::min_cell_voltage},
    {"System/MaxVoltageCellId", "The BMS's id of the highest cell", &BatteryView::max_cell_voltage},
    {"System/MinTemperatureCellId", "The BMS's id of the coldest cell", &BatteryView::min_cell_temperature},
    {"System/MaxTemperatureCellId", "The BMS's id of the warmest cell", &BatteryView::max_cell_temperature},
};

/// Alarm levels (0 ok, 1 warning, 2 alarm) and 0/1 flags of an online pack.
struct PackInt {
  const char* leaf;
  const char* description;
  int (*get)(const BatteryView&);
};

const PackInt kPackInts[] = {
    {"BlockingCharge", "1: this pack forbids charging (the bank's charge limit is 0)",
     [](const BatteryView& b) -> int { return b.blocks_charge ? 1 : 0; }},
    {"BlockingDischarge", "1: this pack forbids discharging",
     [](const BatteryView& b) -> int { return b.blocks_discharge ? 1 : 0; }},
    {"Alarms/LowVoltage", "0 ok, 1 warning, 2 alarm", [](const BatteryView& b) -> int { return b.alarms.low_voltage; }},
    {"Alarms/HighVoltage", "0 ok, 1 warning, 2 alarm",
     [](const BatteryView& b) -> int { return b.alarms.high_voltage; }},
    {"Alarms/LowTemperature", "0 ok, 1 warning, 2 alarm",
     [](const BatteryView& b) -> int { return b.alarms.low_temperature; }},
    {"Alarms/HighTemperature", "0 ok, 1 warning, 2 alarm",
     [](const BatteryView& b) -> int { return b.alarms.high_temperature; }},
    {"Alarms/HighChargeCurrent", "0 ok, 1 warning, 2 alarm",
     [](const BatteryView& b) -> int { return b.alarms.high_charge_current; }},
    {"Alarms/HighDischargeCurrent", "0 ok, 1 warning, 2 alarm",
     [](const BatteryView& b) -> int { return b.alarms.high_discharge_current; }},
    {"Alarms/InternalFailure", "0 ok, 1 warning, 2 alarm",
     [](const BatteryView& b) -> int { return b.alarms.internal_failure; }},
    {"Alarms/CellImbalance", "The pack's own BMS imbalance flag: 0 ok, 1 warning, 2 alarm",
     [](const BatteryView& b) -> int { return b.alarms.cell_imbalance; }},
    {"Alarms/LowChargeTemperature", "Its BMS: too cold to charge (0 ok, 1 warning, 2 alarm)",
     [](const BatteryView& b) -> int { return b.alarms.low_charge_temperature; }},
    {"Alarms/HighChargeTemperature", "Its BMS: too warm to charge (0 ok, 1 warning, 2 alarm)",
     [](const BatteryView& b) -> int { return b.alarms.high_charge_temperature; }},
    {"Alarms/HighInternalTemperature", "Its BMS's own device temperature too high (CANopen EMCY 0x42xx)",
     [](const BatteryView& b) -> int { return b.alarms.high_internal_temperature; }},
};

/// The bank's /History paths (core/history.hpp has the definitions).
struct HistoryNumber {
  const char* path;
  const char* description;
  int decimals;
  const char* unit;
  std::optional<double> (*get)(const BankHistory&);
};

const HistoryNumber kHistoryNumbers[] = {
    {"/History/DeepestDischarge", "Deepest discharge ever (negative Ah)", 1, "Ah",
     [](const BankHistory& h) { return std::optional<double>(h.counters.deepest_discharge_ah); }},
    {"/History/LastDischarge", "Deepest discharge since the last full charge (negative Ah)", 1, "Ah",
     [](const BankHistory& h) { return std::optional<double>(h.counters.last_discharge_ah); }},
    {"/History/AverageDischarge", "Mean depth of the discharges ended by a full charge (negative Ah)", 1, "Ah",
     [](const BankHistory& h) { return h.average_discharge_ah; }},
    {"/History/TotalAhDrawn", "Ah taken out of the bank, ever (negative)", 1, "Ah",
     [](const BankHistory& h) { return std::optional<double>(h.counters.total_ah_drawn); }},
    {"/History/MinimumVoltage", "Lowest bank voltage seen", 2, "V",
     [](const BankHistory& h) { return h.counters.min_voltage_v; }},
    {"/History/MaximumVoltage", "Highest bank voltage seen", 2, "V",
     [](const BankHistory& h) { return h.counters.max_voltage_v; }},
    {"/History/MinimumCellVoltage", "Lowest cell voltage seen", 3, "V",
     [](const BankHistory& h) { return h.counters.min_cell_voltage_v; }},
    {"/History/MaximumCellVoltage", "Highest cell voltage seen", 3, "V",
     [](const BankHistory& h) { return h.counters.max_cell_voltage_v; }},
    {"/History/TimeSinceLastFullCharge", "Seconds since the bank SOC was last 100 %", 0, "s",
     [](const BankHistory& h) { return h.counters.seconds_since_full_charge; }},
    {"/History/DischargedEnergy", "Energy taken out of the bank, ever", 2, "kWh",
     [](const BankHistory& h) { return std::optional<double>(h.counters.discharged_energy_kwh); }},
    {"/History/ChargedEnergy", "Energy put into the bank, ever", 2, "kWh",
     [](const BankHistory& h) { return std::optional<double>(h.counters.charged_energy_kwh); }},
};

struct HistoryInt {
  const char* path;
  const char* description;
  std::optional<std::int32_t> (*get)(const BankHistory&);
};

const HistoryInt kHistoryInts[] = {
    {"/History/ChargeCycles", "Equivalent full cycles: Ah drawn / installed capacity",
     [](const BankHistory& h) -> std::optional<std::int32_t> {
       if (!h.charge_cycles) return std::nullopt;
       return static_cast<std::int32_t>(*h.charge_cycles);
     }},
    {"/History/FullDischarges", "Times the bank SOC reached 0 %",
     [](const BankHistory& h) -> std::optional<std::int32_t> {
       return static_cast<std::int32_t>(h.counters.full_discharges);
     }},
};

ItemSpec spec(ValueKind kind, const char* description) {
  ItemSpec s;
  s.kind = kind;
  s.description = description;
  return s;
}

ItemSpec number_spec(const char* description, int decimals, const char* unit) {
  ItemSpec s = spec(ValueKind::Double, description);
  s.text = [decimals, unit](const BusValue& v) { return format_number(v, decimals, unit); };
  return s;
}

BusValue rounded(const std::optional<double>& v, int decimals) {
  return v ? BusValue(round_to(*v, decimals)) : BusValue{};
}

}  // namespace

std::string pack_path(std::size_t index, const char* leaf) {
  return "/Batteries/" + std::to_string(index) + "/" + leaf;
}

void add_pack_items(ItemTree& tree, const Settings& settings) {
  for (std::size_t i = 0; i < settings.batteries.size(); ++i) {
    const BatterySettings& b = settings.batteries[i];
    tree.add(pack_path(i, "Name"), spec(ValueKind::String, "The battery's name in the config"));
    tree.set(pack_path(i, "Name"), b.name);
    tree.add(pack_path(i, "Source"), spec(ValueKind::String, "Where the battery is read"));
    tree.set(pack_path(i, "Source"), pack_source(b));
    tree.add(pack_path(i, "InstalledCapacity"), number_spec("Configured capacity_ah", 1, "Ah"));
    tree.set(pack_path(i, "InstalledCapacity"), b.capacity_ah > 0 ? BusValue(round_to(b.capacity_ah, 1)) : BusValue{});
    tree.add(pack_path(i, "Online"), spec(ValueKind::Int, "1: fresh data within its stale_after_ms"));
    for (const auto& p : kPackNumbers) tree.add(pack_path(i, p.leaf), number_spec(p.description, p.decimals, p.unit));
    for (const auto& p : kPackCellIds) tree.add(pack_path(i, p.leaf), spec(ValueKind::String, p.description));
    for (const auto& p : kPackInts) tree.add(pack_path(i, p.leaf), spec(ValueKind::Int, p.description));
  }
  for (const auto& p : kHistoryNumbers) tree.add(p.path, number_spec(p.description, p.decimals, p.unit));
  for (const auto& p : kHistoryInts) tree.add(p.path, spec(ValueKind::Int, p.description));
}

std::size_t apply_pack_snapshot(ItemTree& tree, const Snapshot& snapshot) {
  std::size_t changed = 0;
  const auto put = [&](const std::string& path, BusValue v) { changed += tree.set(path, std::move(v)) ? 1 : 0; };
  for (std::size_t i = 0; i < snapshot.batteries.size(); ++i) {
    const BatteryView& b = snapshot.batteries[i];
    put(pack_path(i, "Online"), static_cast<std::int32_t>(b.online ? 1 : 0));
    for (const auto& p : kPackNumbers) put(pack_path(i, p.leaf), rounded(p.get(b), p.decimals));
    for (const auto& p : kPackCellIds) {
      const auto& e = b.*(p.extreme);
      put(pack_path(i, p.leaf), e ? BusValue(e->cell_id) : BusValue{});
    }
    // An offline pack's flags and alarms are unknown: it is excluded from the bank, and its
    // last values must not look current.
    for (const auto& p : kPackInts)
      put(pack_path(i, p.leaf), b.online ? BusValue(static_cast<std::int32_t>(p.get(b))) : BusValue{});
  }
  for (const auto& p : kHistoryNumbers) {
    put(p.path, snapshot.history ? rounded(p.get(*snapshot.history), p.decimals) : BusValue{});
  }
  for (const auto& p : kHistoryInts) {
    const auto v = snapshot.history ? p.get(*snapshot.history) : std::nullopt;
    put(p.path, v ? BusValue(*v) : BusValue{});
  }
  return changed;
}

}  // namespace bms::dbus
