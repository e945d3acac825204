#include "io/replay_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>

namespace bms {
namespace {
/// Longest pacing wait computed (about 31 years): keeps the nanosecond arithmetic of the
/// clock far from overflow whatever the timestamps and the speed.
constexpr double kMaxPaceUs = 1e15;
}  // namespace

ReplaySource::ReplaySource(std::unique_ptr<CandumpReader> reader, double speed)
    : reader_(std::move(reader)), speed_(speed) {}

std::optional<std::int64_t> ReplaySource::time_from_monotonic(std::int64_t monotonic_us) const noexcept {
  if (speed_ <= 0 || !started_.load(std::memory_order_acquire)) return std::nullopt;
  const auto since = static_cast<double>(monotonic_us - wall0_us_.load(std::memory_order_relaxed));
  return log_t0_us_.load(std::memory_order_relaxed) + static_cast<std::int64_t>(since * speed_);
}

SourceResult ReplaySource::run(FrameHandler& handler, std::stop_token stop) {
  SourceResult result;
  reader_->stop_waiting_on(stop);  // a pipe that stays open and silent does not hold a stop
  CanFrame frame;
  bool first = true;
  std::int64_t t0 = 0;
  auto wall0 = std::chrono::steady_clock::now();
  std::mutex m;
  std::condition_variable_any cv;
  std::uint32_t counter = 0;
  for (;;) {
    // The stop check is cheap but not free: look every 256 frames at full speed.
    if ((++counter & 0xFF) == 0 && stop.stop_requested()) break;
    CandumpReader::Next next;
    try {
      next = reader_->next(frame);
    } catch (const std::exception& e) {
      // A read error (EIO, a directory given as the log) ends the replay as bad input.
      result.ok = false;
      result.error = e.what();
      break;
    }
    if (next == CandumpReader::Next::End) break;
    if (next == CandumpReader::Next::Error) {
      result.ok = false;
      result.error = reader_->error();
      break;
    }
    // Logs are meant to be in time order; a frame stamped earlier is held at the current
    // time so the aggregator's clock never runs backwards.
    if (first) {
      t0 = frame.time_us;
      first = false;
      log_t0_us_.store(t0, std::memory_order_relaxed);
      wall0_us_.store(std::chrono::duration_cast<std::chrono::microseconds>(wall0.time_since_epoch()).count(),
                      std::memory_order_relaxed);
      started_.store(true, std::memory_order_release);
    } else if (frame.time_us < result.end_time_us) {
      frame.time_us = result.end_time_us;
    } else if (frame.time_us - result.end_time_us > kGapUs) {
      // A capture paused, or a clock stepped: nothing happened in between that the log knows
      // of. Replaying every periodic tick of years would take hours and write gigabytes.
      const std::int64_t jump = frame.time_us - result.end_time_us;
      spdlog::warn(
          "{}:{}: time jumps forward by {}.{:06} s; replayed as a gap (periodic outputs resume at the new time)",
          reader_->path(), reader_->line_number(), jump / 1'000'000, jump % 1'000'000);
      handler.on_gap(frame.time_us);
      t0 = frame.time_us;  // pacing resumes from here too
      wall0 = std::chrono::steady_clock::now();
    }
    if (speed_ > 0) {
      const double pace_us = std::min(static_cast<double>(frame.time_us - t0) / speed_, kMaxPaceUs);
      const auto due = wall0 + std::chrono::microseconds(static_cast<std::int64_t>(pace_us));
      handler.flush();
      std::unique_lock lock(m);
      if (cv.wait_until(lock, stop, due, [] { return false; }); stop.stop_requested()) break;
    }
    result.end_time_us = frame.time_us;
    handler.on_frame(frame);
  }
  return result;
}

}  // namespace bms
