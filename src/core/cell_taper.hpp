#pragma once
/// @file cell_taper.hpp
/// Cell-voltage rules (docs/POLICY.md, "Cell voltage taper"): pure functions of the bank's
/// extreme cell voltages and [cells]. The aggregator keeps the held values and the cap.

#include <optional>

#include "core/settings.hpp"

namespace bms {

/// Fraction of the bank's charge current allowed at the (held) highest cell voltage: 1 up to
/// cell_taper_start_v, 0 from cell_max_v on, linear between.
[[nodiscard]] double cell_charge_factor(double highest_cell_v, const CellSettings& s) noexcept;

/// Fraction of the discharge current allowed at the (held) lowest cell voltage: 1 down to
/// cell_discharge_taper_start_v, 0 from cell_min_v down, linear between.
[[nodiscard]] double cell_discharge_factor(double lowest_cell_v, const CellSettings& s) noexcept;

/// The charge voltage cap after one step of `dt_s` seconds (nullopt: no cap in force).
/// Engaged while the highest cell is at or above cell_taper_start_v; its target is
///   bank voltage + (cell_max_v - highest cell),
/// the bank voltage the charger may reach if every further millivolt went into the highest
/// cell. A lower target applies at once; a higher one is approached at cvl_rise_v_per_s.
/// Released (the cap then rises at that rate) once the highest cell is below
/// cell_taper_start_v - cell_voltage_hysteresis_v; the cap ends when it reaches
/// `configured_cvl_v`. Unknown cells or voltage hold the cap where it is.
[[nodiscard]] std::optional<double> next_cell_voltage_cap(std::optional<double> cap_v,
                                                          std::optional<double> highest_cell_v,
                                                          std::optional<double> bank_voltage_v, double configured_cvl_v,
                                                          double dt_s, const CellSettings& s) noexcept;

}  // namespace bms
