#include "core/temperature_taper.hpp"

#include <gtest/gtest.h>

namespace bms {
namespace {

TEST(TemperatureChargeFactor, ColdestAndWarmestEdges) {
  const CellSettings s = chemistry_defaults(Chemistry::Lfp);  // charge 0 / 5 ... 45 / 55
  const struct {
    double coldest, warmest, f;
  } cases[] = {
      {20, 25, 1.0},   // comfortable
      {5, 25, 1.0},    // at charge_full_temperature_c: full
      {2.5, 25, 0.5},  // half way up from the minimum
      {0, 25, 0.0},    // at charge_min_temperature_c: no charging
      {-5, 25, 0.0},   // below
      {20, 45, 1.0},   // at charge_taper_temperature_c: full
      {20, 50, 0.5},   // half way to the maximum
      {20, 55, 0.0},   // at charge_max_temperature_c: none
      {2.5, 50, 0.5},  // both: the smaller
      {1, 50, 0.2},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(temperature_charge_factor(c.coldest, c.warmest, s), c.f, 1e-9) << c.coldest << " " << c.warmest;
  }
}

TEST(TemperatureDischargeFactor, HasItsOwnLimits) {
  const CellSettings s = chemistry_defaults(Chemistry::Lfp);       // discharge -20 / -10 ... 50 / 60
  EXPECT_DOUBLE_EQ(temperature_discharge_factor(-5, 25, s), 1.0);  // too cold to charge, fine to discharge
  EXPECT_DOUBLE_EQ(temperature_discharge_factor(-10, 25, s), 1.0);
  EXPECT_NEAR(temperature_discharge_factor(-15, 25, s), 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(temperature_discharge_factor(-20, 25, s), 0.0);
  EXPECT_NEAR(temperature_discharge_factor(20, 55, s), 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(temperature_discharge_factor(20, 60, s), 0.0);
}

TEST(TemperatureChargeFactor, LtoChargesBelowFreezing) {
  const CellSettings s = chemistry_defaults(Chemistry::Lto);
  EXPECT_DOUBLE_EQ(temperature_charge_factor(-10, 0, s), 1.0);
  EXPECT_DOUBLE_EQ(temperature_charge_factor(-30, 0, s), 0.0);
}

}  // namespace
}  // namespace bms
