#include "core/cell_taper.hpp"

#include <algorithm>
#include <limits>

#include "core/taper_math.hpp"

namespace bms {

double cell_charge_factor(double highest_cell_v, const CellSettings& s) noexcept {
  return linear_taper(highest_cell_v, s.cell_taper_start_v, s.cell_max_v);
}

double cell_discharge_factor(double lowest_cell_v, const CellSettings& s) noexcept {
  return linear_taper(lowest_cell_v, s.cell_discharge_taper_start_v, s.cell_min_v);
}

std::optional<double> next_cell_voltage_cap(std::optional<double> cap_v, std::optional<double> highest_cell_v,
                                            std::optional<double> bank_voltage_v, double configured_cvl_v, double dt_s,
                                            const CellSettings& s) noexcept {
  const bool known = highest_cell_v && bank_voltage_v;
  if (!cap_v) {
    if (!known || *highest_cell_v < s.cell_taper_start_v) return std::nullopt;
    const double target = *bank_voltage_v + (s.cell_max_v - *highest_cell_v);
    if (target >= configured_cvl_v) return std::nullopt;  // would not lower anything
    return target;
  }
  if (!known) return cap_v;  // unknown never eases a limit
  const bool released = *highest_cell_v < s.cell_taper_start_v - s.cell_voltage_hysteresis_v;
  const double target =
      released ? std::numeric_limits<double>::infinity() : *bank_voltage_v + (s.cell_max_v - *highest_cell_v);
  const double next = target <= *cap_v ? target : std::min(target, *cap_v + s.cvl_rise_v_per_s * std::max(0.0, dt_s));
  if (next >= configured_cvl_v) return std::nullopt;
  return next;
}

}  // namespace bms
