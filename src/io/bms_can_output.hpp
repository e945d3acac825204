#pragma once
/// @file bms_can_output.hpp
/// The BMS-CAN output: on each publication, builds the frame set of the configured profile
/// and sends it through a FrameSink (a CAN port, or the --emit-log file).

#include <cstdint>

#include "core/settings.hpp"
#include "core/snapshot_publisher.hpp"
#include "io/frame_sink.hpp"

namespace bms {

class BmsCanOutput final : public SnapshotPublisher {
 public:
  BmsCanOutput(FrameSink& sink, OutputSettings settings) : sink_(sink), settings_(std::move(settings)) {}
  void publish(const Snapshot& snapshot, PublishReason reason) override;

  [[nodiscard]] std::uint64_t frames_sent() const noexcept { return sent_; }
  [[nodiscard]] std::uint64_t frames_dropped() const noexcept { return dropped_; }
  [[nodiscard]] std::uint64_t frame_sets() const noexcept { return sets_; }

 private:
  FrameSink& sink_;
  OutputSettings settings_;
  std::uint64_t sent_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t sets_ = 0;
};

}  // namespace bms
