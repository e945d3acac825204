#pragma once
/// @file frame_set.hpp
/// The BMS-CAN frame set an inverter reads, built from a Snapshot. Pure.

#include <array>
#include <cstddef>
#include <span>

#include "core/settings.hpp"
#include "core/snapshot.hpp"
#include "protocols/can_frame.hpp"

namespace bms {

/// Fixed capacity: the largest profile (victron) sends fewer frames than this.
inline constexpr std::size_t kMaxFramesPerSet = 16;

struct FrameSet {
  std::array<CanFrame, kMaxFramesPerSet> frames{};
  std::size_t count = 0;
  void add(const CanFrame& f) noexcept {
    if (count < frames.size()) frames[count++] = f;
  }
  [[nodiscard]] std::span<const CanFrame> view() const noexcept { return {frames.data(), count}; }
};

/// Builds the frame set of the configured profile (core/inverter_profile: frames and DLCs;
/// docs/INVERTERS.md), every frame stamped with snapshot.time_us. Measurements the aggregate
/// does not know (nothing fresh) are left out rather than sent as zeros, or carry the
/// profile's invalid marker where its document has one (sma); limits are always sent (zero
/// when unknown), so an inverter is never left guessing. Reads the snapshot only: what the
/// frame set shows differently (soc_zero_limit_workaround) never reaches the other outputs.
[[nodiscard]] FrameSet build_frame_set(const Snapshot& snapshot, const OutputSettings& output);

}  // namespace bms
