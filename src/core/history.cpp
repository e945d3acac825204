#include "core/history.hpp"

#include <algorithm>
#include <cmath>

#include "core/snapshot.hpp"

namespace bms {
namespace {
void take_min(std::optional<double>& acc, double v) { acc = acc ? std::min(*acc, v) : v; }
void take_max(std::optional<double>& acc, double v) { acc = acc ? std::max(*acc, v) : v; }

/// Installed minus remaining Ah as a negative depth; known only when every pack is online
/// and capacities and SOCs are known (an offline pack's charge is unknown, not drawn).
std::optional<double> discharge_depth_ah(const Snapshot& s) {
  if (s.installed_capacity_ah <= 0 || !s.capacity_ah || s.batteries_offline > 0) return std::nullopt;
  return std::min(0.0, *s.capacity_ah - s.installed_capacity_ah);
}
}  // namespace

void HistoryAccumulator::update(const Snapshot& s) {
  HistoryCounters& c = counters_;
  if (last_us_ && s.time_us < *last_us_) return;
  if (last_us_) {
    const std::int64_t dt_us = s.time_us - *last_us_;
    if (c.seconds_since_full_charge) *c.seconds_since_full_charge += static_cast<double>(dt_us) / 1e6;
    if (dt_us > 0 && dt_us <= kHistoryMaxGapUs) {
      const double hours = static_cast<double>(dt_us) / 3.6e9;
      if (last_current_a_ && *last_current_a_ < 0) c.total_ah_drawn += *last_current_a_ * hours;
      if (last_power_w_) {
        const double kwh = *last_power_w_ * hours / 1000.0;
        if (kwh < 0)
          c.discharged_energy_kwh -= kwh;
        else
          c.charged_energy_kwh += kwh;
      }
    }
  }
  last_us_ = s.time_us;
  last_current_a_ = s.current_a;
  last_power_w_ = s.power_w;

  if (s.voltage_v) {
    take_min(c.min_voltage_v, *s.voltage_v);
    take_max(c.max_voltage_v, *s.voltage_v);
  }
  if (s.min_cell_voltage) take_min(c.min_cell_voltage_v, s.min_cell_voltage->value);
  if (s.max_cell_voltage) take_max(c.max_cell_voltage_v, s.max_cell_voltage->value);

  if (const auto depth = discharge_depth_ah(s)) {
    c.deepest_discharge_ah = std::min(c.deepest_discharge_ah, *depth);
    c.last_discharge_ah = std::min(c.last_discharge_ah, *depth);
  }
  // SOC events only from a whole bank: with a pack offline the bank SOC is that of the rest.
  if (!s.soc_pct || s.batteries_offline > 0) return;
  const double soc = *s.soc_pct;
  if (soc >= kFullSocPct) {
    c.seconds_since_full_charge = 0.0;  // full now
    if (!c.at_full && c.last_discharge_ah < 0) {
      ++c.completed_discharges;
      c.completed_depth_sum_ah += c.last_discharge_ah;
    }
    if (!c.at_full) c.last_discharge_ah = 0;
    c.at_full = true;
  } else {
    c.at_full = false;
  }
  if (soc <= kEmptySocPct && !c.at_empty) {
    ++c.full_discharges;
    c.at_empty = true;
  } else if (soc >= kEmptyRearmSocPct) {
    c.at_empty = false;
  }
}

BankHistory HistoryAccumulator::view(double installed_capacity_ah) const {
  BankHistory h;
  h.counters = counters_;
  if (installed_capacity_ah > 0) {
    h.charge_cycles = static_cast<std::uint32_t>(std::floor(-counters_.total_ah_drawn / installed_capacity_ah));
  }
  if (counters_.completed_discharges > 0) {
    h.average_discharge_ah = counters_.completed_depth_sum_ah / counters_.completed_discharges;
  }
  return h;
}

}  // namespace bms
