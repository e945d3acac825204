#pragma once
/// @file snapshot_publisher.hpp
/// An output fed by the engine: the BMS-CAN emitter, the D-Bus service, the status line,
/// the replay report. Each has its own cadence; the engine calls publish() when it is due
/// (periodic) and at once on a protective change (rate-limited by min_gap).

#include <cstdint>

#include "core/snapshot.hpp"

namespace bms {

enum class PublishReason : std::uint8_t {
  Periodic,    ///< the publisher's interval elapsed
  Protective,  ///< a limit decreased, charging/discharging was disabled, or an alarm rose
  Final,       ///< the input ended (replay): last state
};

class SnapshotPublisher {
 public:
  virtual ~SnapshotPublisher() = default;
  /// Called on the aggregator thread; must not block for long (hand off to another thread
  /// if the output can stall, as the D-Bus service does).
  virtual void publish(const Snapshot& snapshot, PublishReason reason) = 0;
};

}  // namespace bms
