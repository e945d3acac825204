#pragma once
/// @file replay_source.hpp
/// A candump log as a FrameSource. Time comes from the log: frames are delivered with their
/// logged timestamps, paced against the wall clock by `speed` (0 = as fast as possible).

#include <memory>

#include "io/candump_reader.hpp"
#include "io/frame_source.hpp"

namespace bms {

class ReplaySource final : public FrameSource {
 public:
  /// @param speed 1 = real time, N = N times faster, 0 = as fast as possible.
  ReplaySource(std::unique_ptr<CandumpReader> reader, double speed);
  SourceResult run(FrameHandler& handler, std::stop_token stop) override;
  [[nodiscard]] const CandumpReader& reader() const noexcept { return *reader_; }

 private:
  std::unique_ptr<CandumpReader> reader_;
  double speed_;
};

}  // namespace bms
