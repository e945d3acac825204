#include "app/replay_report.hpp"

#include <fmt/format.h>

namespace bms {
namespace {
const char* reason_name(PublishReason r) {
  switch (r) {
    case PublishReason::Periodic:
      return "periodic";
    case PublishReason::Protective:
      return "protective";
    case PublishReason::Final:
      return "final";
  }
  return "?";
}
std::string opt(const std::optional<double>& v, int decimals = 2) {
  return v ? fmt::format("{:.{}f}", *v, decimals) : std::string();
}
std::string cell(const std::optional<CellExtreme>& e) { return e ? fmt::format("{:.3f}", e->value) : std::string(); }
}  // namespace

std::string replay_report_header(const std::vector<std::string>& names) {
  std::string h = "time_s";
  for (const auto& n : names) h += fmt::format(",{}_soc_pct,{}_online", n, n);
  h += ",soc_pct,soc_diff_pct,tier,charge_current_limit_a,discharge_current_limit_a,charge_voltage_limit_v,"
       "batteries_online,inverter_present,reason,max_cell_voltage_v,min_cell_voltage_v,coldest_temperature_c,"
       "charge_limited_by,discharge_limited_by,charge_voltage_limited_by";
  // Per battery, after the bank's columns (so their positions do not depend on the bank
  // size): its own limits and cell voltage extremes, to see which pack drove the bank limit.
  for (const auto& n : names) {
    h += fmt::format(
        ",{0}_charge_current_limit_a,{0}_discharge_current_limit_a,{0}_min_cell_voltage_v,{0}_max_cell_voltage_v", n);
  }
  return h;
}

ReplayReport::ReplayReport(const std::string& path, const std::vector<std::string>& battery_names) : file_(path) {
  file_.append(replay_report_header(battery_names) + "\n");
}

void ReplayReport::publish(const Snapshot& s, PublishReason reason) {
  std::string row = fmt::format("{}.{:06}", s.time_us / 1'000'000, s.time_us % 1'000'000);
  for (const auto& b : s.batteries)
    row += fmt::format(",{},{}", b.online ? opt(b.soc_pct) : std::string(), b.online ? 1 : 0);
  row += fmt::format(",{},{},{},{:.1f},{:.1f},{:.2f},{},{},{}\n", opt(s.soc_pct), opt(s.soc_diff_pct),
                     static_cast<int>(s.tier), s.charge_current_limit_a, s.discharge_current_limit_a,
                     s.charge_voltage_limit_v, s.batteries_online, s.inverter_present ? 1 : 0, reason_name(reason));
  row.pop_back();  // the newline: the rule columns follow
  row += fmt::format(",{},{},{},{},{},{}", cell(s.max_cell_voltage), cell(s.min_cell_voltage),
                     opt(s.charge_safety_temperature_c), to_string(s.charge_limited_by),
                     to_string(s.discharge_limited_by), to_string(s.charge_voltage_limited_by));
  for (const auto& b : s.batteries) {
    row += fmt::format(",{},{},{},{}", opt(b.charge_current_limit_a, 1), opt(b.discharge_current_limit_a, 1),
                       cell(b.min_cell_voltage), cell(b.max_cell_voltage));
    if (b.min_cell_voltage || b.max_cell_voltage) cell_voltages_seen_ = true;
  }
  row += '\n';
  file_.append(row);
  if (file_.ok()) ++rows_;
}

}  // namespace bms
