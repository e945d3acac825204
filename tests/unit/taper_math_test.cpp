#include "core/taper_math.hpp"

#include <gtest/gtest.h>

namespace bms {
namespace {

struct LineCase {
  double x, full_at, zero_at, expected;
};

TEST(LinearTaper, RisingValueFallsFromFullToZeroAtItsEdges) {
  const LineCase cases[] = {
      {3.30, 3.45, 3.60, 1.0},   // below the start: full
      {3.45, 3.45, 3.60, 1.0},   // at the start: still full
      {3.525, 3.45, 3.60, 0.5},  // half way
      {3.60, 3.45, 3.60, 0.0},   // at the end: zero
      {3.75, 3.45, 3.60, 0.0},   // beyond: zero, never negative
  };
  for (const auto& c : cases) EXPECT_NEAR(linear_taper(c.x, c.full_at, c.zero_at), c.expected, 1e-12) << c.x;
}

TEST(LinearTaper, FallingValueFallsFromFullToZeroAtItsEdges) {
  const LineCase cases[] = {
      {10.0, 5.0, 0.0, 1.0}, {5.0, 5.0, 0.0, 1.0}, {2.5, 5.0, 0.0, 0.5}, {0.0, 5.0, 0.0, 0.0}, {-5.0, 5.0, 0.0, 0.0},
  };
  for (const auto& c : cases) EXPECT_NEAR(linear_taper(c.x, c.full_at, c.zero_at), c.expected, 1e-12) << c.x;
}

TEST(LinearTaper, AnEmptyRangeIsTheSafeSide) { EXPECT_EQ(linear_taper(3.0, 3.5, 3.5), 0.0); }

TEST(HoldRise, FollowsARiseAtOnceAndAFallOnlyBeyondTheHysteresis) {
  EXPECT_DOUBLE_EQ(hold_rise(3.50, 3.55, 0.03), 3.55);    // rise: at once
  EXPECT_DOUBLE_EQ(hold_rise(3.50, 3.48, 0.03), 3.50);    // fell 20 mV: held
  EXPECT_DOUBLE_EQ(hold_rise(3.50, 3.47, 0.03), 3.50);    // fell exactly 30 mV: held
  EXPECT_NEAR(hold_rise(3.50, 3.40, 0.03), 3.43, 1e-12);  // fell 100 mV: follows, 30 mV above
}

TEST(HoldFall, FollowsAFallAtOnceAndARiseOnlyBeyondTheHysteresis) {
  EXPECT_DOUBLE_EQ(hold_fall(2.0, 1.0, 2.0), 1.0);  // colder: at once
  EXPECT_DOUBLE_EQ(hold_fall(2.0, 3.5, 2.0), 2.0);  // 1.5 degC warmer: held
  EXPECT_DOUBLE_EQ(hold_fall(2.0, 5.0, 2.0), 3.0);  // 3 degC warmer: follows, 2 below
}

}  // namespace
}  // namespace bms
