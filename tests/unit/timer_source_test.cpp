// TimerSource: the frame source of a bank without CAN ports ticks when the engine's next
// timer is due (and at least once a second), on CLOCK_MONOTONIC.
#include "io/timer_source.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace bms {
namespace {

std::int64_t mono_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Ticks final : FrameHandler {
  std::mutex m;
  std::vector<std::int64_t> times;
  void on_frame(const CanFrame&) override {}
  void on_tick(std::int64_t now_us) override {
    std::lock_guard lock(m);
    times.push_back(now_us);
  }
  std::size_t count() {
    std::lock_guard lock(m);
    return times.size();
  }
};

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(TimerSource, TicksAtOnceThenWhenTheEnginesNextTimerIsDue) {
  TimerSource source;
  Ticks ticks;
  std::stop_source stop;
  std::jthread runner([&] { (void)source.run(ticks, stop.get_token()); });
  ASSERT_TRUE(wait_for([&] { return ticks.count() >= 1; }, std::chrono::seconds(5)));
  const std::int64_t due = mono_us() + 30'000;
  source.set_next_deadline(due);
  ASSERT_TRUE(wait_for([&] { return ticks.count() >= 2; }, std::chrono::seconds(5)));
  stop.request_stop();
  runner.join();
  std::lock_guard lock(ticks.m);
  EXPECT_GE(ticks.times[1], due);            // not before the timer
  EXPECT_LT(ticks.times[1], due + 900'000);  // and not at the 1 s fallback
  EXPECT_EQ(source.time_from_monotonic(1234), 1234);
}

TEST(TimerSource, TicksAtLeastOnceASecondWithoutATimer) {
  TimerSource source;
  Ticks ticks;
  std::stop_source stop;
  std::jthread runner([&] { (void)source.run(ticks, stop.get_token()); });
  ASSERT_TRUE(wait_for([&] { return ticks.count() >= 2; }, std::chrono::seconds(5)));
  stop.request_stop();
  runner.join();
  std::lock_guard lock(ticks.m);
  EXPECT_GE(ticks.times[1] - ticks.times[0], TimerSource::kMaxIntervalUs);
}

}  // namespace
}  // namespace bms
