#pragma once
/// @file temperature_taper.hpp
/// Temperature rules (docs/POLICY.md, "Temperature taper"): the fraction of the charge and
/// discharge current the bank's coldest and warmest (held) temperatures allow.

#include "core/settings.hpp"

namespace bms {

/// 0 at or below charge_min_temperature_c, 1 from charge_full_temperature_c; 1 up to
/// charge_taper_temperature_c, 0 at or above charge_max_temperature_c; the smaller of the two.
[[nodiscard]] double temperature_charge_factor(double coldest_c, double warmest_c, const CellSettings& s) noexcept;

/// The same with the discharge_* temperatures.
[[nodiscard]] double temperature_discharge_factor(double coldest_c, double warmest_c, const CellSettings& s) noexcept;

}  // namespace bms
