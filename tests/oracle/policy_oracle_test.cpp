// The oracle itself, on hand-written banks: each rule of docs/POLICY.md accepts what the
// policy allows and rejects what it forbids, and ambiguous instants accept either reading.
#include "policy_oracle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "emitted_frame_set.hpp"

namespace bms::oracle {
namespace {

constexpr std::int64_t kS = 1'000'000;

BatterySpec pylon_battery(const char* name) {
  BatterySpec b;
  b.name = name;
  b.interface = name;
  b.stale_after_us = 5 * kS;
  return b;
}

/// Two Pylontech batteries, 5 s stale timeout, defaults: nominal 150 A, reduced 50 A,
/// max discharge 150 A, max charge voltage 14.2 V, interval 1 s.
BankSpec two_batteries() {
  BankSpec s;
  s.batteries = {pylon_battery("b0"), pylon_battery("b1")};
  return s;
}

InputEvent frame(std::int64_t t, int battery) {
  InputEvent e;
  e.time_us = t;
  e.battery = battery;
  e.meaning = FrameMeaning::Decodes;
  return e;
}
InputEvent limits(std::int64_t t, int battery, double ccl, double dcl, double cvl) {
  InputEvent e = frame(t, battery);
  e.set(Quantity::ChargeCurrentLimit, ccl);
  e.set(Quantity::DischargeCurrentLimit, dcl);
  e.set(Quantity::ChargeVoltageLimit, cvl);
  return e;
}
InputEvent soc(std::int64_t t, int battery, double pct) {
  InputEvent e = frame(t, battery);
  e.set(Quantity::SocWhole, pct);
  return e;
}
InputEvent requests(std::int64_t t, int battery, bool charge, bool discharge) {
  InputEvent e = frame(t, battery);
  e.set(Quantity::ChargeEnable, charge ? 1 : 0);
  e.set(Quantity::DischargeEnable, discharge ? 1 : 0);
  return e;
}
EmittedFrameSet out(std::int64_t t, double ccl, double dcl, double cvl) {
  EmittedFrameSet s;
  s.time_us = t;
  s.frames = 2;
  s.charge_current_da = static_cast<std::int32_t>(ccl * 10 + 0.5);
  s.discharge_current_da = static_cast<std::int32_t>(dcl * 10 + 0.5);
  s.charge_voltage_dv = static_cast<std::int32_t>(cvl * 10 + 0.5);
  s.has_requests = true;
  s.charge_enable = ccl > 0;
  s.discharge_enable = dcl > 0;
  return s;
}

/// b0: CCL 100, DCL 80, CVL 14.0, SOC 50 %; b1: CCL 60, DCL 70, CVL 13.9, SOC 52 %, both at t
/// (and again every second until `until`).
std::vector<InputEvent> steady_bank(std::int64_t from, std::int64_t until) {
  std::vector<InputEvent> e;
  for (std::int64_t t = from; t <= until; t += kS) {
    e.push_back(limits(t, 0, 100, 80, 14.0));
    e.push_back(soc(t + 1, 0, 50));
    e.push_back(limits(t + 2, 1, 60, 70, 13.9));
    e.push_back(soc(t + 3, 1, 52));
  }
  return e;
}

std::vector<Invariant> invariants(const OracleReport& r) {
  std::vector<Invariant> v;
  for (const Violation& x : r.violations) v.push_back(x.invariant);
  return v;
}

TEST(PolicyOracle, AcceptsExactlyNTimesTheSmallestLimitInABalancedBank) {
  const auto events = steady_bank(kS, 3 * kS);
  // 2 x min(100, 60) = 120 A; 2 x min(80, 70) = 140 A (under max 150 A); min(14.2, 14.0, 13.9) V.
  const std::vector<EmittedFrameSet> sets = {out(kS + 500'000, 120, 140, 13.9), out(2 * kS + 500'000, 120, 140, 13.9)};
  const OracleReport r = check_bank(two_batteries(), events, sets, 3 * kS + 3);
  EXPECT_TRUE(r.ok()) << r.violations.front().detail;
  EXPECT_EQ(r.frame_sets, 2U);
  EXPECT_EQ(r.exact_sets, 2U);
}

TEST(PolicyOracle, RejectsTheSumOfTheLimitsAsAboveTheBound) {
  const OracleReport r =
      check_bank(two_batteries(), steady_bank(kS, kS), std::vector{out(kS + 500'000, 160, 140, 13.9)}, kS + 3);
  EXPECT_EQ(invariants(r), (std::vector{Invariant::ChargeCurrentBound, Invariant::ChargeExact}));
}

TEST(PolicyOracle, RejectsAnAlwaysZeroAggregatorInAClearState) {
  const OracleReport r =
      check_bank(two_batteries(), steady_bank(kS, kS), std::vector{out(kS + 500'000, 0, 0, 13.9)}, kS + 3);
  EXPECT_EQ(invariants(r), (std::vector{Invariant::ChargeExact, Invariant::DischargeExact}));
}

TEST(PolicyOracle, RejectsAChargeVoltageAboveTheSmallestBatteryLimit) {
  const OracleReport r =
      check_bank(two_batteries(), steady_bank(kS, kS), std::vector{out(kS + 500'000, 120, 140, 14.2)}, kS + 3);
  EXPECT_EQ(invariants(r), (std::vector{Invariant::ChargeVoltageBound, Invariant::ChargeVoltageExact}));
}

TEST(PolicyOracle, AChargeDisableHoldsAfterItsValueIsStaleUntilAFreshEnable) {
  auto events = steady_bank(kS, 12 * kS);
  events.push_back(requests(kS + 4, 1, false, true));            // sent once, at 1 s
  events.push_back(requests(10 * kS + 500'000, 1, true, true));  // enabled again at 10.5 s
  std::sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.time_us < b.time_us; });
  std::vector<EmittedFrameSet> blocked;
  for (std::int64_t t = kS + 600'000; t < 10 * kS; t += kS) blocked.push_back(out(t, 0, 140, 13.9));
  blocked.push_back(out(10 * kS + 600'000, 120, 140, 13.9));
  EXPECT_TRUE(check_bank(two_batteries(), events, blocked, 12 * kS + 3).ok());

  // Charging again at 7.6 s, when the 0 is older than the 5 s stale timeout: a violation.
  auto expired = blocked;
  expired[6] = out(7 * kS + 600'000, 120, 140, 13.9);
  // Above the bound, not blocked, not the exact 0; and the next set is late for the block.
  EXPECT_EQ(invariants(check_bank(two_batteries(), events, expired, 12 * kS + 3)),
            (std::vector{Invariant::ChargeCurrentBound, Invariant::ChargeBlocked, Invariant::ChargeExact,
                         Invariant::ProtectiveLate}));
}

TEST(PolicyOracle, AChargeDisableIsReleasedWhenTheBatteryWentOffline) {
  std::vector<InputEvent> events = steady_bank(kS, kS);
  events.push_back(requests(kS + 4, 1, false, true));
  for (const auto& e : steady_bank(8 * kS, 9 * kS)) events.push_back(e);  // b0 and b1 quiet 1..8 s
  // Both offline from 6.001 s (fail-safe: nothing allowed); at 8.5 s b1 is back after 7 s
  // offline: the disable of 1 s no longer holds.
  const std::vector<EmittedFrameSet> sets = {
      out(kS + 500'000, 0, 140, 13.9),     out(2 * kS + 500'000, 0, 140, 13.9), out(3 * kS + 500'000, 0, 140, 13.9),
      out(4 * kS + 500'000, 0, 140, 13.9), out(5 * kS + 500'000, 0, 140, 13.9), out(6 * kS + 1'100, 0, 0, 14.2),
      out(7 * kS + 1'100, 0, 0, 14.2),     out(8 * kS + 3, 120, 140, 13.9),     out(8 * kS + 500'000, 120, 140, 13.9)};
  const OracleReport r = check_bank(two_batteries(), events, sets, 9 * kS + 3);
  EXPECT_TRUE(r.ok()) << r.violations.front().detail;
  EXPECT_EQ(r.exact_sets, 9U);
}

BankSpec canopen_bank() {
  BankSpec s;
  BatterySpec b;
  b.name = "node";
  b.interface = "can20";
  b.protocol = SourceProtocol::Canopen;
  b.node_id = 5;
  b.max_charge_current = 50;
  b.stale_after_us = 5 * kS;
  s.batteries = {b};
  return s;
}
InputEvent heartbeat(std::int64_t t, double state) {
  InputEvent e = frame(t, 0);
  e.set(Quantity::NmtState, state);
  return e;
}
InputEvent emcy(std::int64_t t, double code) {
  InputEvent e = frame(t, 0);
  e.set(Quantity::EmcyCode, code);
  return e;
}

std::vector<InputEvent> canopen_node(std::int64_t until) {
  std::vector<InputEvent> e;
  for (std::int64_t t = kS; t <= until; t += kS) {
    e.push_back(heartbeat(t, 5));
    e.push_back(soc(t + 1, 0, 60));
  }
  return e;
}

TEST(PolicyOracle, AnEmcyBlocksChargingUntilTheErrorResetNotJustForTheStaleTimeout) {
  auto events = canopen_node(12 * kS);
  events.push_back(emcy(kS + 5, 0x4210));
  events.push_back(emcy(9 * kS + 5, 0x0000));
  std::sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.time_us < b.time_us; });
  std::vector<EmittedFrameSet> sets;
  // The node's own configured limit (50 A) with N = 1; discharge only the bank's cap (150 A).
  sets.push_back(out(kS + 500'000, 0, 150, 14.2));
  for (std::int64_t t = 2 * kS + 500'000; t < 9 * kS; t += kS) sets.push_back(out(t, 0, 150, 14.2));
  sets.push_back(out(9 * kS + 500'000, 50, 150, 14.2));
  EXPECT_TRUE(check_bank(canopen_bank(), events, sets, 12 * kS + 3).ok());
  sets[6] = out(7 * kS + 500'000, 50, 150, 14.2);  // 6.5 s after the EMCY: still active
  EXPECT_EQ(invariants(check_bank(canopen_bank(), events, sets, 12 * kS + 3)),
            (std::vector{Invariant::ChargeCurrentBound, Invariant::ChargeBlocked, Invariant::ChargeExact,
                         Invariant::ProtectiveLate}));
}

TEST(PolicyOracle, ANodeThatBootsUpHasNoActiveEmcy) {
  auto events = canopen_node(4 * kS);
  events.push_back(emcy(kS + 5, 0x8130));
  events.push_back(heartbeat(2 * kS + 5, 0));  // boot-up
  std::sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.time_us < b.time_us; });
  const std::vector<EmittedFrameSet> sets = {out(kS + 500'000, 0, 150, 14.2), out(2 * kS + 500'000, 50, 150, 14.2),
                                             out(3 * kS + 500'000, 50, 150, 14.2)};
  const OracleReport r = check_bank(canopen_bank(), events, sets, 4 * kS + 3);
  EXPECT_TRUE(r.ok()) << r.violations.front().detail;
  EXPECT_EQ(r.exact_sets, 3U);
}

TEST(PolicyOracle, AStoppedNodeBlocksBothDirectionsUntilItRuns) {
  auto events = canopen_node(4 * kS);
  events.push_back(heartbeat(kS + 5, 4));
  events.push_back(heartbeat(2 * kS + 5, 4));
  std::sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.time_us < b.time_us; });
  // Heartbeats at 2 s and 3 s say operational again (canopen_node), so 3.5 s charges.
  const std::vector<EmittedFrameSet> ok = {out(kS + 500'000, 0, 0, 14.2), out(2 * kS + 500'000, 0, 0, 14.2),
                                           out(3 * kS + 500'000, 50, 150, 14.2)};
  EXPECT_TRUE(check_bank(canopen_bank(), events, ok, 4 * kS + 3).ok());
  auto discharging = ok;
  discharging[1] = out(2 * kS + 500'000, 0, 150, 14.2);
  EXPECT_EQ(invariants(check_bank(canopen_bank(), events, discharging, 4 * kS + 3)),
            (std::vector{Invariant::DischargeCurrentBound, Invariant::DischargeBlocked, Invariant::DischargeExact}));
}

TEST(PolicyOracle, AFrameSetAtAStaleDeadlineMayCountTheBatteryEitherWay) {
  auto events = steady_bank(kS, kS);  // b0 and b1 at 1 s, then b1 alone
  for (std::int64_t t = 2 * kS; t <= 8 * kS; t += kS) {
    events.push_back(limits(t + 2, 1, 60, 70, 13.9));
    events.push_back(soc(t + 3, 1, 52));
  }
  std::vector<EmittedFrameSet> sets;
  for (std::int64_t t = kS + 500'000; t < 6 * kS; t += kS) sets.push_back(out(t, 120, 140, 13.9));
  // b0's last frame (1.000001 s) is exactly 5 s old at 6.000001 s: with it 120 A, without 60 A.
  sets.push_back(out(6 * kS + 1, 120, 140, 13.9));
  sets.push_back(out(6 * kS + 2, 60, 70, 13.9));
  EXPECT_TRUE(check_bank(two_batteries(), events, sets, 8 * kS + 3).ok());
  // 2 ms later b0 is offline for sure: 120 A would count a battery that is gone.
  sets.push_back(out(6 * kS + 2'000, 120, 140, 13.9));
  EXPECT_EQ(invariants(check_bank(two_batteries(), events, sets, 8 * kS + 3)),
            (std::vector{Invariant::ChargeCurrentBound, Invariant::DischargeCurrentBound, Invariant::ChargeExact,
                         Invariant::DischargeExact}));
}

TEST(PolicyOracle, TheImbalanceTierEntersAtOnceAndLeavesBelowThresholdMinusHysteresis) {
  std::vector<InputEvent> events;
  const auto bank_at = [&](std::int64_t t, double soc1) {
    events.push_back(limits(t, 0, 100, 80, 14.0));
    events.push_back(soc(t + 1, 0, 50));
    events.push_back(limits(t + 2, 1, 100, 70, 13.9));
    events.push_back(soc(t + 3, 1, soc1));
  };
  bank_at(kS, 75);      // soc_diff 25 %: alarm tier, reduced 50 A
  bank_at(2 * kS, 69);  // 19 %: still alarm (left only below 18 %)
  bank_at(3 * kS, 67);  // 17 %: warning, 0.66 x 150 = 99 A
  bank_at(4 * kS, 52);  // 2 %: balanced, min(150, 2 x 100)
  const std::vector<EmittedFrameSet> sets = {out(kS + 500'000, 50, 140, 13.9), out(2 * kS + 500'000, 50, 140, 13.9),
                                             out(3 * kS + 500'000, 99, 140, 13.9),
                                             out(4 * kS + 500'000, 150, 140, 13.9)};
  const OracleReport r = check_bank(two_batteries(), events, sets, 4 * kS + 3);
  EXPECT_TRUE(r.ok()) << r.violations.front().detail;
  EXPECT_EQ(r.exact_sets, 4U);
  auto left_too_early = sets;
  left_too_early[1] = out(2 * kS + 500'000, 99, 140, 13.9);
  // 99 A at 19 %: above the alarm tier's 50 A; and 99 A stays in force too long.
  EXPECT_EQ(invariants(check_bank(two_batteries(), events, left_too_early, 4 * kS + 3)),
            (std::vector{Invariant::ChargeCurrentBound, Invariant::ChargeExact, Invariant::ProtectiveLate}));
}

TEST(PolicyOracle, NothingOnlineMeansNoChargingAndTheFailsafeDischargeCurrent) {
  BankSpec spec = two_batteries();
  spec.failsafe_discharge_current = 10;
  const auto events = steady_bank(kS, kS);
  std::vector<EmittedFrameSet> sets;
  for (std::int64_t t = kS + 500'000; t < 6 * kS; t += kS) sets.push_back(out(t, 120, 140, 13.9));
  // Both last sent at 1.000003 s: offline for sure from 6.001004 s (5 s + 1 ms tolerance).
  sets.push_back(out(6 * kS + 1'100, 0, 10, 14.2));
  EXPECT_TRUE(check_bank(spec, events, sets, 7 * kS).ok());
  sets.back() = out(6 * kS + 1'100, 0, 140, 14.2);
  EXPECT_EQ(invariants(check_bank(spec, events, sets, 7 * kS)),
            (std::vector{Invariant::DischargeCurrentBound, Invariant::DischargeExact}));
}

TEST(PolicyOracle, RejectsAGapLongerThanTheIntervalAndALateFirstFrameSet) {
  const auto events = steady_bank(kS, 10 * kS);
  const std::vector<EmittedFrameSet> gap = {out(kS + 500'000, 120, 140, 13.9), out(2 * kS + 500'000, 120, 140, 13.9),
                                            out(3 * kS + 500'002, 120, 140, 13.9)};
  EXPECT_TRUE(check_bank(two_batteries(), events, std::vector(gap.begin(), gap.begin() + 2), 10 * kS).ok());
  EXPECT_TRUE(check_bank(two_batteries(), events, gap, 10 * kS).ok()) << "within the 1 ms tolerance";
  const std::vector<EmittedFrameSet> late_gap = {out(kS + 500'000, 120, 140, 13.9),
                                                 out(2 * kS + 502'000, 120, 140, 13.9)};
  EXPECT_EQ(invariants(check_bank(two_batteries(), events, late_gap, 10 * kS)), (std::vector{Invariant::FrameSetGap}));
  // The first set: at most the longest stale timeout (5 s) after the first frame (1 s).
  const std::vector<EmittedFrameSet> late_first = {out(6 * kS + 2'000, 120, 140, 13.9)};
  EXPECT_EQ(invariants(check_bank(two_batteries(), events, late_first, 6 * kS + 3'000)),
            (std::vector{Invariant::FirstFrameSetLate}));
}

TEST(PolicyOracle, ALimitThatFallsMustGoOutAtOnceNotAtTheNextPeriodicSet) {
  auto events = steady_bank(kS, 2 * kS);
  events.push_back(limits(kS + 700'000, 1, 0, 70, 13.9));  // b1 forbids charging at 1.7 s
  std::sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.time_us < b.time_us; });
  const std::vector<EmittedFrameSet> at_once = {out(kS + 400'000, 120, 140, 13.9), out(kS + 700'000, 0, 140, 13.9),
                                                out(2 * kS + 400'000, 120, 140, 13.9)};
  EXPECT_TRUE(check_bank(two_batteries(), events, at_once, 2 * kS + 3).ok());
  const std::vector<EmittedFrameSet> waited = {out(kS + 400'000, 120, 140, 13.9),
                                               out(2 * kS + 400'000, 120, 140, 13.9)};
  EXPECT_EQ(invariants(check_bank(two_batteries(), events, waited, 2 * kS + 3)),
            (std::vector{Invariant::ProtectiveLate}));
  // Within 200 ms of the previous protective set (off the periodic grid) it waits for the gap
  // to pass, and no longer; a periodic set just before opens no gap.
  const std::vector<EmittedFrameSet> after_protective = {
      out(kS + 400'000, 120, 140, 13.9), out(kS + 600'000, 120, 140, 13.9), out(kS + 800'000, 0, 140, 13.9),
      out(2 * kS + 400'000, 120, 140, 13.9)};
  EXPECT_TRUE(check_bank(two_batteries(), events, after_protective, 2 * kS + 3).ok());
  auto block_at_2_1 = steady_bank(kS, 3 * kS);
  block_at_2_1.push_back(limits(2 * kS + 100'000, 1, 0, 70, 13.9));
  std::sort(block_at_2_1.begin(), block_at_2_1.end(), [](auto& a, auto& b) { return a.time_us < b.time_us; });
  const std::vector<EmittedFrameSet> after_periodic = {out(kS + 4, 120, 140, 13.9), out(2 * kS + 4, 120, 140, 13.9),
                                                       out(2 * kS + 200'000, 0, 140, 13.9)};
  EXPECT_EQ(invariants(check_bank(two_batteries(), block_at_2_1, after_periodic, 3 * kS + 3)),
            (std::vector{Invariant::ProtectiveLate}));
}

TEST(PolicyOracle, TheChargeCurrentRisesNoFasterThanTheRamp) {
  BankSpec spec = two_batteries();
  spec.charge_current_ramp_a_per_s = 40;
  const auto events = steady_bank(kS, 5 * kS);
  const std::vector<EmittedFrameSet> ramped = {out(kS + 500'000, 20, 140, 13.9), out(2 * kS + 500'000, 60, 140, 13.9),
                                               out(3 * kS + 500'000, 100, 140, 13.9),
                                               out(4 * kS + 500'000, 120, 140, 13.9)};
  EXPECT_TRUE(check_bank(spec, events, ramped, 5 * kS).ok());
  auto jump = ramped;
  jump[2] = out(3 * kS + 500'000, 120, 140, 13.9);
  EXPECT_EQ(invariants(check_bank(spec, events, jump, 5 * kS)), (std::vector{Invariant::RampRate}));
}

// Found by fuzz_policy_oracle: a bank whose frames all belong to no battery still gets its
// final set; with a ramp the oracle measured the ramp's time from an input that never came.
TEST(PolicyOracle, AFrameSetBeforeAnyInputIsCheckedWithoutARampHeadStart) {
  BankSpec spec = two_batteries();
  spec.charge_current_ramp_a_per_s = 40;
  InputEvent foreign;
  foreign.time_us = 3 * kS;
  const OracleReport r = check_bank(spec, std::vector{foreign}, std::vector{out(3 * kS, 0, 0, 14.2)}, 3 * kS);
  EXPECT_TRUE(r.ok()) << r.violations.front().detail;
  EXPECT_EQ(r.exact_sets, 1U);
}

TEST(PolicyOracle, AProfileWithRequestFramesMustSendThem) {
  EmittedFrameSet s = out(kS + 500'000, 120, 140, 13.9);
  s.has_requests = false;
  EXPECT_EQ(invariants(check_bank(two_batteries(), steady_bank(kS, kS), std::vector{s}, kS + 3)),
            (std::vector{Invariant::FrameSetShape}));
  BankSpec sma = two_batteries();
  sma.profile = OutputProfile::Sma;
  EXPECT_TRUE(check_bank(sma, steady_bank(kS, kS), std::vector{s}, kS + 3).ok());
}

TEST(EmittedFrameSets, ReadsLimitsAndEnablesFromTheWireBytesAndSplitsAtEach0x351) {
  CanFrame limits;
  limits.id = 0x351;
  limits.dlc = 8;
  limits.data = {0x8E, 0x00, 0xB0, 0x04, 0x78, 0x05, 0x73, 0x00};  // 14.2 V, 120.0 A, 140.0 A, 11.5 V
  CanFrame requests;
  requests.id = 0x35C;
  requests.dlc = 2;
  requests.data = {0x80, 0x00};  // charge enable only
  std::vector<CanFrame> frames = {limits, requests, limits};
  for (auto& f : frames) f.time_us = 7;
  frames[2].time_us = 9;
  const auto sets = split_frame_sets(frames);
  ASSERT_EQ(sets.size(), 2U);
  EXPECT_EQ(sets[0].charge_voltage_dv, 142);
  EXPECT_EQ(sets[0].charge_current_da, 1200);
  EXPECT_EQ(sets[0].discharge_current_da, 1400);
  EXPECT_EQ(sets[0].discharge_voltage_dv, 115);
  EXPECT_TRUE(sets[0].has_requests);
  EXPECT_TRUE(sets[0].charge_enable);
  EXPECT_FALSE(sets[0].discharge_enable);
  EXPECT_TRUE(sets[0].well_formed);
  EXPECT_EQ(sets[1].time_us, 9);
  EXPECT_FALSE(sets[1].has_requests);
}

}  // namespace
}  // namespace bms::oracle
