#include "app/history_store.hpp"

#include "dbus/state_file.hpp"

namespace bms {
namespace {
constexpr const char* kTable = "history";

void put_optional(toml::table& t, const char* key, const std::optional<double>& v) {
  if (v) t.insert_or_assign(key, *v);
}

/// Reads a number (TOML integer or float); false when present with another type.
bool get_number(const toml::table& t, const char* key, std::optional<double>& out, std::string& why) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return true;
  if (auto d = n->value<double>()) {
    out = *d;
    return true;
  }
  why = std::string(key) + " is not a number";
  return false;
}
}  // namespace

toml::table history_to_table(const HistoryCounters& c, std::int64_t saved_unix_s) {
  toml::table t;
  t.insert_or_assign("saved_at_unix_s", saved_unix_s);
  t.insert_or_assign("deepest_discharge_ah", c.deepest_discharge_ah);
  t.insert_or_assign("last_discharge_ah", c.last_discharge_ah);
  t.insert_or_assign("completed_discharges", static_cast<std::int64_t>(c.completed_discharges));
  t.insert_or_assign("completed_depth_sum_ah", c.completed_depth_sum_ah);
  t.insert_or_assign("full_discharges", static_cast<std::int64_t>(c.full_discharges));
  t.insert_or_assign("total_ah_drawn", c.total_ah_drawn);
  t.insert_or_assign("discharged_energy_kwh", c.discharged_energy_kwh);
  t.insert_or_assign("charged_energy_kwh", c.charged_energy_kwh);
  put_optional(t, "min_voltage_v", c.min_voltage_v);
  put_optional(t, "max_voltage_v", c.max_voltage_v);
  put_optional(t, "min_cell_voltage_v", c.min_cell_voltage_v);
  put_optional(t, "max_cell_voltage_v", c.max_cell_voltage_v);
  put_optional(t, "seconds_since_full_charge", c.seconds_since_full_charge);
  t.insert_or_assign("at_full", c.at_full);
  t.insert_or_assign("at_empty", c.at_empty);
  return t;
}

std::optional<HistoryCounters> history_from_table(const toml::table& t, std::int64_t now_unix_s, std::string* error) {
  HistoryCounters c;
  std::string why;
  std::optional<double> deepest, last, completed, depth_sum, full_discharges, drawn, discharged, charged, saved_at;
  const bool ok =
      get_number(t, "deepest_discharge_ah", deepest, why) && get_number(t, "last_discharge_ah", last, why) &&
      get_number(t, "completed_discharges", completed, why) &&
      get_number(t, "completed_depth_sum_ah", depth_sum, why) &&
      get_number(t, "full_discharges", full_discharges, why) && get_number(t, "total_ah_drawn", drawn, why) &&
      get_number(t, "discharged_energy_kwh", discharged, why) && get_number(t, "charged_energy_kwh", charged, why) &&
      get_number(t, "min_voltage_v", c.min_voltage_v, why) && get_number(t, "max_voltage_v", c.max_voltage_v, why) &&
      get_number(t, "min_cell_voltage_v", c.min_cell_voltage_v, why) &&
      get_number(t, "max_cell_voltage_v", c.max_cell_voltage_v, why) &&
      get_number(t, "seconds_since_full_charge", c.seconds_since_full_charge, why) &&
      get_number(t, "saved_at_unix_s", saved_at, why);
  // Depths and Ah drawn are <= 0, counts and energies >= 0: anything else is not ours.
  const auto non_positive = [](const std::optional<double>& v) { return !v || *v <= 0.0; };
  const auto non_negative = [](const std::optional<double>& v) { return !v || *v >= 0.0; };
  if (ok && !(non_positive(deepest) && non_positive(last) && non_positive(depth_sum) && non_positive(drawn) &&
              non_negative(completed) && non_negative(full_discharges) && non_negative(discharged) &&
              non_negative(charged) && non_negative(c.seconds_since_full_charge))) {
    why = "a counter has the wrong sign";
  }
  if (!ok || !why.empty()) {
    if (error != nullptr) *error = "[history]: " + why;
    return std::nullopt;
  }
  c.deepest_discharge_ah = deepest.value_or(0);
  c.last_discharge_ah = last.value_or(0);
  c.completed_discharges = static_cast<std::uint32_t>(completed.value_or(0));
  c.completed_depth_sum_ah = depth_sum.value_or(0);
  c.full_discharges = static_cast<std::uint32_t>(full_discharges.value_or(0));
  c.total_ah_drawn = drawn.value_or(0);
  c.discharged_energy_kwh = discharged.value_or(0);
  c.charged_energy_kwh = charged.value_or(0);
  c.at_full = t["at_full"].value_or(false);
  c.at_empty = t["at_empty"].value_or(false);
  // The time the service was down still counts since the last full charge.
  if (c.seconds_since_full_charge && saved_at && static_cast<double>(now_unix_s) > *saved_at) {
    *c.seconds_since_full_charge += static_cast<double>(now_unix_s) - *saved_at;
  }
  return c;
}

std::optional<HistoryCounters> load_history(const std::string& state_file, std::int64_t now_unix_s,
                                            std::string* error) {
  const std::optional<toml::table> state = dbus::read_state_file(state_file, error);
  if (!state) return std::nullopt;
  const toml::table* history = (*state)[kTable].as_table();
  if (history == nullptr) return std::nullopt;
  std::string why;
  auto counters = history_from_table(*history, now_unix_s, &why);
  if (!counters && error != nullptr) *error = state_file + ": " + why;
  return counters;
}

HistoryWriter::HistoryWriter(std::string state_file) : path_(std::move(state_file)), writer_("history not saved") {}

void HistoryWriter::save(const HistoryCounters& counters, std::int64_t now_unix_s) {
  if (path_.empty()) return;
  writer_.request([path = path_, history = history_to_table(counters, now_unix_s)](std::string* error) {
    return dbus::update_state_file(
        path, [&](toml::table& state) { state.insert_or_assign(kTable, history); }, error);
  });
}

}  // namespace bms
