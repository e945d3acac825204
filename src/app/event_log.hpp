#pragma once
/// @file event_log.hpp
/// Logs what an installer wants in /var/log/bms-aggregator/current: a line when a battery
/// goes offline or comes back, the imbalance tier changes, charging or discharging is
/// blocked or allowed again, the fail-safe is entered or left, the inverter's keep-alive
/// appears or is lost, and an alarm level changes. Nothing while nothing changes.

#include <optional>

#include "core/snapshot_publisher.hpp"

namespace bms {

class EventLog final : public SnapshotPublisher {
 public:
  /// @param watch_inverter report the inverter keep-alive (only when an output port exists)
  explicit EventLog(bool watch_inverter) : watch_inverter_(watch_inverter) {}
  void publish(const Snapshot& snapshot, PublishReason reason) override;

 private:
  bool watch_inverter_;
  std::optional<Snapshot> last_;
};

}  // namespace bms
