#include "core/imbalance_policy.hpp"

namespace bms {
namespace {
double threshold(ImbalanceTier t, const ImbalanceSettings& s) noexcept {
  switch (t) {
    case ImbalanceTier::Minor: return s.minor_threshold;
    case ImbalanceTier::Warning: return s.warning_threshold;
    case ImbalanceTier::Alarm: return s.alarm_threshold;
    default: return 0.0;
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
  switch (tier) {
    case ImbalanceTier::Balanced: return c.nominal_charge_current;
    case ImbalanceTier::Minor: return s.minor_factor * c.nominal_charge_current;
    case ImbalanceTier::Warning: return s.warning_factor * c.nominal_charge_current;
    case ImbalanceTier::Alarm: return c.reduced_charge_current;
  }
  return 0.0;
}

std::uint8_t tier_alarm_level(ImbalanceTier tier) noexcept {
  switch (tier) {
    case ImbalanceTier::Warning: return 1;
    case ImbalanceTier::Alarm: return 2;
    default: return 0;
  }
}

}  // namespace bms
