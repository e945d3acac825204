// The history in front of the D-Bus service: attached to every snapshot, saved rarely.
#include "app/history_tracker.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

namespace bms {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kSecond = 1'000'000;

struct Recorder final : SnapshotPublisher {
  std::vector<Snapshot> seen;
  void publish(const Snapshot& s, PublishReason) override { seen.push_back(s); }
};

Snapshot discharging_at(std::int64_t t_us) {
  Snapshot s;
  s.time_us = t_us;
  s.batteries_online = 1;
  s.installed_capacity_ah = 100;
  s.capacity_ah = 50;
  s.soc_pct = 50;
  s.current_a = -36;
  s.voltage_v = 50;
  s.power_w = -1800;
  return s;
}

class AHistoryTracker : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("bms-tracker-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string file() const { return (dir / "state.toml").string(); }
  fs::path dir;
  Recorder next;
};

TEST_F(AHistoryTracker, AttachesTheHistoryToEverySnapshotItPassesOn) {
  HistoryTracker tracker(next, "", kHistorySaveIntervalUs, [] { return std::int64_t{0}; });
  tracker.publish(discharging_at(0), PublishReason::Periodic);
  tracker.publish(discharging_at(10 * kSecond), PublishReason::Protective);
  ASSERT_EQ(next.seen.size(), 2U);
  ASSERT_TRUE(next.seen[1].history);
  EXPECT_DOUBLE_EQ(next.seen[1].history->counters.total_ah_drawn, -0.1);  // 36 A for 10 s
  EXPECT_DOUBLE_EQ(next.seen[1].history->counters.deepest_discharge_ah, -50.0);
  EXPECT_EQ(next.seen[1].history->charge_cycles, 0U);
}

TEST_F(AHistoryTracker, SavesOncePerIntervalOfEngineTimeAndAtTheEnd) {
  HistoryTracker tracker(next, file(), 15 * 60 * kSecond, [] { return std::int64_t{1000}; });
  for (std::int64_t t = 0; t < 20 * 60 * kSecond; t += 2 * kSecond)
    tracker.publish(discharging_at(t), PublishReason::Periodic);
  tracker.wait_saved();
  EXPECT_EQ(tracker.saves(), 1U);  // at 15 min, not at every update
  tracker.publish(discharging_at(20 * 60 * kSecond), PublishReason::Final);
  tracker.wait_saved();
  EXPECT_EQ(tracker.saves(), 2U);
  // A restart continues from what the Final save wrote.
  Recorder again;
  HistoryTracker restarted(again, file(), 15 * 60 * kSecond, [] { return std::int64_t{1000}; });
  EXPECT_EQ(restarted.counters(), tracker.counters());
  EXPECT_NEAR(restarted.counters().total_ah_drawn, -12.0, 1e-9);  // 36 A for 20 min, summed 600 times
}

TEST_F(AHistoryTracker, DoesNotWriteWhenNothingChanged) {
  HistoryTracker tracker(next, file(), 60 * kSecond, [] { return std::int64_t{1000}; });
  Snapshot idle;  // nothing known: no counter moves
  for (std::int64_t t = 0; t <= 10 * 60 * kSecond; t += 2 * kSecond) {
    idle.time_us = t;
    tracker.publish(idle, PublishReason::Periodic);
  }
  tracker.publish(idle, PublishReason::Final);
  tracker.wait_saved();
  EXPECT_EQ(tracker.saves(), 0U);
  EXPECT_FALSE(fs::exists(file()));
}

}  // namespace
}  // namespace bms
