#pragma once
/// @file output_schedule.hpp
/// When an output publishes: on a fixed grid of `interval` from its first publication, and
/// at once when a protective value changes, but never closer than `min_gap` to the previous
/// protective publication (a protective change inside that gap goes out when it has passed).
/// A periodic publication does not open a gap: a block never waits behind the stale set that
/// went out just before it. So at most one protective set per min_gap plus the grid. Pure.

#include <cstdint>
#include <optional>

#include "core/snapshot.hpp"
#include "core/snapshot_publisher.hpp"

namespace bms {

/// The part of a snapshot a protective change is judged on: the limits, the enables and the
/// alarm levels. An output keeps this of its last publication, not the whole snapshot (whose
/// per-pack strings and vectors would be copied at every publication).
struct ProtectiveLevels {
  double charge_current_limit_a = 0;
  double discharge_current_limit_a = 0;
  double charge_voltage_limit_v = 0;
  bool charge_allowed = false;
  bool discharge_allowed = false;
  Alarms alarms;
  [[nodiscard]] static ProtectiveLevels of(const Snapshot& s) noexcept {
    return {s.charge_current_limit_a, s.discharge_current_limit_a, s.charge_voltage_limit_v,
            s.charge_allowed,         s.discharge_allowed,         s.alarms};
  }
};

/// True when `now` is more protective than `before`: a current limit decreased, charging or
/// discharging was disabled, the charge voltage limit dropped, or an alarm rose.
[[nodiscard]] bool is_protective_change(const ProtectiveLevels& before, const Snapshot& now) noexcept;

class OutputSchedule {
 public:
  /// @param interval_us at least 1 (a zero interval would never advance the grid)
  OutputSchedule(std::int64_t interval_us, std::int64_t min_gap_us) noexcept
      : interval_us_(interval_us > 0 ? interval_us : 1), min_gap_us_(min_gap_us) {}

  /// The next instant this output wants to publish if nothing changes (periodic tick or a
  /// protective publication held back by min_gap); nullopt before the first publication.
  [[nodiscard]] std::optional<std::int64_t> next_due_us() const noexcept;

  /// Decides whether to publish at `now` given the snapshot; nullopt means not now.
  [[nodiscard]] std::optional<PublishReason> decide(std::int64_t now_us, const Snapshot& snapshot) const noexcept;

  /// Records a publication.
  void published(std::int64_t now_us, const Snapshot& snapshot, PublishReason reason) noexcept;

  /// The input jumped to `resume_us` (a gap in a replayed log): no periodic publication before
  /// it; the grid restarts there. Protective publications in the gap still happen.
  void resume_at(std::int64_t resume_us) noexcept {
    if (last_us_ && next_periodic_us_ < resume_us) next_periodic_us_ = resume_us;
  }

 private:
  std::int64_t interval_us_;
  std::int64_t min_gap_us_;
  std::optional<std::int64_t> last_us_;
  std::optional<std::int64_t> last_protective_us_;
  std::int64_t next_periodic_us_ = 0;
  ProtectiveLevels last_published_;
  mutable bool pending_protective_ = false;
};

}  // namespace bms
