// A Gap reading (a replayed log whose time jumps forward, issue 14 item 6): the periodic grid
// skips the gap and restarts at its end; the batteries still go stale inside it.
#include <gtest/gtest.h>

#include "core/engine.hpp"
#include "test_readings.hpp"

namespace bms {
namespace {

using test::battery_set;
using test::kSecond;

struct Recorder final : SnapshotPublisher {
  std::vector<std::pair<std::int64_t, PublishReason>> entries;
  void publish(const Snapshot& s, PublishReason reason) override { entries.emplace_back(s.time_us, reason); }
};

Settings one_battery() {
  Settings s;
  BatterySettings b;
  b.name = "A";
  b.interface = "can0";
  b.capacity_ah = 100;
  b.stale_after_ms = 3000;
  s.batteries.push_back(b);
  return s;
}

Reading gap_to(std::int64_t t) {
  Reading r;
  r.time_us = t;
  r.kind = ReadingKind::Gap;
  return r;
}

TEST(AnEngineAcrossAGap, PublishesOnlyTheStalenessInsideAndRestartsTheGridAtItsEnd) {
  Engine e(one_battery());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  for (const Reading& r : battery_set(0, 0, 50)) e.on_reading(r);
  for (const Reading& r : battery_set(kSecond, 0, 50)) e.on_reading(r);
  const std::int64_t resume = 1'000'000 * kSecond;  // about 11.6 days later
  e.on_reading(gap_to(resume));
  for (const Reading& r : battery_set(resume, 0, 50)) e.on_reading(r);
  for (const Reading& r : battery_set(resume + 500'000, 0, 50)) e.on_reading(r);
  e.finish(resume + 2 * kSecond + 100'000);

  const std::vector<std::pair<std::int64_t, PublishReason>> expected = {
      {0, PublishReason::Periodic},
      {kSecond, PublishReason::Periodic},
      {4 * kSecond + 1, PublishReason::Protective},  // A's values (sent at 1 s) expire: offline, fail-safe
      {resume, PublishReason::Periodic},             // the grid restarts at the first reading after the gap
      {resume + kSecond, PublishReason::Periodic},
      {resume + 2 * kSecond, PublishReason::Periodic},
      {resume + 2 * kSecond + 100'000, PublishReason::Final},
  };
  EXPECT_EQ(rec.entries, expected);
}

TEST(AnEngineAcrossAGap, IgnoresAGapBeforeItsFirstReading) {
  Engine e(one_battery());
  Recorder rec;
  e.add_publisher(rec, kSecond, 200'000);
  e.on_reading(gap_to(5 * kSecond));
  for (const Reading& r : battery_set(6 * kSecond, 0, 50)) e.on_reading(r);
  e.finish(7 * kSecond);
  ASSERT_EQ(rec.entries.size(), 3U);
  EXPECT_EQ(rec.entries[0].first, 6 * kSecond);
  EXPECT_EQ(rec.entries[1].first, 7 * kSecond);
}

}  // namespace
}  // namespace bms
