#include "app/history_tracker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace bms {
namespace {
std::int64_t system_unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

HistoryCounters load_or_start(const std::string& state_file, std::int64_t now_unix_s) {
  std::string error;
  if (auto stored = load_history(state_file, now_unix_s, &error)) {
    spdlog::info("history: continuing from {}", state_file);
    return *stored;
  }
  if (!error.empty()) spdlog::warn("history: starting afresh, ignoring the stored counters: {}", error);
  return {};
}
}  // namespace

HistoryTracker::HistoryTracker(SnapshotPublisher& next, std::string state_file, std::int64_t save_interval_us,
                               std::function<std::int64_t()> unix_now)
    : next_(next),
      save_interval_us_(save_interval_us),
      unix_now_(unix_now ? std::move(unix_now) : system_unix_now),
      accumulator_(load_or_start(state_file, unix_now_())),
      saved_(accumulator_.counters()),
      writer_(std::move(state_file)) {}

void HistoryTracker::publish(const Snapshot& snapshot, PublishReason reason) {
  accumulator_.update(snapshot);
  Snapshot with_history = snapshot;
  with_history.history = accumulator_.view(snapshot.installed_capacity_ah);
  next_.publish(with_history, reason);

  if (!last_save_us_) last_save_us_ = snapshot.time_us;  // the interval runs from the first snapshot
  const bool due = reason == PublishReason::Final || snapshot.time_us - *last_save_us_ >= save_interval_us_;
  if (due && accumulator_.counters() != saved_) {
    saved_ = accumulator_.counters();
    last_save_us_ = snapshot.time_us;
    writer_.save(saved_, unix_now_());
  }
}

}  // namespace bms
