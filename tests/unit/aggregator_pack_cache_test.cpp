// The aggregator keeps each battery's decision inputs while nothing in them changed
// (BatteryState::version) and nothing went stale (BatteryState::next_change_us). These tests
// hold that cache to the one thing that matters: an aggregator with a history decides exactly
// as a fresh one that saw the same readings.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "core/aggregator.hpp"
#include "test_readings.hpp"

namespace bms {
namespace {

using test::frame;
using test::kSecond;

Settings two_batteries() {
  Settings s;
  s.charge.nominal_charge_current = 300.0;
  s.charge.max_charge_voltage = 57.0;
  s.charge.max_discharge_current = 250.0;
  s.charge.battery_low_voltage = 46.0;
  s.cells.enabled = true;  // the tapers read cell values: they are decision inputs too
  for (int i = 0; i < 2; ++i) {
    BatterySettings b;
    b.name = i == 0 ? "A" : "B";
    b.interface = "can" + std::to_string(i);
    b.capacity_ah = 100;
    b.stale_after_ms = 5000;
    s.batteries.push_back(b);
  }
  return s;
}

/// What decide() derives from each battery without history (no hysteresis, ramp or held
/// extremes is involved): these must not depend on what the aggregator remembered.
void expect_same_pack_decisions(const Snapshot& got, const Snapshot& want, std::int64_t t) {
  EXPECT_EQ(got.soc_pct, want.soc_pct) << "t=" << t;
  EXPECT_EQ(got.current_a, want.current_a) << "t=" << t;
  EXPECT_EQ(got.module_count, want.module_count) << "t=" << t;
  EXPECT_EQ(got.batteries_online, want.batteries_online) << "t=" << t;
  EXPECT_EQ(got.blocking_charge, want.blocking_charge) << "t=" << t;
  EXPECT_EQ(got.blocking_discharge, want.blocking_discharge) << "t=" << t;
  EXPECT_EQ(extreme_value(got.max_cell_voltage), extreme_value(want.max_cell_voltage)) << "t=" << t;
  EXPECT_EQ(extreme_value(got.min_cell_temperature), extreme_value(want.min_cell_temperature)) << "t=" << t;
  ASSERT_EQ(got.batteries.size(), want.batteries.size());
  for (std::size_t i = 0; i < got.batteries.size(); ++i) {
    const BatteryView& g = got.batteries[i];
    const BatteryView& w = want.batteries[i];
    EXPECT_EQ(g.online, w.online) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.soc_pct, w.soc_pct) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.voltage_v, w.voltage_v) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.current_a, w.current_a) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.charge_current_limit_a, w.charge_current_limit_a) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.discharge_current_limit_a, w.discharge_current_limit_a) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.blocks_charge, w.blocks_charge) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.blocks_discharge, w.blocks_discharge) << "t=" << t << " pack " << i;
    EXPECT_EQ(g.alarms, w.alarms) << "t=" << t << " pack " << i;
  }
}

// A battery that keeps repeating the same values, except its charge limit, which stops: the
// kept inputs must give way at the limit's exact timeout (5 s + 1 us), not at the next change.
TEST(AggregatorPackCache, ARepeatedBatteryStillLosesAStoppedLimitAtItsExactTimeout) {
  Aggregator a(two_batteries());
  for (std::uint16_t b = 0; b < 2; ++b) a.apply(frame(0, b, {{SignalId::ChargeCurrentLimitA, 50}})[1]);
  for (std::int64_t t = 0; t <= 6 * kSecond; t += kSecond / 2) {
    for (std::uint16_t b = 0; b < 2; ++b) {
      for (const Reading& r : frame(t, b,
                                    {{SignalId::SocPct, 80},
                                     {SignalId::DischargeCurrentLimitA, 90},
                                     {SignalId::ChargeVoltageLimitV, 55.0}})) {
        a.apply(r);
      }
      if (b == 1) a.apply(frame(t, b, {{SignalId::ChargeCurrentLimitA, 50}})[1]);  // B keeps its limit
    }
    const Snapshot s = a.decide(t);
    EXPECT_EQ(s.charge_allowed, t <= 5 * kSecond) << "t=" << t;  // A's limit: fresh up to 5 s inclusive
    EXPECT_EQ(s.batteries[0].blocks_charge, t > 5 * kSecond) << "t=" << t;
    if (t == 5 * kSecond) {  // one microsecond later, with no reading: stale, and blocking
      const Snapshot just_after = a.decide(t + 1);
      EXPECT_FALSE(just_after.charge_allowed);
      EXPECT_TRUE(just_after.batteries[0].blocks_charge);
    }
  }
  // Readings went on at 5.5 and 6 s above, but A's limit arrived last at 0.
  const Snapshot later = a.decide(6 * kSecond + kSecond / 2);
  EXPECT_FALSE(later.charge_allowed);
  EXPECT_TRUE(later.batteries[0].blocks_charge);
}

// A D-Bus source that is lost and comes back starts a new online session: a forbidding
// value of the last session no longer latches (docs/POLICY.md). Kept inputs from before the
// loss must not carry it over, though every timestamp in them is still fresh.
TEST(AggregatorPackCache, ASourceBackAfterALossDecidesLikeAFreshStart) {
  const Settings settings = two_batteries();
  std::vector<Reading> seen;
  for (const Reading& r : frame(0, 0, {{SignalId::ChargeCurrentLimitA, 50}, {SignalId::ChargeEnable, 0}}))
    seen.push_back(r);
  for (const Reading& r : frame(0, 1, {{SignalId::ChargeCurrentLimitA, 50}})) seen.push_back(r);
  Aggregator lived(settings);
  for (const Reading& r : seen) lived.apply(r);
  EXPECT_TRUE(lived.decide(0).batteries[0].blocks_charge);  // charge-enable 0 holds

  Reading lost;
  lost.time_us = kSecond;
  lost.source = 0;
  lost.kind = ReadingKind::SourceLost;
  seen.push_back(lost);
  lived.apply(lost);
  EXPECT_FALSE(lived.decide(kSecond).batteries[0].online);
  for (const Reading& r : frame(kSecond + kSecond / 2, 0, {{SignalId::ChargeCurrentLimitA, 50}})) {  // the same value
    seen.push_back(r);
    lived.apply(r);
  }
  Aggregator fresh(settings);
  for (const Reading& r : seen) fresh.apply(r);
  const Snapshot want = fresh.decide(kSecond + kSecond / 2);
  const Snapshot got = lived.decide(kSecond + kSecond / 2);
  EXPECT_FALSE(want.batteries[0].blocks_charge);  // the new session has no charge-enable 0
  expect_same_pack_decisions(got, want, kSecond + kSecond / 2);
}

// Random readings of two batteries (values from small sets, so repeats are common; gaps long
// enough for values and whole batteries to go stale; items made unknown, sources lost): after every step, what the
// aggregator that lived through it all derives from each battery equals what a fresh one fed every reading so far
// derives (the fresh one has nothing kept).
TEST(AggregatorPackCache, DecidesAsAFreshAggregatorThroughRandomRepeatsAndTimeouts) {
  const Settings settings = two_batteries();
  std::mt19937_64 rng(20261204);
  const SignalId kSignals[] = {SignalId::SocPct,
                               SignalId::ChargeCurrentLimitA,
                               SignalId::DischargeCurrentLimitA,
                               SignalId::ChargeVoltageLimitV,
                               SignalId::CurrentA,
                               SignalId::VoltageV,
                               SignalId::ChargeEnable,
                               SignalId::DischargeEnable,
                               SignalId::AlarmHighTemperature,
                               SignalId::ProtectionHighVoltage,
                               SignalId::MaxCellVoltageV,
                               SignalId::MinCellTemperatureC,
                               SignalId::ModuleCount,
                               SignalId::ForceCharge1};
  const double kValues[] = {0, 1, 3.4, 3.6, 20, 50, 52.5, 80};
  std::vector<Reading> seen;
  std::array<std::array<std::optional<Reading>, kSignalCount>, 2> latest{};  // per battery, per signal
  Aggregator lived(settings);
  std::int64_t t = 0;
  int decisions = 0;
  for (int step = 0; step < 400; ++step) {
    // Mostly 0.1-1 s apart, sometimes 3-7 s: past the 5 s timeout of some values.
    t += (rng() % 10 == 0) ? static_cast<std::int64_t>(3 * kSecond + rng() % (4 * kSecond))
                           : static_cast<std::int64_t>(kSecond / 10 + rng() % kSecond);
    Reading r;
    r.time_us = t;
    r.source = static_cast<std::uint16_t>(rng() % 2);
    const auto apply = [&](const Reading& one) {
      lived.apply(one);
      seen.push_back(one);
      if (one.kind == ReadingKind::Signal) latest[one.source][static_cast<std::size_t>(one.signal)] = one;
    };
    const unsigned kind = static_cast<unsigned>(rng() % 20);
    if (kind < 13) {  // a frame of new (or by chance equal) values
      r.kind = ReadingKind::FrameSeen;
      apply(r);
      for (std::size_t k = 1 + rng() % 4; k > 0; --k) {
        r.kind = ReadingKind::Signal;
        r.signal = kSignals[rng() % std::size(kSignals)];
        r.value = kValues[rng() % std::size(kValues)];
        apply(r);
      }
    } else if (kind < 17) {  // the same values again: freshness moves, nothing else
      r.kind = ReadingKind::FrameSeen;
      apply(r);
      for (const std::optional<Reading>& last : latest[r.source]) {
        if (!last) continue;
        Reading again = *last;
        again.time_us = t;
        apply(again);
      }
    } else if (kind < 19) {  // a D-Bus item made unknown, alone
      r.kind = ReadingKind::SignalInvalid;
      r.signal = kSignals[rng() % std::size(kSignals)];
      apply(r);
    } else {  // a D-Bus source gone, alone
      r.kind = ReadingKind::SourceLost;
      apply(r);
    }
    // Decide now, and a while later with no reading in between (only timeouts move).
    for (const std::int64_t at : {t, t + static_cast<std::int64_t>(rng() % (6 * kSecond))}) {
      Aggregator fresh(settings);
      for (const Reading& old : seen) fresh.apply(old);
      expect_same_pack_decisions(lived.decide(at), fresh.decide(at), at);
      ++decisions;
      if (testing::Test::HasFailure()) return;
      t = at;  // time only goes forward: the next readings come after this decision
    }
  }
  EXPECT_EQ(decisions, 800);
}

}  // namespace
}  // namespace bms
