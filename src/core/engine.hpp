#pragma once
/// @file engine.hpp
/// The aggregator thread's logic, free of threads and clocks: readings in (in time order),
/// publications out. Time comes only from the readings, so a replay at any speed and a live
/// run take exactly the same decisions.
///
/// Ordering at one instant t: timers due strictly before t fire first (each at its own time),
/// then the readings stamped t are applied, then outputs due at t or protectively changed
/// are published at t. So a protective change goes out at the input frame's timestamp.
///
/// Start-up: outputs stay quiet until every configured battery has sent its SOC and current
/// limits, or until
/// the longest stale timeout has passed since the first reading, so the first published
/// aggregate is not that of whichever BMS happened to speak first.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/aggregator.hpp"
#include "core/output_schedule.hpp"
#include "core/snapshot_publisher.hpp"

namespace bms {

class Engine {
 public:
  explicit Engine(const Settings& settings);

  /// Registers an output (not owned). `min_gap_us` rate-limits protective publications.
  void add_publisher(SnapshotPublisher& publisher, std::int64_t interval_us, std::int64_t min_gap_us);

  /// Processes one reading. Readings must come in non-decreasing time order. A Gap reading
  /// (the input jumps to its time) stops the periodic outputs from publishing every tick in
  /// between: they restart their grid at the gap's end; staleness still fires in the gap.
  void on_reading(const Reading& reading);

  /// Takes new charge policy settings ([charge], [imbalance]) from a reload; the aggregate is
  /// re-evaluated at the next reading, so a tighter limit goes out as a protective change.
  void apply_policy(const Settings& settings);

  /// The input ended at `end_us`: fire timers up to it, then give every output the final state.
  void finish(std::int64_t end_us);

  /// When the next timer fires (a periodic publication, a battery or value going stale, a
  /// held-back protective change): a source that ticks only when needed ticks then.
  [[nodiscard]] std::int64_t next_due_us() const { return next_timer_us(); }

  [[nodiscard]] const Aggregator& aggregator() const noexcept { return aggregator_; }

 private:
  struct Slot {
    SnapshotPublisher* publisher;
    OutputSchedule schedule;
  };
  /// Settles the readings of now_us_ (publishes if they changed a decision or a timer is
  /// due), then fires every timer strictly before `t` at its own time, and moves to `t`.
  void step_to(std::int64_t t);
  [[nodiscard]] std::int64_t next_timer_us() const;
  /// Recomputes next_timer_us() into the floor and returns it.
  std::int64_t refresh_timer_floor();
  /// No timer fires before this (a lower bound of next_timer_us(), exact right after
  /// refresh_timer_floor(); a reading can only lower it). Saves walking every battery's
  /// deadlines for every frame.
  std::int64_t timer_floor_ = 0;
  bool floor_valid_ = false;  ///< false: the floor must be recomputed before it is trusted (gap, reload)
  void publish_due(Snapshot&& snapshot);

  std::vector<std::int64_t> stale_after_us_;
  Aggregator aggregator_;
  std::vector<Slot> slots_;
  [[nodiscard]] bool outputs_open();

  std::int64_t now_us_ = 0;
  std::int64_t evaluated_us_ = kNever;  ///< when the aggregate was last evaluated (deadlines after it are due)
  std::int64_t first_us_ = 0;
  std::int64_t startup_grace_us_ = 0;
  bool started_ = false;
  bool outputs_open_ = false;  // latched: once open, outputs stay open
  bool dirty_ = true;
  /// Per signal: does a change of it call for an evaluation (is_decision_signal(), or a
  /// measurement the policy's tapers or share read)? Built from the settings, looked up once
  /// per reading.
  std::array<bool, kSignalCount> decides_{};
  void build_decides(const Settings& settings) noexcept;
};

}  // namespace bms
