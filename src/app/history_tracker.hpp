#pragma once
/// @file history_tracker.hpp
/// Keeps the bank's history (/History/*) in front of the D-Bus service: every snapshot the
/// engine publishes to the service passes through here on the aggregator thread, updates the
/// HistoryAccumulator at the snapshot's own time (virtual time in a replay), and goes on with
/// the history attached. The counters are saved to the state file rarely: when they changed
/// and `save_interval_us` of engine time has passed since the last save, and at the Final
/// snapshot (end of a replay, or stop).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/history_store.hpp"
#include "core/history.hpp"
#include "core/snapshot_publisher.hpp"

namespace bms {

/// The default gap between two history saves: flash wear on a GX matters more than the last
/// minutes of counters after a power cut.
inline constexpr std::int64_t kHistorySaveIntervalUs = 15LL * 60 * 1'000'000;

class HistoryTracker final : public SnapshotPublisher {
 public:
  /// Loads `[history]` from `state_file` (a malformed table is logged and history starts
  /// afresh). `unix_now` gives the wall clock for the saved-at stamp (a parameter for tests).
  HistoryTracker(SnapshotPublisher& next, std::string state_file,
                 std::int64_t save_interval_us = kHistorySaveIntervalUs,
                 std::function<std::int64_t()> unix_now = nullptr);

  void publish(const Snapshot& snapshot, PublishReason reason) override;

  [[nodiscard]] const HistoryCounters& counters() const noexcept { return accumulator_.counters(); }
  /// Waits until the saves handed over so far are on disk.
  void wait_saved() { writer_.wait_idle(); }
  [[nodiscard]] std::uint64_t saves() const { return writer_.writes(); }

 private:
  SnapshotPublisher& next_;
  std::int64_t save_interval_us_;
  std::function<std::int64_t()> unix_now_;
  HistoryAccumulator accumulator_;
  std::optional<std::int64_t> last_save_us_;
  HistoryCounters saved_;
  HistoryWriter writer_;
};

}  // namespace bms
