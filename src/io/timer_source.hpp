#pragma once
/// @file timer_source.hpp
/// The frame source of a bank without any CAN port (only D-Bus batteries, no [output]
/// port): no frames, only clock ticks on CLOCK_MONOTONIC, and only when the engine has a
/// timer due (a periodic publication, a battery going stale), at least once a second (the
/// service watchdog counts readings). A SocketCAN source ticks every 50 ms whatever is due;
/// with nothing to read that would be twenty wake-ups of two threads a second for nothing.

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "io/frame_source.hpp"

namespace bms {

class TimerSource final : public FrameSource {
 public:
  static constexpr std::int64_t kMaxIntervalUs = 1'000'000;

  SourceResult run(FrameHandler& handler, std::stop_token stop) override;
  [[nodiscard]] std::optional<std::int64_t> time_from_monotonic(std::int64_t monotonic_us) const noexcept override {
    return monotonic_us;
  }
  /// The engine's next timer (CLOCK_MONOTONIC microseconds); the source ticks then.
  void set_next_deadline(std::int64_t time_us) override;

 private:
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::int64_t deadline_us_ = 0;  ///< 0: none known yet
  std::uint64_t generation_ = 0;
};

}  // namespace bms
