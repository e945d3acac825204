#pragma once
/// @file replay_source.hpp
/// A candump log as a FrameSource. Time comes from the log: frames are delivered with their
/// logged timestamps, paced against the wall clock by `speed` (0 = as fast as possible).

#include <atomic>
#include <memory>

#include "io/candump_reader.hpp"
#include "io/frame_source.hpp"

namespace bms {

class ReplaySource final : public FrameSource {
 public:
  /// @param speed 1 = real time, N = N times faster, 0 = as fast as possible.
  ReplaySource(std::unique_ptr<CandumpReader> reader, double speed);
  SourceResult run(FrameHandler& handler, std::stop_token stop) override;
  /// Paced replays (speed > 0) map the wall clock onto log time once the first frame is read:
  /// log_t0 + (monotonic - start) x speed, so live D-Bus batteries join a replayed CAN bank.
  [[nodiscard]] std::optional<std::int64_t> time_from_monotonic(std::int64_t monotonic_us) const noexcept override;
  [[nodiscard]] const CandumpReader& reader() const noexcept { return *reader_; }

 private:
  std::unique_ptr<CandumpReader> reader_;
  double speed_;
  std::atomic<bool> started_{false};
  std::atomic<std::int64_t> log_t0_us_{0};
  std::atomic<std::int64_t> wall0_us_{0};  ///< CLOCK_MONOTONIC of log_t0_us_
};

}  // namespace bms
