#include "core/engine.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/decision_signals.hpp"

namespace bms {
namespace {
constexpr std::int64_t kNoTimer = std::numeric_limits<std::int64_t>::max();

/// The measurements that decide limits under the current policy: the current with the
/// measured share on, the bank voltage and the temperatures and cell values with the tapers.
bool measurement_decides(SignalId id, bool cells, bool current) noexcept {
  switch (id) {
    case SignalId::CurrentA:
      return current;
    case SignalId::VoltageV:  // the cell-voltage CVL cap follows the bank voltage
    case SignalId::TemperatureC:
    case SignalId::MinCellVoltageV:
    case SignalId::MaxCellVoltageV:
    case SignalId::MinCellTemperatureC:
    case SignalId::MaxCellTemperatureC:
      return cells;
    default:
      return false;
  }
}

}  // namespace

Engine::Engine(const Settings& settings) : aggregator_(settings) {
  build_decides(settings);
  for (const auto& b : settings.batteries) {
    stale_after_us_.push_back(static_cast<std::int64_t>(b.stale_after_ms) * 1000);
    startup_grace_us_ = std::max(startup_grace_us_, stale_after_us_.back());
  }
}

bool Engine::outputs_open() {
  if (outputs_open_) return true;
  bool all_seen = true;
  for (std::size_t i = 0; i < stale_after_us_.size(); ++i) all_seen &= aggregator_.has_reported(i);
  outputs_open_ = all_seen || now_us_ >= first_us_ + startup_grace_us_;
  return outputs_open_;
}

void Engine::add_publisher(SnapshotPublisher& publisher, std::int64_t interval_us, std::int64_t min_gap_us) {
  slots_.push_back(Slot{&publisher, OutputSchedule(interval_us, min_gap_us)});
}

std::int64_t Engine::next_timer_us() const {
  std::int64_t next = kNoTimer;
  if (!outputs_open_ && started_) next = first_us_ + startup_grace_us_;
  for (const auto& slot : slots_) {
    if (auto due = slot.schedule.next_due_us(); due && *due < next) next = *due;
  }
  // A battery going stale is an event of its own: the first instant it is offline. So is a
  // limit or SOC going stale while the battery still sends other frames (a BMS that stopped
  // sending 0x351 blocks charging at that instant, not at the next tick). Enable flags do not
  // expire: a forbidding one holds until a fresh value allows (docs/POLICY.md).
  static constexpr SignalId kExpiring[] = {SignalId::ChargeCurrentLimitA, SignalId::DischargeCurrentLimitA,
                                           SignalId::ChargeVoltageLimitV, SignalId::SocPct};
  // Every deadline after the last evaluation counts, also one that falls on the very instant
  // of a later reading: that instant's settlement evaluates it (else it would be skipped).
  for (std::size_t i = 0; i < stale_after_us_.size(); ++i) {
    const BatteryState& b = aggregator_.battery(i);
    if (b.last_frame_us() == kNever) continue;
    const std::int64_t goes_stale = b.last_frame_us() + stale_after_us_[i] + 1;
    if (goes_stale <= evaluated_us_) continue;  // offline as of the last evaluation: its values too
    if (goes_stale < next) next = goes_stale;
    for (SignalId id : kExpiring) {
      const std::int64_t at = b.updated_us(id);
      if (at == kNever) continue;
      const std::int64_t expires = at + stale_after_us_[i] + 1;
      if (expires > evaluated_us_ && expires < next) next = expires;
    }
  }
  return next;
}

void Engine::publish_due(Snapshot&& snapshot) {
  if (!outputs_open()) return;
  bool described = false;
  for (auto& slot : slots_) {
    if (auto reason = slot.schedule.decide(now_us_, snapshot)) {
      // Only what goes out is described (names, sources, cell detail): most evaluations
      // publish nothing. The schedule decides on the limits, enables and alarms alone.
      if (!std::exchange(described, true)) aggregator_.describe(snapshot);
      slot.publisher->publish(snapshot, *reason);
      slot.schedule.published(now_us_, snapshot, *reason);
    }
  }
}

std::int64_t Engine::refresh_timer_floor() {
  timer_floor_ = next_timer_us();
  floor_valid_ = true;
  return timer_floor_;
}

void Engine::step_to(std::int64_t t) {
  // In the common case (nothing changed, no timer before t) the floor answers without
  // walking every battery's deadlines; whenever it might be due, the exact time is taken.
  std::int64_t next = timer_floor_;
  if (!floor_valid_ || next <= now_us_ || next < t) next = refresh_timer_floor();
  if (dirty_ || next <= now_us_) {  // the readings of now_us_ are complete: settle them
    dirty_ = false;
    evaluated_us_ = now_us_;
    publish_due(aggregator_.decide(now_us_));
    next = refresh_timer_floor();
  }
  for (; next < t; next = refresh_timer_floor()) {  // timers strictly before t, each at its own time
    now_us_ = next;
    evaluated_us_ = now_us_;
    publish_due(aggregator_.decide(now_us_));
  }
  now_us_ = std::max(now_us_, t);
}

void Engine::on_reading(const Reading& r) {
  if (r.kind == ReadingKind::EndOfInput) {
    finish(r.time_us);
    return;
  }
  if (r.kind == ReadingKind::Gap) {
    // Years without input (a paused capture, a stepped clock) would otherwise publish every
    // periodic tick in between. Batteries still go stale at their own instants in the gap
    // (a handful of events), and the periodic grid restarts at the first reading after it.
    if (started_ && r.time_us > now_us_) {
      step_to(now_us_);  // settle the last instant before the gap (a tick due then still goes out)
      for (auto& slot : slots_) slot.schedule.resume_at(r.time_us);
      floor_valid_ = false;
    }
    return;
  }
  if (!started_) {
    started_ = true;
    now_us_ = r.time_us;
    first_us_ = r.time_us;
  } else if (r.time_us > now_us_) {
    step_to(r.time_us);
  }
  if (r.source < stale_after_us_.size()) {
    const BatteryState& b = aggregator_.batteries()[r.source];
    const std::int64_t stale_us = stale_after_us_[r.source];
    // Only what can change a decision marks the aggregate dirty: a new value, or a
    // battery coming (back) online.
    if (r.kind == ReadingKind::Signal) {
      if (static_cast<std::size_t>(r.signal) < kSignalCount && decides_[static_cast<std::size_t>(r.signal)]) {
        // A value that had gone stale is new again even with the same number (a limit that
        // comes back after its frame was missing).
        const auto old = b.value(r.signal);
        dirty_ |= !old || *old != r.value || r.time_us - b.updated_us(r.signal) > stale_us;
      }
    } else if (r.kind == ReadingKind::FrameSeen) {
      dirty_ |= !b.online(now_us_, stale_us);
    } else if (r.kind == ReadingKind::SignalInvalid) {
      dirty_ |= b.value(r.signal).has_value() && is_decision_signal(r.signal);
    } else if (r.kind == ReadingKind::SourceLost) {
      dirty_ |= b.online(now_us_, stale_us);
    }
    aggregator_.apply(r);
    // Every deadline this reading can add (the battery or one of its values going stale) is
    // at least this far ahead; the floor stays at or below the earliest deadline.
    timer_floor_ = std::min(timer_floor_, r.time_us + stale_us + 1);
  } else if (r.source == kSourceInverter || r.source == kSourceBankShunt) {
    // The keep-alive, the bank shunt's current: shown at the next publication, never protective.
    aggregator_.apply(r);
  } else if (r.kind == ReadingKind::Tick) {
    step_to(now_us_);
  }
}

void Engine::build_decides(const Settings& settings) noexcept {
  // With the tapers ([cells]) or the measured share on, measurements decide limits too.
  const bool cells = settings.cells.enabled;
  const bool current = settings.charge.share_threshold_a > 0.0;
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    const auto id = static_cast<SignalId>(i);
    decides_[i] = is_decision_signal(id) || measurement_decides(id, cells, current);
  }
}

void Engine::apply_policy(const Settings& settings) {
  build_decides(settings);
  aggregator_.set_policy(settings.charge, settings.imbalance);
  aggregator_.set_cell_policy(settings.cells, settings.alarms);
  dirty_ = true;
  floor_valid_ = false;
}

void Engine::finish(std::int64_t end_us) {
  if (!started_) {
    started_ = true;
    now_us_ = end_us;
  }
  if (end_us > now_us_) step_to(end_us);
  step_to(now_us_);
  evaluated_us_ = now_us_;
  const Snapshot last = aggregator_.evaluate(now_us_);
  for (auto& slot : slots_) {
    slot.publisher->publish(last, PublishReason::Final);
    slot.schedule.published(now_us_, last, PublishReason::Final);
  }
}

}  // namespace bms
