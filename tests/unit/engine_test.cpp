#include "core/engine.hpp"

#include <gtest/gtest.h>

#include "test_readings.hpp"

namespace bms {
namespace {

using test::battery_set;
using test::frame;
using test::kSecond;

struct Recorder final : SnapshotPublisher {
  struct Entry {
    std::int64_t t;
    PublishReason reason;
    double ccl;
    std::uint16_t online;
  };
  std::vector<Entry> entries;
  void publish(const Snapshot& s, PublishReason reason) override {
    entries.push_back({s.time_us, reason, s.charge_current_limit_a, s.batteries_online});
  }
};

Settings two_batteries() {
  Settings s;
  s.charge.nominal_charge_current = 300.0;
  for (int i = 0; i < 2; ++i) {
    BatterySettings b;
    b.name = i == 0 ? "A" : "B";
    b.interface = "can" + std::to_string(i);
    b.capacity_ah = 100;
    b.stale_after_ms = 3000;
    s.batteries.push_back(b);
  }
  return s;
}

void feed(Engine& e, const std::vector<Reading>& readings) {
  for (const auto& r : readings) e.on_reading(r);
}

/// Both batteries send their set every second from t0, for `seconds` seconds.
void steady(Engine& e, std::int64_t t0, int seconds, double ccl = 100.0) {
  for (int k = 0; k < seconds; ++k) {
    feed(e, battery_set(t0 + k * kSecond, 0, 50, ccl));
    feed(e, battery_set(t0 + k * kSecond + 10'000, 1, 50, ccl));
  }
}

TEST(Engine, PublishesOnAFixedGridOfLogTime) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  steady(e, 0, 4);
  e.finish(3 * kSecond + 500'000);
  // Outputs open when both batteries have reported (B at 10 ms); then every second.
  ASSERT_EQ(rec.entries.size(), 5U);
  EXPECT_EQ(rec.entries[0].t, 10'000);
  EXPECT_EQ(rec.entries[1].t, 1'010'000);
  EXPECT_EQ(rec.entries[2].t, 2'010'000);
  EXPECT_EQ(rec.entries[3].t, 3'010'000);
  EXPECT_EQ(rec.entries[4].reason, PublishReason::Final);
  EXPECT_EQ(rec.entries[4].t, 3'500'000);
  EXPECT_DOUBLE_EQ(rec.entries[0].ccl, 200.0);
}

TEST(Engine, ProtectiveChangeIsPublishedAtTheInputFrameTimestamp) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  steady(e, 0, 2);
  feed(e, frame(1'500'123, 0, {{SignalId::ChargeEnable, 0}}));
  e.finish(1'600'000);
  ASSERT_EQ(rec.entries.size(), 4U);
  EXPECT_EQ(rec.entries[2].t, 1'500'123);
  EXPECT_EQ(rec.entries[2].reason, PublishReason::Protective);
  EXPECT_DOUBLE_EQ(rec.entries[2].ccl, 0.0);
}

TEST(Engine, AProtectiveChangeRightAfterAPeriodicSetIsNotHeldBack) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  steady(e, 0, 2);
  // The periodic set went out at 1.01 s; 2 ms later a BMS blocks charging.
  feed(e, frame(1'012'000, 0, {{SignalId::ChargeCurrentLimitA, 0.0}}));
  e.finish(1'100'000);
  ASSERT_EQ(rec.entries.size(), 4U);
  EXPECT_EQ(rec.entries[1].t, 1'010'000);
  EXPECT_EQ(rec.entries[1].reason, PublishReason::Periodic);
  EXPECT_EQ(rec.entries[2].t, 1'012'000);
  EXPECT_EQ(rec.entries[2].reason, PublishReason::Protective);
  EXPECT_DOUBLE_EQ(rec.entries[2].ccl, 0.0);
}

TEST(Engine, ProtectiveChangesAreRateLimitedButNeverLost) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  steady(e, 0, 1);
  feed(e, frame(50'000, 0, {{SignalId::ChargeCurrentLimitA, 40.0}}));   // at once
  feed(e, frame(100'000, 0, {{SignalId::ChargeCurrentLimitA, 30.0}}));  // 50 ms after that one
  e.finish(400'000);
  ASSERT_EQ(rec.entries.size(), 4U);
  EXPECT_EQ(rec.entries[1].t, 50'000);
  EXPECT_EQ(rec.entries[1].reason, PublishReason::Protective);
  EXPECT_DOUBLE_EQ(rec.entries[1].ccl, 80.0);
  EXPECT_EQ(rec.entries[2].t, 250'000);  // held until 200 ms after the previous protective set
  EXPECT_EQ(rec.entries[2].reason, PublishReason::Protective);
  EXPECT_DOUBLE_EQ(rec.entries[2].ccl, 60.0);
}

TEST(Engine, IncreasesWaitForTheNextPeriodicTick) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  steady(e, 0, 1, 50.0);
  feed(e, frame(500'000, 0, {{SignalId::ChargeCurrentLimitA, 90.0}}));
  feed(e, frame(500'000, 1, {{SignalId::ChargeCurrentLimitA, 90.0}}));
  e.finish(1'100'000);
  ASSERT_EQ(rec.entries.size(), 3U);
  EXPECT_EQ(rec.entries[1].t, 1'010'000);
  EXPECT_EQ(rec.entries[1].reason, PublishReason::Periodic);
  EXPECT_DOUBLE_EQ(rec.entries[1].ccl, 180.0);
}

TEST(Engine, ABatteryGoingStaleIsAnEventAtItsExactTimeout) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, 10 * kSecond, 200'000);
  steady(e, 0, 1);
  // Only A keeps talking; B's last frame was at 10 ms, stale after 3 s.
  for (int k = 1; k <= 5; ++k) feed(e, battery_set(k * kSecond, 0, 50));
  e.finish(5 * kSecond);
  ASSERT_GE(rec.entries.size(), 2U);
  EXPECT_EQ(rec.entries[1].t, 3'010'001);
  EXPECT_EQ(rec.entries[1].reason, PublishReason::Protective);
  EXPECT_EQ(rec.entries[1].online, 1);
  EXPECT_DOUBLE_EQ(rec.entries[1].ccl, 100.0);
}

TEST(Engine, ALimitGoingStaleWhileTheBatteryTalksIsAnEventAtItsExactTimeout) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, 10 * kSecond, 200'000);
  steady(e, 0, 1);
  // Both keep sending SOC frames, but A's limits frame stopped at 0 (stale after 3 s).
  for (int k = 1; k <= 5; ++k) {
    feed(e, frame(k * kSecond, 0, {{SignalId::SocPct, 50}}));
    feed(e, battery_set(k * kSecond + 10'000, 1, 50));
  }
  e.finish(5 * kSecond + 20'000);
  ASSERT_GE(rec.entries.size(), 2U);
  EXPECT_EQ(rec.entries[1].t, 3'000'001);
  EXPECT_EQ(rec.entries[1].reason, PublishReason::Protective);
  EXPECT_DOUBLE_EQ(rec.entries[1].ccl, 0.0);
  EXPECT_EQ(rec.entries[1].online, 2);
}

TEST(Engine, OutputsOpenAfterTheGraceWhenABatteryNeverSpeaks) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  for (int k = 0; k < 5; ++k) feed(e, battery_set(k * kSecond, 0, 50));
  e.finish(5 * kSecond);
  ASSERT_FALSE(rec.entries.empty());
  EXPECT_EQ(rec.entries[0].t, 3 * kSecond);  // the longest stale timeout after the first reading
  EXPECT_EQ(rec.entries[0].online, 1);
}

TEST(Engine, AQuietLogStillTicksEveryInterval) {
  Engine e(two_batteries());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  steady(e, 0, 1);
  feed(e, battery_set(10 * kSecond, 0, 50));  // ten quiet seconds
  // Periodic ticks at 1.01 .. 9.01 s, and the two batteries going stale in between: A at
  // 3.000001 s; B at 3.010001 s, within 200 ms of A's protective set: it goes out when that
  // gap has passed, at 3.200001 s.
  std::vector<std::pair<std::int64_t, PublishReason>> got;
  for (const auto& en : rec.entries) got.emplace_back(en.t, en.reason);
  const std::vector<std::pair<std::int64_t, PublishReason>> expected = {
      {10'000, PublishReason::Periodic},    {1'010'000, PublishReason::Periodic},
      {2'010'000, PublishReason::Periodic}, {3'000'001, PublishReason::Protective},
      {3'010'000, PublishReason::Periodic}, {3'200'001, PublishReason::Protective}, {4'010'000, PublishReason::Periodic},
      {5'010'000, PublishReason::Periodic}, {6'010'000, PublishReason::Periodic},
      {7'010'000, PublishReason::Periodic}, {8'010'000, PublishReason::Periodic},
      {9'010'000, PublishReason::Periodic}};
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace bms
