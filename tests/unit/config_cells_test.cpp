// [cells], [alarms] and the new [charge] keys: defaults, chemistry presets, overrides, errors.
#include <gtest/gtest.h>

#include "app/config_loader.hpp"

namespace bms {
namespace {

constexpr const char* kBattery = "[[battery]]\nname = \"A\"\ninterface = \"can0\"\n";

ConfigResult load(const std::string& text) { return load_config_text(text + kBattery, "t.toml"); }

TEST(ConfigCells, TapersAreOffWithoutTheSectionAndTheShareRuleIsOn) {
  const ConfigResult r = load("");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_FALSE(r.settings.cells.enabled);
  EXPECT_EQ(r.settings.charge.share_threshold_a, 10.0);
  EXPECT_EQ(r.settings.charge.blocked_battery, BlockedBattery::StopBank);
  EXPECT_EQ(r.settings.alarms.low_soc_warning_pct, 10.0);
  EXPECT_EQ(r.settings.alarms.low_soc_alarm_pct, 5.0);
  EXPECT_EQ(r.settings.alarms.low_soh_warning_pct, 70.0);
}

TEST(ConfigCells, ChemistryGivesTheDefaultsAndEachKeyOverridesOne) {
  const ConfigResult r = load("[cells]\nchemistry = \"nmc\"\ncell_max_v = 4.15\ncharge_min_temperature_c = 2\n");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  const CellSettings& c = r.settings.cells;
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.chemistry, Chemistry::Nmc);
  EXPECT_EQ(c.cell_taper_start_v, 4.05);  // nmc default
  EXPECT_EQ(c.cell_max_v, 4.15);          // overridden
  EXPECT_EQ(c.cell_min_v, 3.00);
  EXPECT_EQ(c.charge_min_temperature_c, 2.0);
  EXPECT_EQ(c.charge_max_temperature_c, 45.0);
}

TEST(ConfigCells, ChemistryIsRequiredInTheSection) {
  const ConfigResult r = load("[cells]\ncell_max_v = 3.6\n");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0], "t.toml:1: cells.chemistry: required in [cells] (\"lfp\", \"nmc\" or \"lto\")");
}

TEST(ConfigCells, UnknownChemistryAndUnknownKeysAreNamed) {
  EXPECT_EQ(load("[cells]\nchemistry = \"lead\"\n").errors.at(0),
            "t.toml:2: cells.chemistry: unknown value \"lead\" (expected one of: lfp, nmc, lto)");
  EXPECT_EQ(load("[cells]\nchemistry = \"lfp\"\ncell_max = 3.6\n").errors.at(0),
            "t.toml:3: cells.cell_max: unknown key");
}

TEST(ConfigCells, ThresholdsOutOfOrderAreAnError) {
  const ConfigResult r = load("[cells]\nchemistry = \"lfp\"\ncell_taper_start_v = 3.65\n");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0],
            "t.toml:1: cells.cell_max_v: must rise: cell_min_v < cell_discharge_taper_start_v < cell_taper_start_v < "
            "cell_max_v");
  EXPECT_FALSE(load("[cells]\nchemistry = \"lfp\"\ncharge_full_temperature_c = -1\n").ok());
  EXPECT_FALSE(load("[cells]\nchemistry = \"lfp\"\ndischarge_taper_temperature_c = 61\n").ok());
}

TEST(ConfigCells, OutOfRangeValuesAreNamed) {
  EXPECT_EQ(load("[cells]\nchemistry = \"lfp\"\ncell_voltage_hysteresis_v = 1.0\n").errors.at(0),
            "t.toml:3: cells.cell_voltage_hysteresis_v: out of range: 1 (allowed 0 .. 0.5)");
}

TEST(ConfigCells, BlockedBatteryAndShareThreshold) {
  const ConfigResult r = load("[charge]\nblocked_battery = \"exclude\"\nshare_threshold_a = 0\n");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.charge.blocked_battery, BlockedBattery::Exclude);
  EXPECT_EQ(r.settings.charge.share_threshold_a, 0.0);
  EXPECT_EQ(load("[charge]\nblocked_battery = \"ignore\"\n").errors.at(0),
            "t.toml:2: charge.blocked_battery: unknown value \"ignore\" (expected one of: stop_bank, exclude)");
}

TEST(ConfigAlarms, LowSocAlarmAboveTheWarningIsAnError) {
  const ConfigResult r = load("[alarms]\nlow_soc_warning_pct = 15\nlow_soc_alarm_pct = 20\n");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0],
            "t.toml:1: alarms.low_soc_alarm_pct: must not exceed low_soc_warning_pct (the alarm is the worse level)");
  EXPECT_EQ(load("[alarms]\nlow_soh = 5\n").errors.at(0), "t.toml:2: alarms.low_soh: unknown key");
}

TEST(ConfigCells, RenderedConfigLoadsBackToTheSameSettings) {
  const ConfigResult a = load(
      "[cells]\nchemistry = \"lto\"\ncell_min_v = 1.7\n[charge]\nblocked_battery = \"exclude\"\n"
      "[alarms]\nlow_soh_warning_pct = 60\n");
  ASSERT_TRUE(a.ok()) << a.errors.front();
  const ConfigResult b = load_config_text(render_config(a.settings), "rendered");
  ASSERT_TRUE(b.ok()) << b.errors.front();
  EXPECT_TRUE(b.settings.cells.enabled);
  EXPECT_EQ(b.settings.cells.chemistry, Chemistry::Lto);
  EXPECT_EQ(b.settings.cells.cell_min_v, 1.7);
  EXPECT_EQ(b.settings.charge.blocked_battery, BlockedBattery::Exclude);
  EXPECT_EQ(b.settings.alarms.low_soh_warning_pct, 60.0);
  EXPECT_EQ(render_config(b.settings), render_config(a.settings));
}

}  // namespace
}  // namespace bms
