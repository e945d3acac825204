#pragma once
/// @file event_log.hpp
/// Logs what an installer wants in /var/log/bms-aggregator/current: a line when a battery
/// goes offline or comes back, the imbalance tier changes, charging or discharging is
/// blocked or allowed again, the fail-safe is entered or left, the inverter's keep-alive
/// appears or is lost, and an alarm level changes. Nothing while nothing changes.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/snapshot_publisher.hpp"

namespace bms {

/// What the event lines compare against: kept per publication instead of a whole snapshot
/// copy (the log runs at every publication of a replay, a line only now and then). Outside
/// EventLog so std::optional sees it complete (clang).
struct EventLogSeen {
  struct Pack {
    bool online = false;
    bool blocks_charge = false;
  };
  std::vector<Pack> packs;
  ImbalanceTier tier = ImbalanceTier::Balanced;
  bool failsafe = true;
  bool charge_allowed = false;
  bool discharge_allowed = false;
  std::uint8_t worst_alarm = 0;
  bool inverter_present = false;
};

class EventLog final : public SnapshotPublisher {
 public:
  /// @param watch_inverter report the inverter keep-alive (only when an output port exists)
  explicit EventLog(bool watch_inverter) : watch_inverter_(watch_inverter) {}
  void publish(const Snapshot& snapshot, PublishReason reason) override;

 private:
  void remember(const Snapshot& s);

  bool watch_inverter_;
  std::optional<EventLogSeen> last_;
};

}  // namespace bms
