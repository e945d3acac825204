// What the bank tells an inverter about its stack and its requests: the module count summed
// over the online batteries' own counts, and the batteries' force-charge requests.
#include <gtest/gtest.h>

#include "core/aggregator.hpp"
#include "test_readings.hpp"

namespace bms {
namespace {

using test::battery_set;
using test::frame;
using test::kSecond;

Settings bank_of(int batteries) {
  Settings s;
  s.charge.nominal_charge_current = 300.0;
  s.charge.max_charge_voltage = 57.0;
  s.charge.max_discharge_current = 250.0;
  for (int i = 0; i < batteries; ++i) {
    BatterySettings b;
    b.name = std::string(1, static_cast<char>('A' + i));
    b.interface = "can" + std::to_string(i);
    b.capacity_ah = 100.0;
    b.stale_after_ms = 5000;
    s.batteries.push_back(b);
  }
  return s;
}

void feed(Aggregator& a, const std::vector<Reading>& readings) {
  for (const auto& r : readings) a.apply(r);
}

TEST(BankModuleCount, ThreeFourModuleStacksAreTwelveModules) {
  Aggregator a(bank_of(3));
  for (std::uint16_t i = 0; i < 3; ++i) {
    feed(a, battery_set(0, i, 80));
    feed(a, frame(0, i, {{SignalId::ModuleCount, 4}}));  // 0x359 byte 4 of each stack
  }
  EXPECT_EQ(a.evaluate(kSecond).module_count, 12);
}

TEST(BankModuleCount, MixedStacksSumEachBatterysOwnCount) {
  Aggregator a(bank_of(3));
  feed(a, battery_set(0, 0, 80));
  feed(a, frame(0, 0, {{SignalId::ModuleCount, 6}}));  // Pylontech 0x359
  feed(a, battery_set(0, 1, 80));
  feed(a, frame(0, 1, {{SignalId::ModulesOnline, 3}}));  // Victron-style 0x372
  feed(a, battery_set(0, 2, 80));                        // reports no count: one module
  EXPECT_EQ(a.evaluate(kSecond).module_count, 10);
}

TEST(BankModuleCount, PrefersTheStackCountOf0x359Over0x372) {
  Aggregator a(bank_of(1));
  feed(a, battery_set(0, 0, 80));
  feed(a, frame(0, 0, {{SignalId::ModuleCount, 4}, {SignalId::ModulesOnline, 3}}));
  EXPECT_EQ(a.evaluate(kSecond).module_count, 4);
}

TEST(BankModuleCount, AZeroCountIsOneModuleNotNone) {
  Aggregator a(bank_of(1));
  feed(a, battery_set(0, 0, 80));
  feed(a, frame(0, 0, {{SignalId::ModuleCount, 0}}));
  EXPECT_EQ(a.evaluate(kSecond).module_count, 1);
}

TEST(BankModuleCount, LeavesOutOfflineBatteries) {
  Aggregator a(bank_of(2));
  feed(a, battery_set(0, 0, 80));
  feed(a, frame(0, 0, {{SignalId::ModuleCount, 4}}));
  feed(a, battery_set(0, 1, 80));
  feed(a, frame(0, 1, {{SignalId::ModuleCount, 2}}));
  feed(a, battery_set(6 * kSecond, 1, 80));  // only B stays fresh; A's 4 modules go
  feed(a, frame(6 * kSecond, 1, {{SignalId::ModuleCount, 2}}));
  const Snapshot s = a.evaluate(7 * kSecond);
  EXPECT_EQ(s.batteries_online, 1);
  EXPECT_EQ(s.module_count, 2);
}

TEST(BankModuleCount, AStaleCountIsNotUsed) {
  Aggregator a(bank_of(1));
  feed(a, battery_set(0, 0, 80));
  feed(a, frame(0, 0, {{SignalId::ModuleCount, 4}}));
  feed(a, battery_set(6 * kSecond, 0, 80));  // online, but its 0x359 stopped 6 s ago
  EXPECT_EQ(a.evaluate(7 * kSecond).module_count, 1);
}

TEST(BankModuleCount, IsZeroWithNothingOnline) {
  Aggregator a(bank_of(2));
  EXPECT_EQ(a.evaluate(kSecond).module_count, 0);
}

TEST(BankForceCharge, OneBatteryRequestingIsTheBankRequesting) {
  Aggregator a(bank_of(3));
  for (std::uint16_t i = 0; i < 3; ++i) feed(a, battery_set(0, i, 10));
  feed(a, frame(0, 1, {{SignalId::ForceCharge1, 1}, {SignalId::ForceCharge2, 0}, {SignalId::FullChargeRequest, 0}}));
  feed(a, frame(0, 2, {{SignalId::ForceCharge1, 0}, {SignalId::ForceCharge2, 0}, {SignalId::FullChargeRequest, 1}}));
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.force_charge_requested, (ForceChargeRequest{true, false, true}));
}

TEST(BankForceCharge, NoRequestWhenNoBatteryAsks) {
  Aggregator a(bank_of(2));
  feed(a, battery_set(0, 0, 50));
  feed(a, frame(0, 0, {{SignalId::ForceCharge1, 0}, {SignalId::ForceCharge2, 0}, {SignalId::FullChargeRequest, 0}}));
  feed(a, battery_set(0, 1, 50));
  EXPECT_FALSE(a.evaluate(kSecond).force_charge_requested.any());
}

TEST(BankForceCharge, AnOfflineBatterysRequestIsNotPassedOn) {
  Aggregator a(bank_of(2));
  feed(a, battery_set(0, 0, 10));
  feed(a, frame(0, 0, {{SignalId::ForceCharge2, 1}}));
  feed(a, battery_set(6 * kSecond, 1, 50));
  const Snapshot s = a.evaluate(7 * kSecond);
  EXPECT_EQ(s.batteries_online, 1);
  EXPECT_FALSE(s.force_charge_requested.any());
}

TEST(BankForceCharge, IsHeldBackWhileAnotherBatteryForbidsCharging) {
  Aggregator a(bank_of(2));
  feed(a, battery_set(0, 0, 10));
  feed(a, frame(0, 0, {{SignalId::ForceCharge1, 1}}));
  feed(a, battery_set(0, 1, 99, /*ccl=*/0.0));  // full: blocks charging
  const Snapshot s = a.evaluate(kSecond);
  EXPECT_FALSE(s.charge_allowed);
  EXPECT_FALSE(s.force_charge_requested.any());
}

}  // namespace
}  // namespace bms
