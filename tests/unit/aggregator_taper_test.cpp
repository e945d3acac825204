// The taper and share rules as terms of the aggregator's min(): each test feeds readings
// and checks the bank limit, the rule named as limiting, and the alarms.
#include <gtest/gtest.h>

#include "core/aggregator.hpp"
#include "test_readings.hpp"

namespace bms {
namespace {

using test::battery_set;
using test::frame;
using test::kSecond;

Settings bank(int n, bool cells = true) {
  Settings s;
  s.charge.nominal_charge_current = 300.0;
  s.charge.reduced_charge_current = 50.0;
  s.charge.max_charge_voltage = 57.0;
  s.charge.max_discharge_current = 250.0;
  s.charge.battery_low_voltage = 46.0;
  if (cells) s.cells = chemistry_defaults(Chemistry::Lfp);  // 2.80 / 3.00 ... 3.45 / 3.60 V
  for (int i = 0; i < n; ++i) {
    BatterySettings b;
    b.name = std::string(1, static_cast<char>('A' + i));
    b.interface = "can" + std::to_string(i);
    b.capacity_ah = 100;
    s.batteries.push_back(b);
  }
  return s;
}

void feed(Aggregator& a, const std::vector<Reading>& readings) {
  for (const auto& r : readings) a.apply(r);
}

/// Every battery healthy (CCL 100, DCL 100, CVL 56, 10 A each), battery `b` with these cells.
void cells(Aggregator& a, std::int64_t t, std::uint16_t b, double min_v, double max_v) {
  feed(a, frame(t, b, {{SignalId::MinCellVoltageV, min_v}, {SignalId::MaxCellVoltageV, max_v}}));
}

Aggregator healthy(const Settings& s, std::int64_t t = 0) {
  Aggregator a(s);
  for (std::uint16_t i = 0; i < s.batteries.size(); ++i) feed(a, battery_set(t, i, 60));
  return a;
}

TEST(CellTaper, OffWithoutACellsSection) {
  Aggregator a = healthy(bank(2, false));
  cells(a, 0, 0, 3.30, 3.58);
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 200.0);
  EXPECT_EQ(s.charge_limited_by, LimitReason::BatteryLimits);
  EXPECT_EQ(s.alarms.high_cell_voltage, 0);
}

TEST(CellTaper, OffWhileNoBatteryReportsCells) {
  Aggregator a = healthy(bank(2));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 200.0);
  EXPECT_DOUBLE_EQ(s.charge_voltage_limit_v, 56.0);
}

TEST(CellTaper, HighestCellOfAnyBatteryTapersTheBankChargeLimit) {
  Aggregator a = healthy(bank(2));
  cells(a, 0, 0, 3.30, 3.40);
  cells(a, 0, 1, 3.30, 3.50);  // 2/3 of the way from 3.45 down... to 3.60: factor 2/3
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_NEAR(s.charge_current_limit_a, 200.0 * 2.0 / 3.0, 1e-9);
  EXPECT_EQ(s.charge_limited_by, LimitReason::CellVoltage);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 200.0);  // the discharge side is untouched
}

TEST(CellTaper, ChargeStopsAtCellMaxWithAWarningAndAnAlarmBeyondTheHysteresis) {
  Aggregator a = healthy(bank(2));
  cells(a, 0, 0, 3.30, 3.60);
  Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_FALSE(s.charge_allowed);
  EXPECT_EQ(s.charge_limited_by, LimitReason::CellVoltage);
  EXPECT_EQ(s.alarms.high_cell_voltage, 1);
  cells(a, kSecond, 0, 3.30, 3.63);
  s = a.evaluate(2 * kSecond);
  EXPECT_EQ(s.alarms.high_cell_voltage, 2);
}

TEST(CellTaper, EasesOnlyWhenTheCellHasFallenByTheHysteresis) {
  Aggregator a = healthy(bank(2));
  cells(a, 0, 0, 3.30, 3.55);
  EXPECT_NEAR(a.evaluate(kSecond).charge_current_limit_a, 200.0 / 3.0, 1e-9);
  // The current drops, so does the cell's IR share: 20 mV lower is within the 30 mV hysteresis.
  cells(a, kSecond, 0, 3.30, 3.53);
  EXPECT_NEAR(a.evaluate(2 * kSecond).charge_current_limit_a, 200.0 / 3.0, 1e-9);
  // 50 mV lower: the held value follows to 3.50 + 0.03.
  cells(a, 2 * kSecond, 0, 3.30, 3.50);
  EXPECT_NEAR(a.evaluate(3 * kSecond).charge_current_limit_a, 200.0 * (3.60 - 3.53) / 0.15, 1e-9);
  // A rise tightens at once.
  cells(a, 3 * kSecond, 0, 3.30, 3.57);
  EXPECT_NEAR(a.evaluate(4 * kSecond).charge_current_limit_a, 200.0 * (3.60 - 3.57) / 0.15, 1e-9);
}

TEST(CellTaper, AStaleCellValueKeepsTheTaperWhereItWas) {
  Aggregator a = healthy(bank(1));
  cells(a, 0, 0, 3.30, 3.55);
  EXPECT_NEAR(a.evaluate(kSecond).charge_current_limit_a, 100.0 / 3.0, 1e-9);
  // The battery keeps sending its other frames but no cells: the taper holds.
  feed(a, battery_set(6 * kSecond, 0, 60));
  const Snapshot s = a.evaluate(7 * kSecond);
  EXPECT_FALSE(s.max_cell_voltage);
  EXPECT_NEAR(s.charge_current_limit_a, 100.0 / 3.0, 1e-9);
}

TEST(CellTaper, LowestCellTapersTheDischargeLimit) {
  Aggregator a = healthy(bank(2));
  cells(a, 0, 1, 2.90, 3.30);
  Snapshot s = a.evaluate(kSecond);
  EXPECT_NEAR(s.discharge_current_limit_a, 100.0, 1e-9);  // 200 x 0.5
  EXPECT_EQ(s.discharge_limited_by, LimitReason::CellVoltage);
  EXPECT_EQ(s.alarms.low_cell_voltage, 0);
  cells(a, kSecond, 1, 2.80, 3.30);
  s = a.evaluate(2 * kSecond);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
  EXPECT_FALSE(s.discharge_allowed);
  EXPECT_EQ(s.alarms.low_cell_voltage, 1);
  cells(a, 2 * kSecond, 1, 2.76, 3.30);
  EXPECT_EQ(a.evaluate(3 * kSecond).alarms.low_cell_voltage, 2);
}

TEST(CellVoltageCap, HighestCellCapsTheChargeVoltageAtBankVoltagePlusItsHeadroom) {
  Aggregator a = healthy(bank(2));  // every battery at 52.0 V
  cells(a, 0, 0, 3.30, 3.50);
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_NEAR(s.charge_voltage_limit_v, 52.0 + 0.10, 1e-9);
  EXPECT_EQ(s.charge_voltage_limited_by, LimitReason::CellVoltage);
}

TEST(CellVoltageCap, RisesNoFasterThanTheRate) {
  Aggregator a = healthy(bank(1));
  cells(a, 0, 0, 3.30, 3.58);
  EXPECT_NEAR(a.evaluate(kSecond).charge_voltage_limit_v, 52.02, 1e-9);
  cells(a, kSecond, 0, 3.30, 3.46);  // headroom 0.14 V, but 0.01 V/s
  EXPECT_NEAR(a.evaluate(3 * kSecond).charge_voltage_limit_v, 52.04, 1e-9);
}

Aggregator cold_bank(double coldest_cell_c) {
  Settings st = bank(2);
  Aggregator a = healthy(st);
  feed(a, frame(0, 1, {{SignalId::MinCellTemperatureC, coldest_cell_c}, {SignalId::MaxCellTemperatureC, 26.0}}));
  return a;
}

TEST(TemperatureTaper, AColdPackStopsTheBankCharging) {
  Aggregator a = cold_bank(0.0);
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_EQ(s.charge_limited_by, LimitReason::Temperature);
  EXPECT_EQ(s.alarms.low_charge_temperature, 1);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 200.0);  // discharging at 0 degC is fine
  ASSERT_TRUE(s.charge_safety_temperature_c);
  EXPECT_DOUBLE_EQ(*s.charge_safety_temperature_c, 0.0);  // what /Dc/0/Temperature shows
  EXPECT_DOUBLE_EQ(*s.temperature_c, 25.0);               // the warmest battery is still known
}

TEST(TemperatureTaper, ACoolPackTapersAndWarmingEasesOnlyPastTheHysteresis) {
  Aggregator a = cold_bank(2.5);
  EXPECT_NEAR(a.evaluate(kSecond).charge_current_limit_a, 100.0, 1e-9);  // 200 x 0.5
  feed(a, frame(kSecond, 1, {{SignalId::MinCellTemperatureC, 4.0}}));    // 1.5 degC warmer: held
  EXPECT_NEAR(a.evaluate(2 * kSecond).charge_current_limit_a, 100.0, 1e-9);
  feed(a, frame(2 * kSecond, 1, {{SignalId::MinCellTemperatureC, 6.0}}));  // held at 4.0
  EXPECT_NEAR(a.evaluate(3 * kSecond).charge_current_limit_a, 160.0, 1e-9);
}

TEST(TemperatureTaper, AHotPackTapersChargeAndDischargeWithTheirOwnLimits) {
  Aggregator a = healthy(bank(2));
  feed(a, frame(0, 0, {{SignalId::TemperatureC, 50.0}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_NEAR(s.charge_current_limit_a, 100.0, 1e-9);    // 45 .. 55: half
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 200.0);  // 50 .. 60: full at 50
  EXPECT_EQ(s.charge_limited_by, LimitReason::Temperature);
}

void currents(Aggregator& a, std::int64_t t, std::initializer_list<double> amps) {
  std::uint16_t i = 0;
  for (double c : amps) feed(a, frame(t, i++, {{SignalId::CurrentA, c}}));
}

TEST(CurrentShare, AnUnevenShareCapsTheBankSoNoPackPassesItsLimit) {
  Settings st = bank(3, false);
  Aggregator a = healthy(st);
  currents(a, 0, {60, 30, 30});  // pack A takes half of 120 A
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_NEAR(s.charge_current_limit_a, 100.0 * 120.0 / 60.0, 1e-9);  // 200, not 3 x 100
  EXPECT_EQ(s.charge_limited_by, LimitReason::CurrentShare);
}

TEST(CurrentShare, DischargeIsCappedTheSameWay) {
  Aggregator a = healthy(bank(2, false));
  currents(a, 0, {-75, -25});
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_NEAR(s.discharge_current_limit_a, 100.0 * 100.0 / 75.0, 1e-9);
  EXPECT_EQ(s.discharge_limited_by, LimitReason::CurrentShare);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 200.0);  // not charging: no share rule on charge
}

TEST(CurrentShare, NeverRaisesAboveNTimesMin) {
  Aggregator a = healthy(bank(2, false));
  currents(a, 0, {50, 50});
  EXPECT_DOUBLE_EQ(a.evaluate(kSecond).charge_current_limit_a, 200.0);
  EXPECT_EQ(a.evaluate(kSecond).charge_limited_by, LimitReason::BatteryLimits);
}

TEST(CurrentShare, OffBelowTheThresholdAndWhenOneCurrentIsUnknown) {
  Settings st = bank(2, false);
  Aggregator a = healthy(st);
  currents(a, 0, {8, 1});  // 9 A: below the 10 A threshold
  EXPECT_DOUBLE_EQ(a.evaluate(kSecond).charge_current_limit_a, 200.0);
  st.charge.share_threshold_a = 0.0;  // rule off
  Aggregator off = healthy(st);
  currents(off, 0, {90, 10});
  EXPECT_DOUBLE_EQ(off.evaluate(kSecond).charge_current_limit_a, 200.0);
}

TEST(BlockedBattery, StopBankIsTheDefault) {
  Aggregator a = healthy(bank(3, false));
  feed(a, frame(0, 2, {{SignalId::ChargeEnable, 0}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_EQ(s.charge_limited_by, LimitReason::Blocked);
}

TEST(BlockedBattery, ExcludeLeavesTheBlockingPackOutOfNAndMin) {
  Settings st = bank(3, false);
  st.charge.blocked_battery = BlockedBattery::Exclude;
  Aggregator a(st);
  feed(a, battery_set(0, 0, 60, 80));
  feed(a, battery_set(0, 1, 60, 90));
  feed(a, battery_set(0, 2, 60, 0));  // CCL 0: blocks
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 160.0);  // 2 x 80, not 0 and not 3 x 0
  EXPECT_EQ(s.blocking_charge, 1);
  EXPECT_TRUE(s.batteries[2].excluded_from_charge);
  EXPECT_FALSE(s.batteries[0].excluded_from_charge);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 250.0);  // discharge: all three count (3 x 100 capped)
}

TEST(BlockedBattery, ExcludeStillStopsTheBankWhenEveryPackBlocks) {
  Settings st = bank(2, false);
  st.charge.blocked_battery = BlockedBattery::Exclude;
  Aggregator a(st);
  feed(a, battery_set(0, 0, 60, 0, 0));
  feed(a, battery_set(0, 1, 60, 0, 0));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
  EXPECT_EQ(s.charge_limited_by, LimitReason::Blocked);
}

TEST(OwnAlarms, LowSocHasAWarningAndAnAlarmLevel) {
  const struct {
    double soc;
    int level;
  } cases[] = {{50, 0}, {10.5, 0}, {10, 1}, {6, 1}, {5, 2}, {0, 2}};
  for (const auto& c : cases) {
    Settings st = bank(1, false);
    Aggregator a(st);
    feed(a, battery_set(0, 0, c.soc));
    EXPECT_EQ(a.evaluate(kSecond).alarms.low_soc, c.level) << c.soc;
  }
}

TEST(OwnAlarms, StateOfHealthBelowTheThreshold) {
  Aggregator a = healthy(bank(1, false));
  EXPECT_EQ(a.evaluate(kSecond).alarms.state_of_health, 0);  // SOH 99
  feed(a, frame(kSecond, 0, {{SignalId::SohPct, 69}}));
  EXPECT_EQ(a.evaluate(2 * kSecond).alarms.state_of_health, 1);
}

TEST(OwnAlarms, ChargeTemperatureFlagsOfABmsReachTheirOwnAlarms) {
  Aggregator a = healthy(bank(1, false));
  feed(a, frame(0, 0, {{SignalId::ProtectionLowChargeTemperature, 1}, {SignalId::AlarmHighChargeTemperature, 1}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.alarms.low_charge_temperature, 2);
  EXPECT_EQ(s.alarms.high_charge_temperature, 1);
}

TEST(OwnAlarms, CanopenDeviceTemperatureEmcyIsAHighInternalTemperature) {
  Aggregator a = healthy(bank(1, false));
  feed(a, frame(0, 0, {{SignalId::EmcyCode, 0x4210}}));
  EXPECT_EQ(a.evaluate(kSecond).alarms.high_internal_temperature, 2);
  feed(a, frame(kSecond, 0, {{SignalId::EmcyCode, 0x4110}}));  // ambient: not internal
  EXPECT_EQ(a.evaluate(2 * kSecond).alarms.high_internal_temperature, 0);
}

TEST(Invariants, WithTapersOnTheBankNeverExceedsNTimesMinAndCvlNeverExceedsMinCvl) {
  // A sweep of cell voltages, temperatures and currents: whatever the tapers do, the old
  // invariants hold.
  for (double high = 3.30; high <= 3.70; high += 0.02) {
    for (double cold : {-5.0, 2.0, 10.0}) {
      for (double share : {10.0, 40.0, 70.0}) {
        Aggregator a(bank(2));
        feed(a, battery_set(0, 0, 60, 80, 90, 55.5));
        feed(a, battery_set(0, 1, 60, 60, 70, 56.5));
        cells(a, 0, 0, 3.2, high);
        feed(a, frame(0, 1, {{SignalId::MinCellTemperatureC, cold}}));
        currents(a, 0, {share, 80 - share});
        const Snapshot s = a.evaluate(kSecond);
        EXPECT_LE(s.charge_current_limit_a, 2 * 60.0 + 1e-9);
        EXPECT_LE(s.discharge_current_limit_a, 2 * 70.0 + 1e-9);
        EXPECT_LE(s.charge_voltage_limit_v, 55.5 + 1e-9);
        if (high >= 3.60 || cold <= 0.0) {
          EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
        }
      }
    }
  }
  // Failsafe and blocking still give zero with the tapers on.
  Aggregator empty(bank(2));
  EXPECT_DOUBLE_EQ(empty.evaluate(kSecond).charge_current_limit_a, 0.0);
  EXPECT_EQ(empty.evaluate(kSecond).charge_limited_by, LimitReason::Failsafe);
}

}  // namespace
}  // namespace bms
