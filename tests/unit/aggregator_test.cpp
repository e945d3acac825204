#include "core/aggregator.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "core/output_schedule.hpp"
#include "core/pack_source.hpp"
#include "test_readings.hpp"

namespace bms {
namespace {

using test::battery_set;
using test::frame;
using test::kSecond;

Settings bank(std::initializer_list<double> capacities) {
  Settings s;
  s.charge.nominal_charge_current = 300.0;
  s.charge.reduced_charge_current = 50.0;
  s.charge.max_charge_voltage = 57.0;
  s.charge.max_discharge_current = 250.0;
  s.charge.battery_low_voltage = 46.0;
  char name = 'A';
  int i = 0;
  for (double c : capacities) {
    BatterySettings b;
    b.name = std::string(1, name++);
    b.interface = "can" + std::to_string(i++);
    b.capacity_ah = c;
    b.stale_after_ms = 5000;
    s.batteries.push_back(b);
  }
  return s;
}

void feed(Aggregator& a, const std::vector<Reading>& readings) {
  for (const auto& r : readings) a.apply(r);
}

TEST(Aggregator, SocIsCapacityWeighted) {
  Aggregator a(bank({100, 300}));
  feed(a, battery_set(0, 0, 80));
  feed(a, battery_set(0, 1, 40));
  const Snapshot s = a.evaluate(kSecond);
  ASSERT_TRUE(s.soc_pct);
  EXPECT_DOUBLE_EQ(*s.soc_pct, 50.0);  // (80*100 + 40*300) / 400
  EXPECT_DOUBLE_EQ(*s.soc_diff_pct, 40.0);
  EXPECT_DOUBLE_EQ(*s.capacity_ah, 200.0);  // 80 + 120 Ah remaining
  EXPECT_DOUBLE_EQ(s.installed_capacity_ah, 400.0);
}

TEST(Aggregator, SocIsAPlainMeanWhenACapacityIsUnknown) {
  Aggregator a(bank({100, 0}));
  feed(a, battery_set(0, 0, 80));
  feed(a, battery_set(0, 1, 40));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(*s.soc_pct, 60.0);
  EXPECT_FALSE(s.capacity_ah);
}

TEST(Aggregator, VoltageIsMeanCurrentAndPowerAreSums) {
  Aggregator a(bank({100, 100}));
  feed(a, frame(0, 0, {{SignalId::VoltageV, 52.0}, {SignalId::CurrentA, 10.0}, {SignalId::TemperatureC, 20}}));
  feed(a, frame(0, 1, {{SignalId::VoltageV, 53.0}, {SignalId::CurrentA, -4.0}, {SignalId::TemperatureC, 31}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(*s.voltage_v, 52.5);
  EXPECT_DOUBLE_EQ(*s.current_a, 6.0);
  EXPECT_DOUBLE_EQ(*s.power_w, 52.0 * 10.0 - 53.0 * 4.0);
  EXPECT_DOUBLE_EQ(*s.temperature_c, 31.0);
  EXPECT_DOUBLE_EQ(*s.min_temperature_c, 20.0);
}

TEST(Aggregator, ChargeLimitIsOnlineCountTimesTheSmallestLimit) {
  Aggregator a(bank({100, 100, 100}));
  feed(a, battery_set(0, 0, 50, 80, 120, 56.5));
  feed(a, battery_set(0, 1, 50, 60, 90, 55.9));
  feed(a, battery_set(0, 2, 50, 70, 100, 56.0));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 180.0);     // 3 x 60, under nominal 300
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 250.0);  // 3 x 90 = 270, capped at 250
  EXPECT_DOUBLE_EQ(s.charge_voltage_limit_v, 55.9);      // min(57, min CVL)
  EXPECT_DOUBLE_EQ(s.discharge_voltage_limit_v, 46.0);
  EXPECT_TRUE(s.charge_allowed);
  EXPECT_TRUE(s.discharge_allowed);
}

TEST(Aggregator, ConfiguredChargeVoltageCapsTheBank) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 50, 80, 120, 58.4));
  EXPECT_DOUBLE_EQ(a.evaluate(kSecond).charge_voltage_limit_v, 57.0);
}

TEST(Aggregator, ABatteryThatBlocksChargingBlocksTheBank) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, battery_set(0, 1, 50));
  feed(a, frame(0, 1, {{SignalId::ChargeEnable, 0}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_FALSE(s.charge_allowed);
  EXPECT_EQ(s.blocking_charge, 1);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 200.0);
  EXPECT_EQ(s.blocking_discharge, 0);
}

TEST(Aggregator, AZeroDischargeLimitBlocksDischarging) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, battery_set(0, 1, 50, 100, 0));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
  EXPECT_FALSE(s.discharge_allowed);
  EXPECT_EQ(s.blocking_discharge, 1);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 200.0);
}

TEST(Aggregator, AnOnlineBatteryWithoutLimitsBlocksBothDirections) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, frame(0, 1, {{SignalId::SocPct, 50}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.batteries_online, 2);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
}

TEST(Aggregator, StaleBatteryIsExcludedCountedAndRaisesTheCableAlarm) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 80));
  feed(a, battery_set(0, 1, 60));
  feed(a, battery_set(4 * kSecond, 0, 80));
  // Battery 1 last spoke at 0; its stale timeout is 5 s.
  const Snapshot fresh = a.evaluate(5 * kSecond);
  EXPECT_EQ(fresh.batteries_online, 2);
  const Snapshot s = a.evaluate(5 * kSecond + 1);
  EXPECT_EQ(s.batteries_online, 1);
  EXPECT_EQ(s.batteries_offline, 1);
  EXPECT_DOUBLE_EQ(*s.soc_pct, 80.0);  // not 70: the stale battery's value is not used
  EXPECT_DOUBLE_EQ(*s.soc_diff_pct, 0.0);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 100.0);  // 1 x 100
  EXPECT_EQ(s.alarms.bms_cable, 1);
  EXPECT_FALSE(s.batteries[1].online);
  EXPECT_FALSE(s.batteries[1].soc_pct);
}

TEST(Aggregator, BatteryComingBackIsCountedAgain) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 80));
  feed(a, battery_set(0, 1, 60));
  feed(a, battery_set(10 * kSecond, 0, 80));
  EXPECT_EQ(a.evaluate(10 * kSecond).batteries_online, 1);
  feed(a, battery_set(11 * kSecond, 1, 62));
  const Snapshot s = a.evaluate(11 * kSecond);
  EXPECT_EQ(s.batteries_online, 2);
  EXPECT_EQ(s.alarms.bms_cable, 0);
  EXPECT_DOUBLE_EQ(*s.soc_pct, 71.0);
}

TEST(Aggregator, NothingFreshIsFailSafe) {
  Settings cfg = bank({100, 100});
  cfg.charge.failsafe_discharge_current = 20.0;
  Aggregator a(cfg);
  const Snapshot before = a.evaluate(0);
  EXPECT_TRUE(before.failsafe);
  EXPECT_DOUBLE_EQ(before.charge_current_limit_a, 0.0);
  feed(a, battery_set(0, 0, 80));
  feed(a, battery_set(0, 1, 60));
  EXPECT_FALSE(a.evaluate(kSecond).failsafe);
  const Snapshot s = a.evaluate(6 * kSecond);
  EXPECT_TRUE(s.failsafe);
  EXPECT_EQ(s.batteries_online, 0);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_FALSE(s.charge_allowed);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 20.0);
  EXPECT_FALSE(s.soc_pct);
  EXPECT_FALSE(s.voltage_v);
  EXPECT_EQ(s.alarms.bms_cable, 2);
}

TEST(Aggregator, ImbalanceTiersLimitChargeAndRaiseTheImbalanceAlarm) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50, 200));
  feed(a, battery_set(0, 1, 44, 200));
  Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.tier, ImbalanceTier::Minor);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 255.0);  // 0.85 x 300
  feed(a, battery_set(2 * kSecond, 1, 34, 200));
  s = a.evaluate(2 * kSecond);
  EXPECT_EQ(s.tier, ImbalanceTier::Warning);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 198.0);  // 0.66 x 300
  EXPECT_EQ(s.alarms.cell_imbalance, 1);
  feed(a, battery_set(3 * kSecond, 1, 29, 200));
  s = a.evaluate(3 * kSecond);
  EXPECT_EQ(s.tier, ImbalanceTier::Alarm);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 50.0);
  EXPECT_EQ(s.alarms.cell_imbalance, 2);
  // 19 %: still inside the alarm tier's hysteresis band (leave below 18 %).
  feed(a, battery_set(4 * kSecond, 1, 31, 200));
  EXPECT_EQ(a.evaluate(4 * kSecond).tier, ImbalanceTier::Alarm);
  feed(a, battery_set(5 * kSecond, 1, 32.5, 200));
  EXPECT_EQ(a.evaluate(5 * kSecond).tier, ImbalanceTier::Warning);
}

TEST(Aggregator, AlarmsAreWorstOfAllBatteries) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, battery_set(0, 1, 50));
  feed(a, frame(0, 0, {{SignalId::AlarmHighTemperature, 1}, {SignalId::ProtectionLowVoltage, 0}}));
  feed(a, frame(0, 1, {{SignalId::ProtectionHighTemperature, 1}, {SignalId::AlarmLowVoltage, 1}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.alarms.high_temperature, 2);
  EXPECT_EQ(s.alarms.low_voltage, 1);
  EXPECT_EQ(s.alarms.high_voltage, 0);
  EXPECT_EQ(s.alarms.worst(), 2);
}

TEST(Aggregator, CellExtremesNameTheirBatteryAndCell) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, battery_set(0, 1, 50));
  feed(a, frame(0, 0, {{SignalId::MinCellVoltageV, 3.21}, {SignalId::MaxCellVoltageV, 3.40}}));
  feed(a, frame(0, 1, {{SignalId::MinCellVoltageV, 3.18}, {SignalId::MaxCellVoltageV, 3.35}}));
  const Snapshot s = a.evaluate(kSecond);
  ASSERT_TRUE(s.min_cell_voltage);
  EXPECT_DOUBLE_EQ(s.min_cell_voltage->value, 3.18);
  EXPECT_EQ(s.min_cell_voltage->battery, "B");
  EXPECT_DOUBLE_EQ(s.max_cell_voltage->value, 3.40);
  EXPECT_EQ(s.max_cell_voltage->battery, "A");
  EXPECT_EQ(s.max_cell_voltage->cell_id, "A");
}

TEST(Aggregator, ValuesOlderThanTheStaleTimeoutAreNotUsed) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 50));
  // Only measurements keep coming; the limits frame stopped 6 s ago.
  feed(a, frame(6 * kSecond, 0, {{SignalId::VoltageV, 52.1}}));
  const Snapshot s = a.evaluate(6 * kSecond);
  EXPECT_EQ(s.batteries_online, 1);
  EXPECT_FALSE(s.soc_pct);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_DOUBLE_EQ(*s.voltage_v, 52.1);
}

TEST(Aggregator, HighResolutionSocIsPreferred) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, frame(0, 0, {{SignalId::SocHiresPct, 50.37}}));
  EXPECT_DOUBLE_EQ(*a.evaluate(kSecond).soc_pct, 50.37);
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST(AggregatorRamp, IncreasesAreRampedFromZeroAtStartDecreasesAreImmediate) {
  Settings cfg = bank({100, 100});
  cfg.charge.charge_current_ramp_a_per_s = 10.0;
  Aggregator a(cfg);
  feed(a, battery_set(0, 0, 50, 20));
  feed(a, battery_set(0, 1, 50, 20));
  EXPECT_DOUBLE_EQ(a.evaluate(0).charge_current_limit_a, 0.0);  // start-up is the fail-safe: ramp from 0
  EXPECT_DOUBLE_EQ(a.evaluate(2 * kSecond).charge_current_limit_a, 20.0);
  feed(a, battery_set(3 * kSecond, 0, 50, 100));
  feed(a, battery_set(3 * kSecond, 1, 50, 100));
  EXPECT_DOUBLE_EQ(a.evaluate(3 * kSecond).charge_current_limit_a, 30.0);  // +10 A in 1 s
  EXPECT_DOUBLE_EQ(a.evaluate(5 * kSecond).charge_current_limit_a, 50.0);  // +20 A in 2 more
  feed(a, battery_set(5 * kSecond, 0, 50, 5));
  EXPECT_DOUBLE_EQ(a.evaluate(5 * kSecond).charge_current_limit_a, 10.0);  // down at once (2 x 5 A)
  feed(a, battery_set(6 * kSecond, 0, 50, 100));
  EXPECT_DOUBLE_EQ(a.evaluate(6 * kSecond).charge_current_limit_a, 20.0);
}

TEST(AggregatorRamp, OffByDefault) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50, 20));
  feed(a, battery_set(0, 1, 50, 20));
  EXPECT_DOUBLE_EQ(a.evaluate(0).charge_current_limit_a, 40.0);
  feed(a, battery_set(kSecond, 0, 50, 100));
  feed(a, battery_set(kSecond, 1, 50, 100));
  EXPECT_DOUBLE_EQ(a.evaluate(kSecond).charge_current_limit_a, 200.0);
}

TEST(AggregatorSoc, PaddedOrImplausibleHighResolutionSocIsIgnored) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 95));
  feed(a, frame(0, 0, {{SignalId::SocHiresPct, 655.35}}));  // 0xFFFF: "unused"
  EXPECT_DOUBLE_EQ(*a.evaluate(kSecond).soc_pct, 95.0);
  feed(a, frame(0, 0, {{SignalId::SocHiresPct, 0.0}}));  // zero padding
  EXPECT_DOUBLE_EQ(*a.evaluate(kSecond).soc_pct, 95.0);
  feed(a, frame(0, 0, {{SignalId::SocPct, 104}}));  // out of range: clamped
  EXPECT_DOUBLE_EQ(*a.evaluate(kSecond).soc_pct, 100.0);
}

TEST(AggregatorAlarms, SmaPairsAndChargeTemperaturesAreNotDropped) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, battery_set(0, 1, 50));
  feed(a, frame(0, 0, {{SignalId::ProtectionShortCircuit, 1}, {SignalId::AlarmHighChargeTemperature, 1}}));
  feed(a, frame(0, 1, {{SignalId::ProtectionCellImbalance, 1}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.alarms.internal_failure, 2);
  EXPECT_EQ(s.alarms.high_temperature, 1);
  EXPECT_EQ(s.alarms.cell_imbalance, 2);
  // A short circuit blocks both directions.
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
}

TEST(AggregatorAlarms, ChargeTemperatureProtectionBlocksCharging) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, frame(0, 0, {{SignalId::ProtectionLowChargeTemperature, 1}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.alarms.low_temperature, 2);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 100.0);
}

TEST(AggregatorCanopen, EmcyRaisesAlarmsAndBlocksChargingUntilReset) {
  Settings cfg = bank({150});
  cfg.batteries[0].protocol = BatteryProtocol::Canopen;
  cfg.batteries[0].canopen_map = std::make_shared<const canopen::ObjectMap>();  // a map without limits
  Aggregator a(cfg);
  feed(a, frame(0, 0, {{SignalId::SocPct, 60}, {SignalId::NmtState, 5}}));
  EXPECT_DOUBLE_EQ(a.evaluate(kSecond).charge_current_limit_a, 300.0);  // only the bank's caps
  feed(a, frame(kSecond, 0, {{SignalId::EmcyCode, 0x4210}}));           // excess temperature
  Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.alarms.high_temperature, 2);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  feed(a, frame(2 * kSecond, 0, {{SignalId::EmcyCode, 0x0000}}));  // error reset
  s = a.evaluate(2 * kSecond);
  EXPECT_EQ(s.alarms.high_temperature, 0);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 300.0);
  feed(a, frame(3 * kSecond, 0, {{SignalId::NmtState, 4}}));  // node stopped
  s = a.evaluate(3 * kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
}

TEST(AggregatorCanopen, WithoutAFreshSocChargingIsBlocked) {
  Settings cfg = bank({150});
  cfg.batteries[0].protocol = BatteryProtocol::Canopen;
  cfg.batteries[0].canopen_map = std::make_shared<const canopen::ObjectMap>();
  Aggregator a(cfg);
  feed(a, frame(0, 0, {{SignalId::NmtState, 5}}));  // heartbeat only: SDO answers missing
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.batteries_online, 1);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
}

TEST(AggregatorInverter, KeepAliveIsPresentUntilItsTimeout) {
  Settings cfg = bank({100});
  cfg.output.keepalive_timeout_ms = 3000;
  Aggregator a(cfg);
  EXPECT_FALSE(a.evaluate(0).inverter_present);
  Reading r;
  r.time_us = kSecond;
  r.source = kSourceInverter;
  r.kind = ReadingKind::Signal;
  r.signal = SignalId::InverterKeepAlive;
  r.value = 1;
  a.apply(r);
  EXPECT_TRUE(a.evaluate(kSecond).inverter_present);
  EXPECT_TRUE(a.evaluate(4 * kSecond).inverter_present);
  EXPECT_FALSE(a.evaluate(4 * kSecond + 1).inverter_present);
}

}  // namespace
}  // namespace bms

// A forbidding value is sent once per event by many BMSes (0x35C with bit 7 clear, a 0x35A
// protection, a CANopen EMCY): it holds until a fresh value allows again, or until the
// battery goes offline. It never expires on its own while the battery keeps talking.
namespace bms {
namespace {

Settings canopen_bank() {
  Settings cfg = bank({150});
  cfg.batteries[0].protocol = BatteryProtocol::Canopen;
  cfg.batteries[0].canopen_map = std::make_shared<const canopen::ObjectMap>();  // a map without limits
  return cfg;
}

/// Battery 0 keeps sending limits and SOC every second from `from` to `to` (no 0x35C).
void keep_sending_limits(Aggregator& a, std::int64_t from, std::int64_t to, double ccl = 100.0) {
  for (std::int64_t t = from; t <= to; t += kSecond)
    feed(a, frame(t, 0,
                  {{SignalId::ChargeCurrentLimitA, ccl},
                   {SignalId::DischargeCurrentLimitA, 100.0},
                   {SignalId::ChargeVoltageLimitV, 56.0},
                   {SignalId::SocPct, 50}}));
}

TEST(AggregatorForbiddingFlags, ChargeForbiddenHoldsPastTheStaleTimeoutUntilAFreshEnable) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, frame(kSecond, 0, {{SignalId::ChargeEnable, 0}}));  // 35C#40, sent once
  keep_sending_limits(a, 2 * kSecond, 12 * kSecond);
  Snapshot s = a.evaluate(12 * kSecond);  // 11 s after the flag, stale timeout 5 s
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_FALSE(s.charge_allowed);
  EXPECT_EQ(s.blocking_charge, 1);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 100.0);
  feed(a, frame(13 * kSecond, 0, {{SignalId::ChargeEnable, 1}}));  // a fresh "enabled"
  s = a.evaluate(13 * kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 100.0);
  EXPECT_EQ(s.blocking_charge, 0);
}

TEST(AggregatorForbiddingFlags, DischargeForbiddenHoldsPastTheStaleTimeoutUntilAFreshEnable) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, frame(kSecond, 0, {{SignalId::DischargeEnable, 0}}));
  keep_sending_limits(a, 2 * kSecond, 12 * kSecond);
  Snapshot s = a.evaluate(12 * kSecond);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
  EXPECT_FALSE(s.discharge_allowed);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 100.0);
  feed(a, frame(13 * kSecond, 0, {{SignalId::DischargeEnable, 1}}));
  EXPECT_DOUBLE_EQ(a.evaluate(13 * kSecond).discharge_current_limit_a, 100.0);
}

TEST(AggregatorForbiddingFlags, BlockingProtectionsHoldUntilAFreshClearedFlag) {
  const SignalId charge_blockers[] = {SignalId::ProtectionShortCircuit, SignalId::ProtectionHighChargeTemperature,
                                      SignalId::ProtectionLowChargeTemperature};
  for (SignalId protection : charge_blockers) {
    Aggregator a(bank({100}));
    feed(a, battery_set(0, 0, 50));
    feed(a, frame(kSecond, 0, {{protection, 1}}));
    keep_sending_limits(a, 2 * kSecond, 12 * kSecond);
    EXPECT_DOUBLE_EQ(a.evaluate(12 * kSecond).charge_current_limit_a, 0.0) << signal_name(protection);
    feed(a, frame(13 * kSecond, 0, {{protection, 0}}));
    EXPECT_DOUBLE_EQ(a.evaluate(13 * kSecond).charge_current_limit_a, 100.0) << signal_name(protection);
  }
}

TEST(AggregatorForbiddingFlags, AFlagDoesNotOutliveTheBatteryGoingOffline) {
  Aggregator a(bank({100}));
  feed(a, battery_set(0, 0, 50));
  feed(a, frame(kSecond, 0, {{SignalId::ChargeEnable, 0}}));
  // Silent from 1 s to 10 s: offline at 6 s. It comes back with limits and no 0x35C.
  keep_sending_limits(a, 10 * kSecond, 11 * kSecond);
  const Snapshot s = a.evaluate(11 * kSecond);
  EXPECT_EQ(s.batteries_online, 1);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 100.0);
}

TEST(AggregatorForbiddingFlags, EmcyHoldsWhileTheNodeKeepsItsHeartbeat) {
  Aggregator a(canopen_bank());
  feed(a, frame(0, 0, {{SignalId::SocPct, 60}, {SignalId::NmtState, 5}}));
  feed(a, frame(kSecond, 0, {{SignalId::EmcyCode, 0x4210}}));  // sent once
  for (std::int64_t t = 2 * kSecond; t <= 12 * kSecond; t += kSecond)
    feed(a, frame(t, 0, {{SignalId::SocPct, 60}, {SignalId::NmtState, 5}}));
  Snapshot s = a.evaluate(12 * kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_EQ(s.alarms.high_temperature, 2);
  feed(a, frame(13 * kSecond, 0, {{SignalId::EmcyCode, 0x0000}}));  // error reset
  s = a.evaluate(13 * kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 300.0);
  EXPECT_EQ(s.alarms.high_temperature, 0);
}

TEST(AggregatorForbiddingFlags, EmcyIsClearedByTheNodesBootUp) {
  Aggregator a(canopen_bank());
  feed(a, frame(0, 0, {{SignalId::SocPct, 60}, {SignalId::NmtState, 5}}));
  feed(a, frame(kSecond, 0, {{SignalId::EmcyCode, 0x8130}}));
  EXPECT_DOUBLE_EQ(a.evaluate(kSecond).charge_current_limit_a, 0.0);
  feed(a, frame(2 * kSecond, 0, {{SignalId::NmtState, 0}}));  // boot-up: the node reset
  feed(a, frame(3 * kSecond, 0, {{SignalId::SocPct, 60}, {SignalId::NmtState, 5}}));
  const Snapshot s = a.evaluate(3 * kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 300.0);
  EXPECT_EQ(s.alarms.internal_failure, 0);
}

TEST(AggregatorForbiddingFlags, StoppedNodeHoldsUntilItsStateChanges) {
  Aggregator a(canopen_bank());
  feed(a, frame(0, 0, {{SignalId::SocPct, 60}, {SignalId::NmtState, 4}}));
  for (std::int64_t t = kSecond; t <= 12 * kSecond; t += kSecond) feed(a, frame(t, 0, {{SignalId::SocPct, 60}}));
  Snapshot s = a.evaluate(12 * kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_DOUBLE_EQ(s.discharge_current_limit_a, 0.0);
  feed(a, frame(13 * kSecond, 0, {{SignalId::NmtState, 5}}));
  s = a.evaluate(13 * kSecond);
  EXPECT_DOUBLE_EQ(s.charge_current_limit_a, 300.0);
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

Reading cell_id(std::int64_t t, std::uint16_t source, SignalId id, const char* text) {
  Reading r;
  r.time_us = t;
  r.source = source;
  r.kind = ReadingKind::Signal;
  r.signal = id;
  std::snprintf(r.text.data(), r.text.size(), "%s", text);
  return r;
}

TEST(AggregatorPacks, EachPackShowsItsOwnValuesLimitsAlarmsAndCells) {
  Settings settings = bank({100, 200});
  settings.batteries[1].protocol = BatteryProtocol::Canopen;
  settings.batteries[1].node_id = 5;
  settings.batteries[1].canopen_map = std::make_shared<canopen::ObjectMap>();  // maps no limits
  settings.batteries[1].max_charge_current = 40;  // a CANopen map without limits: its configured ones
  settings.batteries[1].max_discharge_current = 60;
  Aggregator a(settings);
  feed(a, battery_set(0, 0, 80, 70.0, 90.0, 55.5));
  feed(a, frame(0, 0,
                {{SignalId::MinCellVoltageV, 3.21},
                 {SignalId::MaxCellVoltageV, 3.40},
                 {SignalId::MinCellTemperatureC, 18.0},
                 {SignalId::MaxCellTemperatureC, 24.5},
                 {SignalId::AlarmHighTemperature, 1}}));
  a.apply(cell_id(0, 0, SignalId::MinCellVoltageId, "C7"));
  feed(a, frame(0, 1,
                {{SignalId::SocPct, 60},
                 {SignalId::VoltageV, 51.5},
                 {SignalId::CurrentA, -12.5},
                 {SignalId::TemperatureC, 19.0},
                 {SignalId::ProtectionLowVoltage, 1}}));
  const Snapshot s = a.evaluate(kSecond);
  ASSERT_EQ(s.batteries.size(), 2U);

  const BatteryView& pa = s.batteries[0];
  EXPECT_EQ(pa.name, "A");
  EXPECT_EQ(pa.source, "CAN can0");
  EXPECT_EQ(pa.capacity_ah, 100.0);
  EXPECT_EQ(pa.temperature_c, 25.0);
  EXPECT_EQ(pa.charge_current_limit_a, 70.0);
  EXPECT_EQ(pa.discharge_current_limit_a, 90.0);
  EXPECT_EQ(pa.charge_voltage_limit_v, 55.5);
  EXPECT_EQ(pa.alarms.high_temperature, 1);
  EXPECT_EQ(pa.alarms.low_voltage, 0);
  ASSERT_TRUE(pa.min_cell_voltage && pa.max_cell_voltage && pa.min_cell_temperature && pa.max_cell_temperature);
  EXPECT_EQ(pa.min_cell_voltage->value, 3.21);
  EXPECT_EQ(pa.min_cell_voltage->cell_id, "C7");  // the BMS's own id, without the pack name
  EXPECT_EQ(pa.max_cell_voltage->value, 3.40);
  EXPECT_EQ(pa.max_cell_voltage->cell_id, "");
  EXPECT_EQ(pa.min_cell_temperature->value, 18.0);
  EXPECT_EQ(pa.max_cell_temperature->value, 24.5);

  const BatteryView& pb = s.batteries[1];
  EXPECT_EQ(pb.source, "CANopen can1 node 5");
  EXPECT_EQ(pb.soc_pct, 60.0);
  EXPECT_EQ(pb.voltage_v, 51.5);
  EXPECT_EQ(pb.current_a, -12.5);
  EXPECT_EQ(pb.temperature_c, 19.0);
  EXPECT_EQ(pb.charge_current_limit_a, 40.0);
  EXPECT_EQ(pb.discharge_current_limit_a, 60.0);
  EXPECT_FALSE(pb.charge_voltage_limit_v);
  EXPECT_EQ(pb.alarms.low_voltage, 2);
  EXPECT_EQ(pb.alarms.high_temperature, 0);
  EXPECT_FALSE(pb.min_cell_voltage);
  // The bank is still the worst of its packs.
  EXPECT_EQ(s.alarms.high_temperature, 1);
  EXPECT_EQ(s.alarms.low_voltage, 2);
}

TEST(AggregatorPacks, AnOfflinePackKeepsItsIdentityButNoValues) {
  Aggregator a(bank({100, 100}));
  feed(a, battery_set(0, 0, 80));
  feed(a, frame(0, 0, {{SignalId::MinCellVoltageV, 3.21}, {SignalId::AlarmHighVoltage, 1}}));
  feed(a, battery_set(5 * kSecond, 1, 60));
  const Snapshot s = a.evaluate(6 * kSecond);  // A silent for 6 s > 5 s
  const BatteryView& pa = s.batteries[0];
  EXPECT_FALSE(pa.online);
  EXPECT_EQ(pa.name, "A");
  EXPECT_EQ(pa.source, "CAN can0");
  EXPECT_EQ(pa.capacity_ah, 100.0);
  EXPECT_FALSE(pa.soc_pct || pa.voltage_v || pa.current_a || pa.temperature_c || pa.charge_current_limit_a ||
               pa.discharge_current_limit_a || pa.charge_voltage_limit_v || pa.min_cell_voltage);
  EXPECT_EQ(pa.alarms, Alarms{});
  EXPECT_TRUE(s.batteries[1].online);
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST(AggregatorPacks, SourceSaysWhereEachPackIsRead) {
  BatterySettings b;
  b.interface = "can1";
  EXPECT_EQ(pack_source(b), "CAN can1");
  b.protocol = BatteryProtocol::Canopen;
  b.node_id = 5;
  EXPECT_EQ(pack_source(b), "CANopen can1 node 5");
  b.protocol = BatteryProtocol::Dbus;
  b.dbus_service = "com.victronenergy.battery.ttyUSB0";
  EXPECT_EQ(pack_source(b), "D-Bus com.victronenergy.battery.ttyUSB0");
  b.dbus_service.clear();
  b.dbus_serial = "JK123";
  EXPECT_EQ(pack_source(b), "D-Bus serial JK123");
  b.dbus_serial.clear();
  b.dbus_custom_name = "Shed";
  EXPECT_EQ(pack_source(b), "D-Bus custom name Shed");
}

// The engine decides at every evaluation and describes only what it publishes: decide()
// must carry every decision evaluate() gives, and describe() must add exactly the detail.
TEST(AggregatorPacks, DecideCarriesEveryDecisionAndDescribeAddsOnlyTheDetail) {
  Settings settings = bank({100, 200});
  settings.cells.enabled = true;  // the tapers read the cell extremes: decide() must see them
  const auto load = [&](Aggregator& a) {
    feed(a, battery_set(0, 0, 80, 70.0, 90.0, 55.5));
    feed(a, frame(0, 0,
                  {{SignalId::MinCellVoltageV, 3.21},
                   {SignalId::MaxCellVoltageV, 3.58},
                   {SignalId::MaxCellTemperatureC, 24.5},
                   {SignalId::AlarmHighTemperature, 1}}));
    a.apply(cell_id(0, 0, SignalId::MaxCellVoltageId, "C3"));
    feed(a, battery_set(0, 1, 60));
  };
  Aggregator whole(settings);
  Aggregator split(settings);
  load(whole);
  load(split);
  const Snapshot full = whole.evaluate(kSecond);
  Snapshot s = split.decide(kSecond);

  EXPECT_EQ(ProtectiveLevels::of(s).charge_current_limit_a, full.charge_current_limit_a);
  EXPECT_EQ(s.charge_current_limit_a, full.charge_current_limit_a);
  EXPECT_EQ(s.charge_limited_by, full.charge_limited_by);
  EXPECT_EQ(s.discharge_current_limit_a, full.discharge_current_limit_a);
  EXPECT_EQ(s.charge_voltage_limit_v, full.charge_voltage_limit_v);
  EXPECT_EQ(s.charge_voltage_limited_by, full.charge_voltage_limited_by);
  EXPECT_EQ(s.charge_allowed, full.charge_allowed);
  EXPECT_EQ(s.discharge_allowed, full.discharge_allowed);
  EXPECT_EQ(s.alarms, full.alarms);
  EXPECT_EQ(s.soc_pct, full.soc_pct);
  ASSERT_TRUE(s.max_cell_voltage);
  EXPECT_EQ(s.max_cell_voltage->value, 3.58);
  ASSERT_EQ(s.batteries.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(s.batteries[i].online, full.batteries[i].online);
    EXPECT_EQ(s.batteries[i].charge_current_limit_a, full.batteries[i].charge_current_limit_a);
    EXPECT_EQ(s.batteries[i].blocks_charge, full.batteries[i].blocks_charge);
    EXPECT_EQ(s.batteries[i].alarms, full.batteries[i].alarms);
    // Not described yet: no identity, no display detail.
    EXPECT_EQ(s.batteries[i].name, "");
    EXPECT_EQ(s.batteries[i].source, "");
    EXPECT_FALSE(s.batteries[i].temperature_c || s.batteries[i].max_cell_voltage);
  }

  split.describe(s);
  for (std::size_t i = 0; i < 2; ++i) {
    const BatteryView& got = s.batteries[i];
    const BatteryView& want = full.batteries[i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.source, want.source);
    EXPECT_EQ(got.capacity_ah, want.capacity_ah);
    EXPECT_EQ(got.temperature_c, want.temperature_c);
    EXPECT_EQ(got.charge_voltage_limit_v, want.charge_voltage_limit_v);
    EXPECT_EQ(extreme_value(got.max_cell_voltage), extreme_value(want.max_cell_voltage));
    EXPECT_EQ(extreme_value(got.min_cell_voltage), extreme_value(want.min_cell_voltage));
  }
  ASSERT_TRUE(s.batteries[0].max_cell_voltage);
  EXPECT_EQ(s.batteries[0].max_cell_voltage->cell_id, "C3");
  EXPECT_EQ(s.batteries[0].name, "A");
  EXPECT_EQ(s.batteries[1].source, "CAN can1");
}

}  // namespace
}  // namespace bms
