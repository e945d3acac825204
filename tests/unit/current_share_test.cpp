#include "core/current_share.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace bms {
namespace {

TEST(CurrentShare, FieldCaseTheWeakPackSetsTheBankLimit) {
  // Two packs limited to 7.2 A each: N x min allows 14.4 A, but pack 0 takes 10 of 14.4 A.
  const std::vector<PackShare> packs{{7.2, 10.0}, {7.2, 4.4}};
  const auto cap = share_limited_current_a(packs, 14.4, 1.0);
  ASSERT_TRUE(cap);
  EXPECT_NEAR(*cap, 7.2 * 14.4 / 10.0, 1e-9);  // 10.368 A: pack 0 then takes exactly 7.2 A
}

TEST(CurrentShare, EvenSharingGivesNTimesTheLimit) {
  const std::vector<PackShare> packs{{50, 20}, {50, 20}, {50, 20}};
  EXPECT_NEAR(*share_limited_current_a(packs, 60, 10), 150.0, 1e-9);
}

TEST(CurrentShare, DifferentLimitsTheTightestPackWins) {
  // Pack 1 has the smaller limit but takes little; pack 0 is the one near its limit.
  const std::vector<PackShare> packs{{100, 60}, {40, 10}};
  EXPECT_NEAR(*share_limited_current_a(packs, 70, 10), 100 * 70 / 60.0, 1e-9);
}

TEST(CurrentShare, OffAtOrBelowTheThreshold) {
  const std::vector<PackShare> packs{{7.2, 10.0}, {7.2, 0.0}};
  EXPECT_FALSE(share_limited_current_a(packs, 10.0, 10.0));  // at: off
  EXPECT_TRUE(share_limited_current_a(packs, 10.01, 10.0));
  EXPECT_FALSE(share_limited_current_a(packs, -30.0, 10.0));  // the other direction
}

TEST(CurrentShare, ThresholdZeroTurnsTheRuleOff) {
  const std::vector<PackShare> packs{{7.2, 10.0}, {7.2, 4.4}};
  EXPECT_FALSE(share_limited_current_a(packs, 14.4, 0.0));
}

TEST(CurrentShare, AnUnknownCurrentLeavesTheRuleOut) {
  const std::vector<PackShare> packs{{7.2, 10.0}, {7.2, std::nullopt}};
  EXPECT_FALSE(share_limited_current_a(packs, 14.4, 1.0));
}

TEST(CurrentShare, PacksTakingNothingOrWithoutALimitSetNoCap) {
  const std::vector<PackShare> packs{{50, 30}, {50, -2}, {std::nullopt, 5}};
  EXPECT_NEAR(*share_limited_current_a(packs, 33, 10), 50 * 33 / 30.0, 1e-9);
  const std::vector<PackShare> none{{std::nullopt, 30}, {50, 0}};
  EXPECT_FALSE(share_limited_current_a(none, 30, 10));
}

TEST(ShareFactor, IsTheCapAsAFractionOfNTimesMinAtMostOne) {
  EXPECT_EQ(next_share_factor(std::nullopt, 75.0, 150.0), 0.5);
  EXPECT_EQ(next_share_factor(std::nullopt, 300.0, 150.0), 1.0);       // never above N x min
  EXPECT_FALSE(next_share_factor(std::nullopt, std::nullopt, 150.0));  // rule off
  EXPECT_FALSE(next_share_factor(0.5, 75.0, 0.0));                     // no limits to share
}

TEST(ShareFactor, FallsAtOnceRisesOnlyPastFivePercent) {
  EXPECT_EQ(next_share_factor(0.60, 54.0, 100.0), 0.54);             // lower: at once
  EXPECT_EQ(next_share_factor(0.60, 62.0, 100.0), 0.60);             // 3 % higher: held
  EXPECT_NEAR(*next_share_factor(0.60, 70.0, 100.0), 0.665, 1e-12);  // 17 % higher: 5 % below it
  EXPECT_FALSE(next_share_factor(0.60, std::nullopt, 100.0));        // rule off: cleared
}

}  // namespace
}  // namespace bms
