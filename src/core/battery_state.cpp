#include "core/battery_state.hpp"

#include <algorithm>
#include <limits>

namespace bms {

void BatteryState::apply_other(const Reading& r) noexcept {
  switch (r.kind) {
    case ReadingKind::Signal:  // a signal id out of range: nothing to store
      return;
    case ReadingKind::SignalInvalid: {
      // Unknown from now on: exactly as if the value had never arrived (or gone stale).
      const auto i = static_cast<std::size_t>(r.signal);
      if (i >= kSignalCount) return;
      updated_us_[i] = kNever;
      ++version_;
      return;
    }
    case ReadingKind::SourceLost:
      // Offline at once, not stale_after_ms later: the source said it is gone.
      last_frame_us_ = kNever;
      ++version_;
      return;
    case ReadingKind::FrameSeen:
      if (last_frame_us_ == kNever || r.time_us - last_frame_us_ > stale_after_us_) {
        session_start_us_ = r.time_us;
        ++version_;  // a new online session: values of the last one no longer latch
      }
      last_frame_us_ = r.time_us;
      ++frames_;
      return;
    case ReadingKind::DecodeError:
      // A frame that does not decode is not proof of a healthy BMS: it does not refresh liveness.
      ++decode_errors_;
      return;
    default:
      return;
  }
}

std::int64_t BatteryState::next_change_us(std::int64_t now_us, std::int64_t stale_after_us) const noexcept {
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  const auto take = [&](std::int64_t at) {
    // Fresh at now (at + stale >= now): it goes stale at at + stale + 1.
    if (at != kNever && now_us - at <= stale_after_us) next = std::min(next, at + stale_after_us + 1);
  };
  take(last_frame_us_);
  for (const std::int64_t at : updated_us_) take(at);
  return next;
}

std::string_view BatteryState::text(SignalId id) const noexcept {
  const auto i = static_cast<std::size_t>(id);
  if (i >= kSignalCount || updated_us_[i] == kNever) return {};
  const auto& t = texts_[i];
  return {t.data(), static_cast<std::size_t>(std::find(t.begin(), t.end(), '\0') - t.begin())};
}

}  // namespace bms
