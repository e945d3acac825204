#include "core/imbalance_policy.hpp"

#include <gtest/gtest.h>

namespace bms {
namespace {

using T = ImbalanceTier;

struct Step {
  T from;
  double soc_diff;
  T to;
};

class ImbalanceTierTable : public ::testing::TestWithParam<Step> {};

// Default thresholds 5 / 15 / 20 %, hysteresis 2 %: entering needs strictly above the
// threshold; leaving needs strictly below threshold - hysteresis.
TEST_P(ImbalanceTierTable, MovesExactlyAtTheBoundaries) {
  const Step s = GetParam();
  EXPECT_EQ(next_imbalance_tier(s.from, s.soc_diff, ImbalanceSettings{}), s.to)
      << "from " << to_string(s.from) << " at " << s.soc_diff << " %";
}

INSTANTIATE_TEST_SUITE_P(Defaults, ImbalanceTierTable,
                         ::testing::Values(Step{T::Balanced, 0.0, T::Balanced}, Step{T::Balanced, 5.0, T::Balanced},
                                           Step{T::Balanced, 5.01, T::Minor}, Step{T::Balanced, 15.0, T::Minor},
                                           Step{T::Balanced, 15.01, T::Warning}, Step{T::Balanced, 20.0, T::Warning},
                                           Step{T::Balanced, 20.01, T::Alarm}, Step{T::Minor, 4.0, T::Minor},
                                           Step{T::Minor, 3.0, T::Minor}, Step{T::Minor, 2.99, T::Balanced},
                                           Step{T::Warning, 14.0, T::Warning}, Step{T::Warning, 13.0, T::Warning},
                                           Step{T::Warning, 12.99, T::Minor}, Step{T::Warning, 2.0, T::Balanced},
                                           Step{T::Alarm, 19.0, T::Alarm}, Step{T::Alarm, 18.0, T::Alarm},
                                           Step{T::Alarm, 17.99, T::Warning}, Step{T::Alarm, 13.5, T::Warning},
                                           Step{T::Alarm, 12.0, T::Minor}, Step{T::Alarm, 0.0, T::Balanced},
                                           Step{T::Minor, 25.0, T::Alarm}));

TEST(ImbalancePolicy, TierChargeCurrentsFollowTheFactors) {
  const ChargeSettings c{};  // nominal 150, reduced 50
  const ImbalanceSettings s{};
  EXPECT_DOUBLE_EQ(tier_charge_current_a(T::Balanced, c, s), 150.0);
  EXPECT_DOUBLE_EQ(tier_charge_current_a(T::Minor, c, s), 127.5);
  EXPECT_DOUBLE_EQ(tier_charge_current_a(T::Warning, c, s), 99.0);
  EXPECT_DOUBLE_EQ(tier_charge_current_a(T::Alarm, c, s), 50.0);
}

TEST(ImbalancePolicy, AWorseTierNeverAllowsMoreThanAMilderOne) {
  ChargeSettings c{};
  c.nominal_charge_current = 150.0;
  c.reduced_charge_current = 150.0;  // a configuration that would raise the alarm tier
  ImbalanceSettings s{};
  s.minor_factor = 0.6;
  s.warning_factor = 0.8;
  EXPECT_DOUBLE_EQ(tier_charge_current_a(T::Minor, c, s), 90.0);
  EXPECT_DOUBLE_EQ(tier_charge_current_a(T::Warning, c, s), 90.0);
  EXPECT_DOUBLE_EQ(tier_charge_current_a(T::Alarm, c, s), 90.0);
}

TEST(ImbalancePolicy, AlarmLevelsAreWarningThenAlarm) {
  EXPECT_EQ(tier_alarm_level(T::Balanced), 0);
  EXPECT_EQ(tier_alarm_level(T::Minor), 0);
  EXPECT_EQ(tier_alarm_level(T::Warning), 1);
  EXPECT_EQ(tier_alarm_level(T::Alarm), 2);
}

}  // namespace
}  // namespace bms
