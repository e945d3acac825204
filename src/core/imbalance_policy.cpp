#include "core/imbalance_policy.hpp"

#include <algorithm>

namespace bms {
namespace {
double threshold(ImbalanceTier t, const ImbalanceSettings& s) noexcept {
  switch (t) {
    case ImbalanceTier::Minor:
      return s.minor_threshold;
    case ImbalanceTier::Warning:
      return s.warning_threshold;
    case ImbalanceTier::Alarm:
      return s.alarm_threshold;
    default:
      return 0.0;
  }
}
}  // namespace

ImbalanceTier next_imbalance_tier(ImbalanceTier current, double d, const ImbalanceSettings& s) noexcept {
  ImbalanceTier target = ImbalanceTier::Balanced;
  if (d > s.alarm_threshold) {
    target = ImbalanceTier::Alarm;
  } else if (d > s.warning_threshold) {
    target = ImbalanceTier::Warning;
  } else if (d > s.minor_threshold) {
    target = ImbalanceTier::Minor;
  }
  if (target >= current) return target;  // worse or equal: at once
  // Better: step down while soc_diff is clearly below the current tier's threshold.
  while (current > target && d < threshold(current, s) - s.hysteresis) {
    current = static_cast<ImbalanceTier>(static_cast<int>(current) - 1);
  }
  return current;
}

double tier_charge_current_a(ImbalanceTier tier, const ChargeSettings& c, const ImbalanceSettings& s) noexcept {
  // Each tier allows at most what every milder tier allows, whatever the configuration says:
  // a worse imbalance must never raise the limit.
  const double balanced = c.nominal_charge_current;
  const double minor = std::min(balanced, s.minor_factor * c.nominal_charge_current);
  const double warning = std::min(minor, s.warning_factor * c.nominal_charge_current);
  const double alarm = std::min(warning, c.reduced_charge_current);
  switch (tier) {
    case ImbalanceTier::Balanced:
      return balanced;
    case ImbalanceTier::Minor:
      return minor;
    case ImbalanceTier::Warning:
      return warning;
    case ImbalanceTier::Alarm:
      return alarm;
  }
  return 0.0;
}

std::uint8_t tier_alarm_level(ImbalanceTier tier) noexcept {
  switch (tier) {
    case ImbalanceTier::Warning:
      return 1;
    case ImbalanceTier::Alarm:
      return 2;
    default:
      return 0;
  }
}

}  // namespace bms
