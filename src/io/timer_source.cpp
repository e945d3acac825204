#include "io/timer_source.hpp"

#include <algorithm>
#include <chrono>

namespace bms {
namespace {
std::int64_t monotonic_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void TimerSource::set_next_deadline(std::int64_t time_us) {
  {
    std::lock_guard lock(mutex_);
    if (time_us == deadline_us_) return;
    deadline_us_ = time_us;
    ++generation_;
  }
  changed_.notify_one();
}

SourceResult TimerSource::run(FrameHandler& handler, std::stop_token stop) {
  SourceResult result;
  std::int64_t now = monotonic_now_us();
  handler.on_tick(now);  // the engine's clock starts now
  handler.flush();
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    now = monotonic_now_us();
    std::int64_t wake = now + kMaxIntervalUs;
    if (deadline_us_ > 0) wake = std::min(wake, std::max(deadline_us_, now));
    const std::uint64_t seen = generation_;
    const auto due = std::chrono::steady_clock::time_point(std::chrono::microseconds(wake));
    // Wakes at the deadline, on stop, or when the engine's next timer moved.
    const bool moved = changed_.wait_until(lock, stop, due, [&] { return generation_ != seen; });
    if (stop.stop_requested()) break;
    if (moved && monotonic_now_us() < deadline_us_) continue;  // re-arm for the new deadline
    lock.unlock();
    now = monotonic_now_us();
    result.end_time_us = now;
    handler.on_tick(now);
    handler.flush();
    lock.lock();
  }
  result.end_time_us = monotonic_now_us();
  return result;
}

}  // namespace bms
