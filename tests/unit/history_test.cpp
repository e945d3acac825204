// The bank history behind /History/*: pure, time from the snapshots.
#include "core/history.hpp"

#include <gtest/gtest.h>

#include "core/snapshot.hpp"

namespace bms {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

/// A whole bank of 200 Ah at `t` seconds: SOC, current, voltage (power = V x I).
Snapshot bank(double t_s, double soc, double current_a, double voltage_v = 50.0) {
  Snapshot s;
  s.time_us = static_cast<std::int64_t>(t_s * kSecond);
  s.batteries_online = 2;
  s.installed_capacity_ah = 200;
  s.soc_pct = soc;
  s.capacity_ah = 200 * soc / 100;
  s.current_a = current_a;
  s.voltage_v = voltage_v;
  s.power_w = voltage_v * current_a;
  return s;
}

TEST(History, IntegratesAhAndEnergyFromTheHeldCurrentOfEachUpdate) {
  HistoryAccumulator h;
  h.update(bank(0, 80, -100));   // held for 36 s: 1 Ah, 50 Wh out
  h.update(bank(36, 80, -200));  // held for 18 s: 1 Ah, 50 Wh out
  h.update(bank(54, 80, 200));   // held for 18 s: 1 Ah, 50 Wh in
  h.update(bank(72, 80, 0));
  EXPECT_DOUBLE_EQ(h.counters().total_ah_drawn, -2.0);
  EXPECT_DOUBLE_EQ(h.counters().discharged_energy_kwh, 0.1);
  EXPECT_DOUBLE_EQ(h.counters().charged_energy_kwh, 0.05);
}

TEST(History, DoesNotBridgeAGapInTheData) {
  HistoryAccumulator h;
  h.update(bank(0, 80, -100));
  h.update(bank(61, 80, -100));  // 61 s > kHistoryMaxGapUs: nothing known in between
  h.update(bank(97, 80, -100));  // 36 s: 1 Ah
  EXPECT_DOUBLE_EQ(h.counters().total_ah_drawn, -1.0);
}

TEST(History, IgnoresAnUpdateOlderThanTheLast) {
  HistoryAccumulator h;
  h.update(bank(36, 80, -100));
  h.update(bank(0, 10, -100));
  EXPECT_DOUBLE_EQ(h.counters().total_ah_drawn, 0.0);
  EXPECT_DOUBLE_EQ(h.counters().deepest_discharge_ah, -40.0);  // the 10 % one was ignored
}

TEST(History, DepthsCountFromInstalledCapacityAndADischargeEndsAtAFullCharge) {
  HistoryAccumulator h;
  h.update(bank(0, 100, 0));
  h.update(bank(10, 60, -10));  // 80 Ah out of 200
  h.update(bank(20, 75, 10));
  EXPECT_DOUBLE_EQ(h.counters().last_discharge_ah, -80.0);
  EXPECT_FALSE(h.view(200).average_discharge_ah);  // no discharge has ended yet
  h.update(bank(30, 100, 1));                      // full: the discharge of -80 Ah is complete
  EXPECT_EQ(h.counters().completed_discharges, 1U);
  EXPECT_DOUBLE_EQ(h.counters().last_discharge_ah, 0.0);
  h.update(bank(40, 90, -5));  // -20 Ah
  h.update(bank(50, 100, 0));
  h.update(bank(60, 100, 0));  // still full: not another discharge
  const BankHistory v = h.view(200);
  EXPECT_EQ(v.counters.completed_discharges, 2U);
  EXPECT_DOUBLE_EQ(v.counters.deepest_discharge_ah, -80.0);
  EXPECT_DOUBLE_EQ(*v.average_discharge_ah, -50.0);
}

TEST(History, CountsTimeSinceTheLastFullChargeOnlyAfterOne) {
  HistoryAccumulator h;
  h.update(bank(0, 90, 0));
  h.update(bank(100, 90, 0));
  EXPECT_FALSE(h.counters().seconds_since_full_charge);
  h.update(bank(200, 100, 0));
  EXPECT_EQ(h.counters().seconds_since_full_charge, 0.0);
  h.update(bank(300, 99, 0));
  h.update(bank(1000, 98, 0));  // gaps count too: it is time, not charge
  EXPECT_EQ(h.counters().seconds_since_full_charge, 800.0);
}

TEST(History, CountsAFullDischargeOnceUntilTheSocRecovers) {
  HistoryAccumulator h;
  h.update(bank(0, 0, -1));
  h.update(bank(1, 0, -1));
  h.update(bank(2, 5, 1));  // not yet re-armed
  h.update(bank(3, 0, -1));
  EXPECT_EQ(h.counters().full_discharges, 1U);
  h.update(bank(4, 10, 1));  // re-armed at 10 %
  h.update(bank(5, 0, -1));
  EXPECT_EQ(h.counters().full_discharges, 2U);
  EXPECT_DOUBLE_EQ(h.counters().deepest_discharge_ah, -200.0);
}

TEST(History, ChargeCyclesAreEquivalentFullCycles) {
  HistoryCounters stored;
  stored.total_ah_drawn = -599.0;
  const HistoryAccumulator h(stored);
  EXPECT_EQ(h.view(200).charge_cycles, 2U);  // 599 / 200
  EXPECT_FALSE(h.view(0).charge_cycles);     // capacities not configured
}

TEST(History, KeepsVoltageAndCellExtremes) {
  HistoryAccumulator h;
  Snapshot a = bank(0, 50, 0, 51.2);
  a.min_cell_voltage = CellExtreme{3.05, "A", "A:3"};
  a.max_cell_voltage = CellExtreme{3.41, "B", "B:9"};
  h.update(a);
  h.update(bank(1, 50, 0, 53.9));
  h.update(bank(2, 50, 0, 52.0));
  EXPECT_EQ(h.counters().min_voltage_v, 51.2);
  EXPECT_EQ(h.counters().max_voltage_v, 53.9);
  EXPECT_EQ(h.counters().min_cell_voltage_v, 3.05);
  EXPECT_EQ(h.counters().max_cell_voltage_v, 3.41);
}

TEST(History, AnOfflinePackLeavesDepthAndSocEventsAlone) {
  HistoryAccumulator h;
  Snapshot s = bank(0, 100, 0);
  s.batteries_offline = 1;  // the bank SOC is that of the rest: not a full charge
  s.capacity_ah = 50;
  h.update(s);
  EXPECT_FALSE(h.counters().seconds_since_full_charge);
  EXPECT_DOUBLE_EQ(h.counters().deepest_discharge_ah, 0.0);
}

TEST(History, ContinuesFromStoredCountersWithoutBridgingTheRestart) {
  HistoryAccumulator first;
  first.update(bank(0, 80, -100));
  first.update(bank(36, 80, -100));
  HistoryAccumulator second(first.counters());
  second.update(bank(0, 80, -100));  // engine time restarts: only a sample
  second.update(bank(36, 80, -100));
  EXPECT_DOUBLE_EQ(second.counters().total_ah_drawn, -2.0);
}

}  // namespace
}  // namespace bms
