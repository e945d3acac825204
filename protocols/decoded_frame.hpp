#pragma once
/// @file decoded_frame.hpp
/// What a codec returns for one frame: a fixed-capacity list of (signal, value) pairs, or
/// why the frame could not be decoded. No heap, so decoding never allocates.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocols/signals.hpp"

namespace bms {

/// One decoded value. Numeric signals use `value`; text signals use `text` (NUL padded).
/// No default member initialisers on purpose: DecodedFrame's slots stay uninitialised until
/// written (a SignalValue is always built whole, `SignalValue{id, value, text}`).
struct SignalValue {
  SignalId id;
  double value;
  std::array<char, 8> text;

  [[nodiscard]] std::string_view text_view() const noexcept {
    return {text.data(), static_cast<std::size_t>(std::find(text.begin(), text.end(), '\0') - text.begin())};
  }
};

enum class DecodeStatus : std::uint8_t {
  Ok,         ///< values were decoded
  NotMine,    ///< the protocol does not use this id; not an error for a shared bus
  TooShort,   ///< dlc too small for the id's mandatory fields
  Malformed,  ///< wrong frame kind (remote, extended) or impossible content
};

/// Longest list a single frame produces (0x359 with every flag, plus margin).
inline constexpr std::size_t kMaxSignalsPerFrame = 32;

struct DecodedFrame {
  DecodeStatus status = DecodeStatus::NotMine;
  std::string_view reason;  ///< static text saying why, when status is not Ok
  std::uint8_t count = 0;
  /// Only the first `count` are set; zeroing all 32 (768 bytes) for every frame cost more
  /// than decoding it, and nothing reads past `count`.
  std::array<SignalValue, kMaxSignalsPerFrame> signals;

  void add(SignalId id, double value) noexcept {
    if (count < kMaxSignalsPerFrame) signals[count++] = SignalValue{id, value, {}};
  }
  /// Adds a text signal from raw bytes; stops at the first NUL, trailing spaces removed.
  void add_text(SignalId id, std::span<const std::uint8_t> bytes) noexcept {
    if (count >= kMaxSignalsPerFrame) return;
    SignalValue v{id, 0.0, {}};
    std::size_t n = 0;
    for (; n < bytes.size() && n < v.text.size() && bytes[n] != 0; ++n) v.text[n] = static_cast<char>(bytes[n]);
    while (n > 0 && v.text[n - 1] == ' ') v.text[--n] = '\0';
    signals[count++] = v;
  }
  [[nodiscard]] std::span<const SignalValue> values() const noexcept { return {signals.data(), count}; }
  static DecodedFrame fail(DecodeStatus s, std::string_view why) noexcept {
    DecodedFrame f;
    f.status = s;
    f.reason = why;
    return f;
  }
};

}  // namespace bms
