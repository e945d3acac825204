#include "core/output_schedule.hpp"

#include <algorithm>

namespace bms {

bool is_protective_change(const ProtectiveLevels& b, const Snapshot& n) noexcept {
  if (n.charge_current_limit_a < b.charge_current_limit_a) return true;
  if (n.discharge_current_limit_a < b.discharge_current_limit_a) return true;
  if (n.charge_voltage_limit_v < b.charge_voltage_limit_v) return true;
  if (b.charge_allowed && !n.charge_allowed) return true;
  if (b.discharge_allowed && !n.discharge_allowed) return true;
  const Alarms& x = b.alarms;
  const Alarms& y = n.alarms;
  return y.low_voltage > x.low_voltage || y.high_voltage > x.high_voltage || y.low_temperature > x.low_temperature ||
         y.high_temperature > x.high_temperature || y.high_charge_current > x.high_charge_current ||
         y.high_discharge_current > x.high_discharge_current || y.internal_failure > x.internal_failure ||
         y.cell_imbalance > x.cell_imbalance || y.bms_cable > x.bms_cable || y.low_soc > x.low_soc ||
         y.low_cell_voltage > x.low_cell_voltage || y.high_cell_voltage > x.high_cell_voltage ||
         y.low_charge_temperature > x.low_charge_temperature || y.high_charge_temperature > x.high_charge_temperature ||
         y.high_internal_temperature > x.high_internal_temperature || y.state_of_health > x.state_of_health;
}

std::optional<std::int64_t> OutputSchedule::next_due_us() const noexcept {
  if (!last_us_) return std::nullopt;
  if (pending_protective_) return std::min(next_periodic_us_, *last_protective_us_ + min_gap_us_);
  return next_periodic_us_;
}

std::optional<PublishReason> OutputSchedule::decide(std::int64_t now_us, const Snapshot& snapshot) const noexcept {
  if (!last_us_) return PublishReason::Periodic;  // the first publication starts the grid
  if (now_us >= next_periodic_us_) return PublishReason::Periodic;
  if (pending_protective_ || is_protective_change(last_published_, snapshot)) {
    // The gap is counted from the last protective publication only: a periodic set that went
    // out just before must never hold a block back (it carries the old, less safe values).
    if (!last_protective_us_ || now_us - *last_protective_us_ >= min_gap_us_) return PublishReason::Protective;
    pending_protective_ = true;
  }
  return std::nullopt;
}

void OutputSchedule::published(std::int64_t now_us, const Snapshot& snapshot, PublishReason reason) noexcept {
  if (!last_us_) {
    next_periodic_us_ = now_us + interval_us_;
  } else if (reason == PublishReason::Periodic) {
    // Stay on the grid; after a long gap (replay of a quiet log) skip the missed ticks.
    while (next_periodic_us_ <= now_us) next_periodic_us_ += interval_us_;
  }
  last_us_ = now_us;
  if (reason == PublishReason::Protective) last_protective_us_ = now_us;
  last_published_ = ProtectiveLevels::of(snapshot);
  pending_protective_ = false;
}

}  // namespace bms
