#pragma once
/// @file battery_state.hpp
/// What the aggregator knows about one battery: the latest value of every signal with the
/// time it arrived, and when the battery last sent any frame. Values are never "frozen":
/// a consumer asks for a value together with `now`, and a stale battery is simply offline.

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "core/reading.hpp"

namespace bms {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

class BatteryState {
 public:
  /// `stale_after_us`: how long the battery counts as online after its last frame; a frame
  /// after a longer silence starts a new online session.
  explicit BatteryState(std::int64_t stale_after_us = 5'000'000) noexcept : stale_after_us_(stale_after_us) {}

  /// Applies one reading of this battery (Signal, FrameSeen or DecodeError). A value is
  /// stored inline here (the per-reading hot path); the rest in apply_other().
  void apply(const Reading& r) noexcept {
    const auto i = static_cast<std::size_t>(r.signal);
    if (r.kind == ReadingKind::Signal && i < kSignalCount) {
      // A new value or text, a first one, or one that had gone stale changes what the
      // battery says; the same value again only extends its freshness.
      if (updated_us_[i] == kNever || r.time_us - updated_us_[i] > stale_after_us_ || values_[i] != r.value ||
          !same_text(texts_[i], r.text)) {
        ++version_;
      }
      values_[i] = r.value;
      texts_[i] = r.text;
      updated_us_[i] = r.time_us;
      return;
    }
    apply_other(r);
  }

  /// Fresh: a frame arrived within `stale_after_us` before `now_us`.
  [[nodiscard]] bool online(std::int64_t now_us, std::int64_t stale_after_us) const noexcept {
    return last_frame_us_ != kNever && now_us - last_frame_us_ <= stale_after_us;
  }
  /// Latest value of a numeric signal, or nullopt if it never arrived.
  [[nodiscard]] std::optional<double> value(SignalId id) const noexcept {
    const auto i = static_cast<std::size_t>(id);
    if (updated_us_[i] == kNever) return std::nullopt;
    return values_[i];
  }
  /// Latest value of a signal if it arrived in the current online session (since the battery
  /// last came online), whatever its age: what a forbidding flag needs, which holds until a
  /// fresh value allows again or the battery goes offline.
  [[nodiscard]] std::optional<double> latest_this_session(SignalId id) const noexcept {
    const auto i = static_cast<std::size_t>(id);
    if (updated_us_[i] == kNever || updated_us_[i] < session_start_us_) return std::nullopt;
    return values_[i];
  }
  /// When the signal last arrived (kNever if never).
  [[nodiscard]] std::int64_t updated_us(SignalId id) const noexcept {
    return updated_us_[static_cast<std::size_t>(id)];
  }
  /// Latest text of a text signal ("" if it never arrived).
  [[nodiscard]] std::string_view text(SignalId id) const noexcept;
  /// True when a boolean flag signal is known and set.
  [[nodiscard]] bool flag(SignalId id) const noexcept {
    const auto v = value(id);
    return v && *v != 0.0;
  }

  [[nodiscard]] std::int64_t last_frame_us() const noexcept { return last_frame_us_; }

  /// Moves whenever what the battery says changes (a value, a text, a value back from stale,
  /// a value made unknown, a new online session); not when the same values are sent again.
  /// With next_change_us() it tells when a result computed from this state still holds.
  [[nodiscard]] std::uint64_t version() const noexcept { return version_; }
  /// The first instant after `now_us` at which, with no new reading, something fresh at
  /// `now_us` goes stale (a value, or the battery itself), with `stale_after_us`. Values that
  /// are stale already stay so until a reading comes (which moves version()).
  [[nodiscard]] std::int64_t next_change_us(std::int64_t now_us, std::int64_t stale_after_us) const noexcept;
  [[nodiscard]] std::uint64_t frames() const noexcept { return frames_; }
  [[nodiscard]] std::uint64_t decode_errors() const noexcept { return decode_errors_; }

 private:
  void apply_other(const Reading& r) noexcept;
  /// The 8 text bytes compared as one word (std::array's == is a memcmp call here).
  static bool same_text(const std::array<char, 8>& a, const std::array<char, 8>& b) noexcept {
    std::uint64_t x;
    std::uint64_t y;
    std::memcpy(&x, a.data(), sizeof x);
    std::memcpy(&y, b.data(), sizeof y);
    return x == y;
  }

  std::array<double, kSignalCount> values_{};
  std::array<std::int64_t, kSignalCount> updated_us_ = [] {
    std::array<std::int64_t, kSignalCount> a{};
    a.fill(kNever);
    return a;
  }();
  // Text signals are few; keep them in a small side table indexed by signal.
  std::array<std::array<char, 8>, kSignalCount> texts_{};
  std::int64_t stale_after_us_;
  std::int64_t last_frame_us_ = kNever;
  std::int64_t session_start_us_ = kNever;  ///< first frame after the battery was offline
  std::uint64_t frames_ = 0;
  std::uint64_t version_ = 0;
  std::uint64_t decode_errors_ = 0;
};

}  // namespace bms
