#include "core/battery_state.hpp"

#include <algorithm>

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
      return;
    }
    case ReadingKind::SourceLost:
      // Offline at once, not stale_after_ms later: the source said it is gone.
      last_frame_us_ = kNever;
      return;
    case ReadingKind::FrameSeen:
      if (last_frame_us_ == kNever || r.time_us - last_frame_us_ > stale_after_us_) session_start_us_ = r.time_us;
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

std::string_view BatteryState::text(SignalId id) const noexcept {
  const auto i = static_cast<std::size_t>(id);
  if (i >= kSignalCount || updated_us_[i] == kNever) return {};
  const auto& t = texts_[i];
  return {t.data(), static_cast<std::size_t>(std::find(t.begin(), t.end(), '\0') - t.begin())};
}

}  // namespace bms
