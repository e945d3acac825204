// How the taper rules reach the outputs: the engine treats cell values, temperatures and
// currents as decisions when the rules are on, a reload applies [cells], the new alarms are
// protective changes, and the 0x35A charge-temperature pairs carry them to the inverter.
#include <gtest/gtest.h>

#include "app/status_line.hpp"
#include "core/engine.hpp"
#include "core/frame_set.hpp"
#include "core/output_schedule.hpp"
#include "protocols/pylon/pylon_codec.hpp"
#include "test_readings.hpp"

namespace bms {
namespace {

using test::battery_set;
using test::frame;
using test::kSecond;

struct Recorder final : SnapshotPublisher {
  std::vector<Snapshot> seen;
  std::vector<PublishReason> reasons;
  void publish(const Snapshot& s, PublishReason reason) override {
    seen.push_back(s);
    reasons.push_back(reason);
  }
};

Settings one_lfp_battery(bool cells) {
  Settings s;
  s.charge.nominal_charge_current = 300.0;
  if (cells) s.cells = chemistry_defaults(Chemistry::Lfp);
  BatterySettings b;
  b.name = "A";
  b.interface = "can0";
  b.capacity_ah = 100;
  s.batteries.push_back(b);
  return s;
}

void feed(Engine& e, const std::vector<Reading>& readings) {
  for (const auto& r : readings) e.on_reading(r);
}

TEST(TaperOutputs, AHighCellIsAProtectiveChangeAtItsFramesTimestamp) {
  Engine e(one_lfp_battery(true));
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  feed(e, battery_set(0, 0, 60));
  feed(e, frame(100'000, 0, {{SignalId::MaxCellVoltageV, 3.40}, {SignalId::MinCellVoltageV, 3.30}}));
  feed(e, frame(400'000, 0, {{SignalId::MaxCellVoltageV, 3.60}}));  // charging must stop now
  e.finish(600'000);                                                // (finish publishes a final snapshot too)
  ASSERT_EQ(rec.seen.size(), 3U);
  EXPECT_EQ(rec.seen[1].time_us, 400'000);
  EXPECT_EQ(rec.reasons[1], PublishReason::Protective);
  EXPECT_EQ(rec.seen[1].charge_current_limit_a, 0.0);
  EXPECT_EQ(rec.seen[1].charge_limited_by, LimitReason::CellVoltage);
}

TEST(TaperOutputs, WithoutCellsACellValueIsNoDecision) {
  Engine e(one_lfp_battery(false));
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  feed(e, battery_set(0, 0, 60));
  feed(e, frame(400'000, 0, {{SignalId::MaxCellVoltageV, 3.60}}));
  e.finish(600'000);
  ASSERT_EQ(rec.seen.size(), 2U);  // the first publication at t=0 and the final one; none at 0.4 s
  EXPECT_EQ(rec.seen[1].time_us, 600'000);
  EXPECT_EQ(rec.reasons[1], PublishReason::Final);
  EXPECT_EQ(rec.seen[1].charge_current_limit_a, 100.0);
}

TEST(TaperOutputs, AReloadTurnsTheTapersOn) {
  Engine e(one_lfp_battery(false));
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  feed(e, battery_set(0, 0, 60));
  feed(e, frame(100'000, 0, {{SignalId::MaxCellVoltageV, 3.60}}));
  e.apply_policy(one_lfp_battery(true));
  feed(e, frame(300'000, 0, {{SignalId::MaxCellVoltageV, 3.61}}));
  e.finish(600'000);
  ASSERT_GE(rec.seen.size(), 2U);
  EXPECT_EQ(rec.seen.back().charge_current_limit_a, 0.0);
  EXPECT_EQ(rec.seen.back().alarms.high_cell_voltage, 1);
}

TEST(TaperOutputs, EachNewAlarmRisingIsProtective) {
  const Snapshot before;
  for (std::uint8_t Alarms::*field :
       {&Alarms::low_soc, &Alarms::low_cell_voltage, &Alarms::high_cell_voltage, &Alarms::low_charge_temperature,
        &Alarms::high_charge_temperature, &Alarms::high_internal_temperature, &Alarms::state_of_health}) {
    Snapshot after = before;
    after.alarms.*field = 1;
    EXPECT_TRUE(is_protective_change(ProtectiveLevels::of(before), after));
    EXPECT_FALSE(is_protective_change(ProtectiveLevels::of(after), before));
    EXPECT_EQ(after.alarms.worst(), 1);
  }
}

TEST(TaperOutputs, ChargeTemperatureAlarmsTravelIn35APairs) {
  Snapshot s;
  s.failsafe = false;
  s.batteries_online = 1;
  s.alarms.low_charge_temperature = 2;
  s.alarms.high_charge_temperature = 1;
  OutputSettings o;
  o.enabled = true;
  o.profile = OutputProfile::Sma;
  const FrameSet set = build_frame_set(s, o);
  const CanFrame* pairs = nullptr;
  for (const auto& f : set.view()) {
    if (f.id == 0x35A) pairs = &f;
  }
  ASSERT_NE(pairs, nullptr);
  const DecodedFrame d = pylon::decode(*pairs);
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  std::map<SignalId, double> v;
  for (const auto& x : d.values()) v[x.id] = x.value;
  EXPECT_EQ(v.at(SignalId::ProtectionLowChargeTemperature), 1.0);
  EXPECT_EQ(v.at(SignalId::AlarmLowChargeTemperature), 0.0);
  EXPECT_EQ(v.at(SignalId::AlarmHighChargeTemperature), 1.0);
  EXPECT_EQ(v.at(SignalId::ProtectionHighChargeTemperature), 0.0);
}

TEST(TaperOutputs, TheStatusLineNamesATaperOrShareThatSetALimit) {
  Snapshot s;
  s.failsafe = false;
  s.charge_limited_by = LimitReason::BatteryLimits;
  s.discharge_limited_by = LimitReason::Configured;
  EXPECT_EQ(format_status_line(s).find("<-"), std::string::npos);
  s.charge_limited_by = LimitReason::Temperature;
  s.discharge_limited_by = LimitReason::CurrentShare;
  const std::string line = format_status_line(s);
  EXPECT_NE(line.find("  CCL<-temperature"), std::string::npos) << line;
  EXPECT_NE(line.find("  DCL<-current_share"), std::string::npos) << line;
}

}  // namespace
}  // namespace bms
