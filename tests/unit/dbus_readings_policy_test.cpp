// The readings only D-Bus sources produce (SignalInvalid, SourceLost, a D-Bus pack's power,
// a bank shunt) under the policy of docs/POLICY.md, and the pipeline draining a side input
// beside the frame source in time order.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/pipeline.hpp"
#include "core/aggregator.hpp"
#include "core/engine.hpp"
#include "test_readings.hpp"

namespace bms {
namespace {

using test::battery_set;
using test::frame;
using test::kSecond;

Settings dbus_bank(int packs) {
  Settings s;
  s.charge.nominal_charge_current = 300.0;
  s.charge.max_discharge_current = 250.0;
  s.charge.max_charge_voltage = 57.0;
  for (int i = 0; i < packs; ++i) {
    BatterySettings b;
    b.name = std::string(1, static_cast<char>('A' + i));
    b.protocol = BatteryProtocol::Dbus;
    b.dbus_serial = "S" + std::to_string(i);
    b.capacity_ah = 100;
    b.stale_after_ms = 5000;
    s.batteries.push_back(b);
  }
  return s;
}

Reading kind_of(ReadingKind kind, std::int64_t t, std::uint16_t source, SignalId signal = {}) {
  Reading r;
  r.time_us = t;
  r.source = source;
  r.kind = kind;
  r.signal = signal;
  return r;
}

void feed(Aggregator& a, const std::vector<Reading>& readings) {
  for (const auto& r : readings) a.apply(r);
}

// POLICY "A battery that blocks": an unknown limit blocks (invalid on D-Bus is unknown).
TEST(DbusReadingsPolicy, AnInvalidatedChargeLimitBlocksChargingUntilAFreshOne) {
  Aggregator a(dbus_bank(2));
  feed(a, battery_set(0, 0, 50, 80));
  feed(a, battery_set(0, 1, 50, 90));
  EXPECT_EQ(a.evaluate(0).charge_current_limit_a, 160.0);
  a.apply(kind_of(ReadingKind::SignalInvalid, kSecond, 1, SignalId::ChargeCurrentLimitA));
  Snapshot s = a.evaluate(kSecond);
  EXPECT_EQ(s.charge_current_limit_a, 0.0);
  EXPECT_EQ(s.blocking_charge, 1);
  EXPECT_EQ(s.discharge_current_limit_a, 200.0);
  feed(a, frame(2 * kSecond, 1, {{SignalId::ChargeCurrentLimitA, 70}}));
  EXPECT_EQ(a.evaluate(2 * kSecond).charge_current_limit_a, 140.0);
}

// POLICY "Which batteries count": a source that says it is gone is offline at once.
TEST(DbusReadingsPolicy, ASourceLostIsOfflineAtOnceNotAfterItsTimeout) {
  Aggregator a(dbus_bank(2));
  feed(a, battery_set(0, 0, 50, 80));
  feed(a, battery_set(0, 1, 50, 90));
  a.apply(kind_of(ReadingKind::SourceLost, 1000, 1));
  const Snapshot s = a.evaluate(1000);
  EXPECT_EQ(s.batteries_online, 1);
  EXPECT_EQ(s.batteries_offline, 1);
  EXPECT_EQ(s.alarms.bms_cable, 1);
  EXPECT_EQ(s.charge_current_limit_a, 80.0);
  // A fresh FrameSeen brings it back with what it says from then on.
  feed(a, battery_set(2000, 1, 50, 90));
  EXPECT_EQ(a.evaluate(2000).batteries_online, 2);
}

// POLICY "When the inverter hears about a change": a battery going offline is protective.
TEST(DbusReadingsPolicy, ASourceLostIsPublishedProtectivelyAtItsTime) {
  Engine e(dbus_bank(2));
  struct Rec final : SnapshotPublisher {
    std::vector<std::pair<std::int64_t, PublishReason>> seen;
    std::uint16_t last_online = 0;
    void publish(const Snapshot& s, PublishReason r) override {
      seen.emplace_back(s.time_us, r);
      last_online = s.batteries_online;
    }
  } rec;
  e.add_publisher(rec, 10 * kSecond, 200'000);
  for (const auto& r : battery_set(0, 0, 50)) e.on_reading(r);
  for (const auto& r : battery_set(0, 1, 50)) e.on_reading(r);
  e.on_reading(kind_of(ReadingKind::Tick, 0, kSourceClock));
  e.on_reading(kind_of(ReadingKind::SourceLost, 500'000, 1));
  e.on_reading(kind_of(ReadingKind::Tick, 500'000, kSourceClock));
  ASSERT_FALSE(rec.seen.empty());
  EXPECT_EQ(rec.seen.back().first, 500'000);
  EXPECT_EQ(rec.seen.back().second, PublishReason::Protective);
  EXPECT_EQ(rec.last_online, 1);
}

TEST(DbusReadingsPolicy, APacksOwnPowerIsSummedWhereItIsMeasured) {
  Aggregator a(dbus_bank(2));
  feed(a, battery_set(0, 0, 50));  // 52 V x 10 A, no power of its own
  feed(a, battery_set(0, 1, 50));
  feed(a, frame(0, 1, {{SignalId::PowerW, 515.0}}));
  EXPECT_EQ(a.evaluate(0).power_w, 520.0 + 515.0);
}

// POLICY "A battery that blocks" for a service without limits taken with accept_non_bms:
// its configured limit, and charging blocked while its SOC is unknown.
TEST(DbusReadingsPolicy, AnAcceptedNonBmsUsesItsConfiguredLimits) {
  Settings s = dbus_bank(2);
  s.batteries[1].accept_non_bms = true;
  s.batteries[1].max_charge_current = 40;
  Aggregator a(s);
  feed(a, battery_set(0, 0, 50, 80));
  feed(a, frame(0, 1, {{SignalId::SocPct, 50}, {SignalId::VoltageV, 52}}));
  EXPECT_EQ(a.evaluate(0).charge_current_limit_a, 80.0);  // 2 x min(80, 40)
  a.apply(kind_of(ReadingKind::SignalInvalid, 1, 1, SignalId::SocPct));
  EXPECT_EQ(a.evaluate(1).charge_current_limit_a, 0.0);
}

TEST(DbusReadingsPolicy, AFreshBankShuntGivesTheBankCurrentAndPower) {
  Settings s = dbus_bank(2);
  s.bank.current_source = "com.victronenergy.battery.ttyUSB7";
  Aggregator a(s);
  feed(a, battery_set(0, 0, 50));
  feed(a, battery_set(0, 1, 50));
  EXPECT_EQ(a.evaluate(0).current_a, 20.0);  // no shunt heard yet: the packs' sum
  feed(a, frame(0, kSourceBankShunt, {{SignalId::CurrentA, 18.5}, {SignalId::VoltageV, 52.0}}));
  Snapshot snap = a.evaluate(0);
  EXPECT_EQ(snap.current_a, 18.5);
  EXPECT_EQ(snap.power_w, 52.0 * 18.5);
  EXPECT_EQ(snap.batteries_online, 2);
  // Stale after 5 s: back to the sum of the packs that are still fresh.
  feed(a, battery_set(6 * kSecond, 0, 50));
  feed(a, battery_set(6 * kSecond, 1, 50));
  EXPECT_EQ(a.evaluate(6 * kSecond).current_a, 20.0);
}

/// Ticks at 0, 1 and 2 s, on a clock 1000 s behind CLOCK_MONOTONIC.
class PacedSource final : public FrameSource {
 public:
  SourceResult run(FrameHandler& handler, std::stop_token) override {
    for (int k = 0; k < 3; ++k) handler.on_tick(k * kSecond);
    return {true, "", 3 * kSecond};
  }
  [[nodiscard]] std::optional<std::int64_t> time_from_monotonic(std::int64_t mono) const noexcept override {
    return mono - 1'000'000'000;
  }
};

TEST(PipelineSideInput, SideReadingsJoinTheFrameSourcesTimeLineInOrder) {
  Settings s = dbus_bank(1);
  Engine engine(s);
  struct Rec final : SnapshotPublisher {
    std::vector<std::int64_t> times;
    double last_ccl = -1;
    void publish(const Snapshot& snap, PublishReason) override {
      times.push_back(snap.time_us);
      last_ccl = snap.charge_current_limit_a;
    }
  } rec;
  engine.add_publisher(rec, 10 * kSecond, 200'000);
  Pipeline pipeline(s, engine);
  SideInput side;
  pipeline.set_side_input(&side);
  PacedSource source;
  // Pushed before the run: monotonic 1001.5 s is source time 1.5 s, between its ticks.
  for (Reading r : battery_set(1'001'500'000, 0, 50, 70)) EXPECT_TRUE(side.push(r));
  const PipelineResult result = pipeline.run(source, {});
  EXPECT_EQ(result.side_readings, 11U);
  EXPECT_EQ(engine.aggregator().battery(0).last_frame_us(), 1'500'000);
  EXPECT_EQ(rec.last_ccl, 70.0);
  EXPECT_EQ(side.dropped(), 0U);
}

TEST(PipelineSideInput, AFullSideRingDropsAndCountsInsteadOfBlocking) {
  SideInput side(4);
  Reading r;
  int pushed = 0;
  for (int i = 0; i < 10; ++i) pushed += side.push(r) ? 1 : 0;
  EXPECT_EQ(pushed, 7);  // capacity rounds up to 8 slots, one stays free
  EXPECT_EQ(side.dropped(), 3U);
}

}  // namespace
}  // namespace bms
