#pragma once
/// @file imbalance_policy.hpp
/// The imbalance tiers with hysteresis, as a pure function of the previous tier and soc_diff.

#include "core/settings.hpp"
#include "core/snapshot.hpp"

namespace bms {

/// Next tier. A tier is entered when soc_diff is strictly above its threshold, and left
/// (one or more steps down) only when soc_diff is strictly below threshold - hysteresis.
[[nodiscard]] ImbalanceTier next_imbalance_tier(ImbalanceTier current, double soc_diff_pct,
                                                const ImbalanceSettings& s) noexcept;

/// The charge current the tier allows: nominal, minor/warning factor x nominal, or reduced.
[[nodiscard]] double tier_charge_current_a(ImbalanceTier tier, const ChargeSettings& c,
                                           const ImbalanceSettings& s) noexcept;

/// Imbalance alarm level for D-Bus /Alarms/CellImbalance: warning tier 1, alarm tier 2.
[[nodiscard]] std::uint8_t tier_alarm_level(ImbalanceTier tier) noexcept;

}  // namespace bms
