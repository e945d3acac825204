#pragma once
/// @file taper_math.hpp
/// The two shapes every taper rule is made of: a straight line from "full" to "zero", and a
/// play (backlash) hysteresis on the value the line is read at, so a limit that a measured
/// value tightened does not swing back with every millivolt of noise or IR drop.

#include <algorithm>

namespace bms {

/// 1 on the `full_at` side, 0 at and beyond `zero_at`, a straight line between. Works in
/// either direction (full_at below zero_at for a rising value, above it for a falling one).
[[nodiscard]] constexpr double linear_taper(double x, double full_at, double zero_at) noexcept {
  if (full_at == zero_at) return 0.0;  // no range to taper over (the config forbids it): the safe side
  const double f = (zero_at - x) / (zero_at - full_at);
  return std::clamp(f, 0.0, 1.0);
}

/// Hysteresis for a value whose rise tightens a limit (highest cell, warmest pack): the held
/// value follows a rise at once and a fall only once the measurement is more than `h` below it
/// (then it stays `h` above the measurement).
[[nodiscard]] constexpr double hold_rise(double held, double measured, double h) noexcept {
  return std::clamp(held, measured, measured + h);
}

/// Hysteresis for a value whose fall tightens a limit (lowest cell, coldest pack).
[[nodiscard]] constexpr double hold_fall(double held, double measured, double h) noexcept {
  return std::clamp(held, measured - h, measured);
}

}  // namespace bms
