#include "core/temperature_taper.hpp"

#include <algorithm>

#include "core/taper_math.hpp"

namespace bms {

double temperature_charge_factor(double coldest_c, double warmest_c, const CellSettings& s) noexcept {
  return std::min(linear_taper(coldest_c, s.charge_full_temperature_c, s.charge_min_temperature_c),
                  linear_taper(warmest_c, s.charge_taper_temperature_c, s.charge_max_temperature_c));
}

double temperature_discharge_factor(double coldest_c, double warmest_c, const CellSettings& s) noexcept {
  return std::min(linear_taper(coldest_c, s.discharge_full_temperature_c, s.discharge_min_temperature_c),
                  linear_taper(warmest_c, s.discharge_taper_temperature_c, s.discharge_max_temperature_c));
}

}  // namespace bms
