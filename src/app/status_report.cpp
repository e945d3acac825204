#include "app/status_report.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "app/json_line.hpp"

namespace bms {
namespace {
using dbus::BusValue;

/// The alarm paths shown, bank and per pack (suffixes under /Alarms/).
const char* const kAlarmNames[] = {"LowVoltage",
                                   "HighVoltage",
                                   "LowTemperature",
                                   "HighTemperature",
                                   "HighChargeCurrent",
                                   "HighDischargeCurrent",
                                   "InternalFailure",
                                   "CellImbalance",
                                   "BmsCable",
                                   "LowSoc",
                                   "LowCellVoltage",
                                   "HighCellVoltage",
                                   "LowChargeTemperature",
                                   "HighChargeTemperature",
                                   "HighInternalTemperature",
                                   "StateOfHealth"};

class Reader {
 public:
  explicit Reader(const ServiceItems& s) : items_(s.items) {}
  [[nodiscard]] const BusValue& at(const std::string& path) const {
    static const BusValue invalid;
    const auto it = items_.find(path);
    return it == items_.end() ? invalid : it->second;
  }
  /// True when the service has this path at all (packs carry fewer alarms than the bank).
  [[nodiscard]] bool has(const std::string& path) const { return items_.count(path) != 0; }
  [[nodiscard]] std::optional<double> number(const std::string& path) const {
    const BusValue& v = at(path);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<std::int32_t>(&v)) return *i;
    return std::nullopt;
  }
  [[nodiscard]] std::string text(const std::string& path) const {
    const auto* s = std::get_if<std::string>(&at(path));
    return s != nullptr ? *s : std::string();
  }
  /// "-" for invalid, else the value with `decimals` and `unit`.
  [[nodiscard]] std::string shown(const std::string& path, int decimals, const char* unit = "") const {
    return dbus::is_valid(at(path)) ? dbus::format_number(at(path), decimals, unit) : "-";
  }
  /// The number of configured packs: /Batteries/0, /Batteries/1, ... while they exist.
  [[nodiscard]] std::size_t pack_count() const {
    std::size_t n = 0;
    while (items_.count(pack(n, "Name")) != 0) ++n;
    return n;
  }
  static std::string pack(std::size_t i, const char* leaf) { return "/Batteries/" + std::to_string(i) + "/" + leaf; }

 private:
  const std::map<std::string, BusValue>& items_;
};

/// "HighTemperature:2 LowVoltage:1", "none", or "-" when the levels are unknown.
std::string alarm_list(const Reader& r, const std::string& prefix) {
  std::string out;
  bool any_known = false;
  for (const char* name : kAlarmNames) {
    const auto level = r.number(prefix + "Alarms/" + name);
    if (!level) continue;
    any_known = true;
    if (*level == 0) continue;
    out += (out.empty() ? "" : " ") + std::string(name) + ":" + std::to_string(static_cast<int>(*level));
  }
  if (!any_known) return "-";
  return out.empty() ? "none" : out;
}

/// "3.201@4..3.312@9" (value and the BMS's cell id), "-" when unknown.
std::string extremes(const Reader& r, const std::string& prefix, const char* min, const char* min_id, const char* max,
                     const char* max_id, int decimals) {
  const auto one = [&](const char* value, const char* id) {
    std::string s = r.shown(prefix + "System/" + value, decimals);
    const std::string cell = r.text(prefix + "System/" + id);
    if (s != "-" && !cell.empty()) s += "@" + cell;
    return s;
  };
  const std::string lo = one(min, min_id), hi = one(max, max_id);
  return lo == "-" && hi == "-" ? "-" : lo + ".." + hi;
}

std::string blocking(const Reader& r, std::size_t i) {
  const auto charge = r.number(Reader::pack(i, "BlockingCharge"));
  const auto discharge = r.number(Reader::pack(i, "BlockingDischarge"));
  if (!charge || !discharge) return "-";
  if (*charge != 0 && *discharge != 0) return "both";
  if (*charge != 0) return "charge";
  if (*discharge != 0) return "discharge";
  return "no";
}

/// "2h27m" from seconds; "-" when unknown.
std::string duration(const std::optional<double>& s) {
  if (!s) return "-";
  const auto minutes = static_cast<long long>(*s / 60.0 + 0.5);
  return std::to_string(minutes / 60) + "h" + (minutes % 60 < 10 ? "0" : "") + std::to_string(minutes % 60) + "m";
}

/// Columns padded to their widest cell, two spaces apart (ASCII only: byte width = width).
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string json_value(const BusValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return json_number(*d);
  if (const auto* i = std::get_if<std::int32_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return json_quote(*s, true);
  return "null";
}

/// {"key": value, ...} from (key, path) pairs.
std::string json_object(const Reader& r, const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (const auto& [key, path] : fields) {
    if (out.size() > 1) out += ", ";
    out += json_quote(key) + ": " + json_value(r.at(path));
  }
  return out + "}";
}

std::string json_alarms(const Reader& r, const std::string& prefix) {
  std::string out = "{";
  for (const char* name : kAlarmNames) {
    const std::string path = prefix + "Alarms/" + name;
    if (!r.has(path)) continue;  // a pack has no BmsCable (its Online says it), nor the bank-only ones
    if (out.size() > 1) out += ", ";
    out += json_quote(name) + ": " + json_value(r.at(path));
  }
  return out + "}";
}
}  // namespace

std::string format_status_text(const ServiceItems& s) {
  const Reader r(s);
  std::string out = s.service + " (" + r.text("/ProductName") + ", " + r.text("/Mgmt/Connection") + ")\n";
  const auto online = r.number("/System/NrOfModulesOnline");
  const auto configured = r.number("/System/NrOfBatteries");
  const auto allow = [&](const char* path, const char* what) {
    const auto v = r.number(path);
    if (!v) return std::string(what) + " unknown";
    return std::string(what) + (*v != 0 ? " allowed" : " BLOCKED");
  };
  out += "bank  SOC " + r.shown("/Soc", 1, "%") + "  " + r.shown("/Dc/0/Voltage", 2, "V") + "  " +
         r.shown("/Dc/0/Current", 1, "A") + "  " + r.shown("/Dc/0/Power", 0, "W") + "  " +
         r.shown("/Dc/0/Temperature", 1, "degC") + "  online " +
         (online ? std::to_string(static_cast<int>(*online)) : "-") + "/" +
         (configured ? std::to_string(static_cast<int>(*configured)) : "-") + "  remaining " +
         r.shown("/Capacity", 1, "Ah") + "  time to go " + duration(r.number("/TimeToGo")) + "\n";
  out += "limits  CCL " + r.shown("/Info/MaxChargeCurrent", 1, "A") + "  DCL " +
         r.shown("/Info/MaxDischargeCurrent", 1, "A") + "  CVL " + r.shown("/Info/MaxChargeVoltage", 2, "V") + "  " +
         allow("/Io/AllowToCharge", "charge") + ", " + allow("/Io/AllowToDischarge", "discharge") + "  alarms " +
         alarm_list(r, "/") + "\n";

  std::vector<std::vector<std::string>> rows = {{"#", "name", "online", "SOC%", "V", "A", "degC", "CCL A", "DCL A",
                                                 "CVL V", "blocking", "alarms", "cell V min..max", "cell degC min..max",
                                                 "source"}};
  for (std::size_t i = 0, n = r.pack_count(); i < n; ++i) {
    const std::string p = Reader::pack(i, "");
    const auto is_online = r.number(p + "Online");
    rows.push_back(
        {std::to_string(i), r.text(p + "Name"), !is_online ? "-" : (*is_online != 0 ? "yes" : "NO"),
         r.shown(p + "Soc", 1), r.shown(p + "Dc/0/Voltage", 2), r.shown(p + "Dc/0/Current", 1),
         r.shown(p + "Dc/0/Temperature", 1), r.shown(p + "Info/MaxChargeCurrent", 1),
         r.shown(p + "Info/MaxDischargeCurrent", 1), r.shown(p + "Info/MaxChargeVoltage", 2), blocking(r, i),
         alarm_list(r, p),
         extremes(r, p, "MinCellVoltage", "MinVoltageCellId", "MaxCellVoltage", "MaxVoltageCellId", 3),
         extremes(r, p, "MinCellTemperature", "MinTemperatureCellId", "MaxCellTemperature", "MaxTemperatureCellId", 1),
         r.text(p + "Source")});
  }
  return out + table(rows);
}

std::string format_status_json(const ServiceItems& s) {
  const Reader r(s);
  std::string out = "{\"service\": " + json_quote(s.service) + ", \"bank\": ";
  std::string bank = json_object(r, {{"product_name", "/ProductName"},
                                     {"connection", "/Mgmt/Connection"},
                                     {"soc_pct", "/Soc"},
                                     {"voltage_v", "/Dc/0/Voltage"},
                                     {"current_a", "/Dc/0/Current"},
                                     {"power_w", "/Dc/0/Power"},
                                     {"temperature_c", "/Dc/0/Temperature"},
                                     {"capacity_ah", "/Capacity"},
                                     {"installed_capacity_ah", "/InstalledCapacity"},
                                     {"consumed_ah", "/ConsumedAmphours"},
                                     {"time_to_go_s", "/TimeToGo"},
                                     {"charge_current_limit_a", "/Info/MaxChargeCurrent"},
                                     {"discharge_current_limit_a", "/Info/MaxDischargeCurrent"},
                                     {"charge_voltage_limit_v", "/Info/MaxChargeVoltage"},
                                     {"allow_to_charge", "/Io/AllowToCharge"},
                                     {"allow_to_discharge", "/Io/AllowToDischarge"},
                                     {"packs_online", "/System/NrOfModulesOnline"},
                                     {"packs_configured", "/System/NrOfBatteries"}});
  bank.pop_back();
  out += bank + ", \"alarms\": " + json_alarms(r, "/") + "}, \"packs\": [";
  for (std::size_t i = 0, n = r.pack_count(); i < n; ++i) {
    const std::string p = Reader::pack(i, "");
    std::string pack = json_object(r, {{"name", p + "Name"},
                                       {"source", p + "Source"},
                                       {"online", p + "Online"},
                                       {"soc_pct", p + "Soc"},
                                       {"voltage_v", p + "Dc/0/Voltage"},
                                       {"current_a", p + "Dc/0/Current"},
                                       {"temperature_c", p + "Dc/0/Temperature"},
                                       {"installed_capacity_ah", p + "InstalledCapacity"},
                                       {"charge_current_limit_a", p + "Info/MaxChargeCurrent"},
                                       {"discharge_current_limit_a", p + "Info/MaxDischargeCurrent"},
                                       {"charge_voltage_limit_v", p + "Info/MaxChargeVoltage"},
                                       {"blocking_charge", p + "BlockingCharge"},
                                       {"blocking_discharge", p + "BlockingDischarge"},
                                       {"min_cell_voltage_v", p + "System/MinCellVoltage"},
                                       {"min_cell_voltage_id", p + "System/MinVoltageCellId"},
                                       {"max_cell_voltage_v", p + "System/MaxCellVoltage"},
                                       {"max_cell_voltage_id", p + "System/MaxVoltageCellId"},
                                       {"min_cell_temperature_c", p + "System/MinCellTemperature"},
                                       {"min_cell_temperature_id", p + "System/MinTemperatureCellId"},
                                       {"max_cell_temperature_c", p + "System/MaxCellTemperature"},
                                       {"max_cell_temperature_id", p + "System/MaxTemperatureCellId"}});
    pack.pop_back();
    out += (i == 0 ? "" : ", ") + pack + ", \"alarms\": " + json_alarms(r, p) + "}";
  }
  return out + "]}";
}

}  // namespace bms
