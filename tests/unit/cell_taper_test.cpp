#include "core/cell_taper.hpp"

#include <gtest/gtest.h>

namespace bms {
namespace {

CellSettings lfp() { return chemistry_defaults(Chemistry::Lfp); }

TEST(ChemistryDefaults, EachChemistryHasOrderedThresholds) {
  for (Chemistry c : {Chemistry::Lfp, Chemistry::Nmc, Chemistry::Lto}) {
    const CellSettings s = chemistry_defaults(c);
    EXPECT_TRUE(s.enabled);
    EXPECT_LT(s.cell_min_v, s.cell_discharge_taper_start_v) << to_string(c);
    EXPECT_LT(s.cell_discharge_taper_start_v, s.cell_taper_start_v) << to_string(c);
    EXPECT_LT(s.cell_taper_start_v, s.cell_max_v) << to_string(c);
    EXPECT_LT(s.charge_min_temperature_c, s.charge_full_temperature_c) << to_string(c);
    EXPECT_LT(s.charge_taper_temperature_c, s.charge_max_temperature_c) << to_string(c);
  }
  EXPECT_DOUBLE_EQ(chemistry_defaults(Chemistry::Lfp).cell_max_v, 3.60);
  EXPECT_DOUBLE_EQ(chemistry_defaults(Chemistry::Nmc).cell_max_v, 4.20);
  EXPECT_DOUBLE_EQ(chemistry_defaults(Chemistry::Lto).cell_max_v, 2.80);
  EXPECT_DOUBLE_EQ(chemistry_defaults(Chemistry::Lto).charge_min_temperature_c, -30.0);
}

TEST(CellChargeFactor, FullUpToTheTaperStartZeroAtCellMax) {
  const CellSettings s = lfp();  // 3.45 .. 3.60
  const struct {
    double v, f;
  } cases[] = {{3.30, 1.0}, {3.45, 1.0}, {3.50, 2.0 / 3.0}, {3.55, 1.0 / 3.0}, {3.60, 0.0}, {3.70, 0.0}};
  for (const auto& c : cases) EXPECT_NEAR(cell_charge_factor(c.v, s), c.f, 1e-9) << c.v;
  // Just below cell_max_v a little current is still allowed; zero only at the limit.
  EXPECT_GT(cell_charge_factor(3.599, s), 0.0);
}

TEST(CellDischargeFactor, FullDownToTheTaperStartZeroAtCellMin) {
  const CellSettings s = lfp();  // 3.00 .. 2.80
  EXPECT_DOUBLE_EQ(cell_discharge_factor(3.20, s), 1.0);
  EXPECT_DOUBLE_EQ(cell_discharge_factor(3.00, s), 1.0);
  EXPECT_NEAR(cell_discharge_factor(2.90, s), 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(cell_discharge_factor(2.80, s), 0.0);
  EXPECT_DOUBLE_EQ(cell_discharge_factor(2.50, s), 0.0);
}

TEST(CellVoltageCap, NotEngagedBelowTheTaperStart) {
  EXPECT_FALSE(next_cell_voltage_cap(std::nullopt, 3.44, 53.0, 56.0, 1.0, lfp()));
  EXPECT_FALSE(next_cell_voltage_cap(std::nullopt, std::nullopt, 53.0, 56.0, 1.0, lfp()));
  EXPECT_FALSE(next_cell_voltage_cap(std::nullopt, 3.50, std::nullopt, 56.0, 1.0, lfp()));
}

TEST(CellVoltageCap, EngagesAtTheTaperStartWithBankVoltagePlusTheCellsHeadroom) {
  // 53.00 V bank, highest cell 3.45: the charger may add at most 0.15 V.
  const auto cap = next_cell_voltage_cap(std::nullopt, 3.45, 53.0, 56.0, 1.0, lfp());
  ASSERT_TRUE(cap);
  EXPECT_NEAR(*cap, 53.15, 1e-9);
}

TEST(CellVoltageCap, NotEngagedWhenItWouldNotLowerTheConfiguredLimit) {
  EXPECT_FALSE(next_cell_voltage_cap(std::nullopt, 3.50, 55.95, 56.0, 1.0, lfp()));
}

TEST(CellVoltageCap, FallsAtOnceAndRisesAtTheConfiguredRate) {
  const CellSettings s = lfp();  // 0.01 V/s
  // Cell over the limit: the target is below the bank voltage, applied at once.
  auto cap = next_cell_voltage_cap(53.15, 3.65, 53.20, 56.0, 1.0, s);
  ASSERT_TRUE(cap);
  EXPECT_NEAR(*cap, 53.15, 1e-9);  // 53.20 - 0.05
  cap = next_cell_voltage_cap(53.15, 3.70, 53.20, 56.0, 1.0, s);
  EXPECT_NEAR(*cap, 53.10, 1e-9);
  // The cell relaxes: the target (53.30) is approached at 0.01 V/s.
  cap = next_cell_voltage_cap(53.10, 3.50, 53.20, 56.0, 2.0, s);
  EXPECT_NEAR(*cap, 53.12, 1e-9);
  cap = next_cell_voltage_cap(53.12, 3.50, 53.20, 56.0, 100.0, s);
  EXPECT_NEAR(*cap, 53.30, 1e-9);  // reached, not passed
}

TEST(CellVoltageCap, HoldsWhileTheCellsOrTheVoltageAreUnknown) {
  EXPECT_EQ(next_cell_voltage_cap(53.1, std::nullopt, 53.2, 56.0, 60.0, lfp()), 53.1);
  EXPECT_EQ(next_cell_voltage_cap(53.1, 3.50, std::nullopt, 56.0, 60.0, lfp()), 53.1);
}

TEST(CellVoltageCap, ReleasesOnlyBelowTheStartMinusTheHysteresisAndThenRisesAtTheRate) {
  const CellSettings s = lfp();  // start 3.45, hysteresis 0.03
  // 3.43 is below the start but within the hysteresis: still engaged, target = V + 0.17.
  auto cap = next_cell_voltage_cap(53.0, 3.43, 52.9, 56.0, 1.0, s);
  ASSERT_TRUE(cap);
  EXPECT_NEAR(*cap, 53.01, 1e-9);  // min(53.07, 53.0 + 0.01)
  // 3.41: released, the cap rises at the rate ...
  cap = next_cell_voltage_cap(53.0, 3.41, 52.9, 56.0, 10.0, s);
  ASSERT_TRUE(cap);
  EXPECT_NEAR(*cap, 53.10, 1e-9);
  // ... and ends where it reaches the configured limit.
  EXPECT_FALSE(next_cell_voltage_cap(55.95, 3.41, 52.9, 56.0, 10.0, s));
}

TEST(CellVoltageCap, DoesNotOscillateWhenTheChargerFollowsIt) {
  // A charger in constant voltage at the cap; the highest cell sits 2 mV either side of
  // cell_max_v with noise. The cap may only creep up by the rate and falls by at most the
  // cell's excess: over 10 minutes it stays within 0.05 V and never jumps.
  const CellSettings s = lfp();
  std::optional<double> cap = 53.3;
  double lo = *cap, hi = *cap, prev = *cap;
  for (int t = 0; t < 600; ++t) {
    const double cell = s.cell_max_v + ((t % 2) ? 0.002 : -0.002);
    cap = next_cell_voltage_cap(cap, cell, *cap, 56.0, 1.0, s);
    ASSERT_TRUE(cap);
    EXPECT_LE(std::abs(*cap - prev), 0.0021) << t;
    prev = *cap;
    lo = std::min(lo, *cap);
    hi = std::max(hi, *cap);
  }
  EXPECT_LT(hi - lo, 0.05);
}

}  // namespace
}  // namespace bms
