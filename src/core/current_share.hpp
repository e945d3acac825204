#pragma once
/// @file current_share.hpp
/// Measured current share (docs/POLICY.md): parallel packs split the bank current by their
/// internal resistance, not evenly, so N x min(limit) can still overload the pack that takes
/// more than its 1/N. With each pack's measured current the bank limit is capped so that,
/// at the measured split, no pack exceeds its own limit.

#include <optional>
#include <span>

namespace bms {

struct PackShare {
  std::optional<double> limit_a;    ///< the pack's own limit in this direction (nullopt: none)
  std::optional<double> current_a;  ///< measured, positive in this direction
};

/// min over packs taking current in this direction of limit_i x bank_current / current_i;
/// nullopt (rule not applied) when the bank current is at or below `threshold_a`, when the
/// threshold is 0 (rule off), or when any pack's current is unknown. Packs without a limit
/// of their own, or taking no current in this direction, set no cap.
[[nodiscard]] std::optional<double> share_limited_current_a(std::span<const PackShare> packs, double bank_current_a,
                                                            double threshold_a) noexcept;

/// Relative hysteresis of the share rule: measured currents wobble by a few percent from
/// frame to frame, and a limit that followed every wobble up and down would swing.
inline constexpr double kShareHysteresis = 0.05;

/// The share rule as a factor of N x min(limit) (at most 1), held with hysteresis: a lower
/// factor applies at once, a higher one only once it is more than kShareHysteresis (relative)
/// above the held one (then it is held that much below it). Holding the factor rather than
/// the cap in amps lets the cap follow the BMSes' own limits at once in both directions; only
/// the measured split is smoothed. nullopt (the rule not applying) clears it.
[[nodiscard]] std::optional<double> next_share_factor(std::optional<double> held, std::optional<double> cap_a,
                                                      double n_times_min_a) noexcept;

}  // namespace bms
