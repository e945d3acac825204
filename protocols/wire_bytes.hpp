#pragma once
/// @file wire_bytes.hpp
/// Little-endian field access and range clamping shared by the codecs. Callers check the
/// frame length first; these helpers assume the bytes exist.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "protocols/can_frame.hpp"

namespace bms::wire {

/// A data frame `can_id` of `dlc` bytes, all zero, for an encoder to fill.
[[nodiscard]] inline CanFrame make_frame(std::uint32_t can_id, std::uint8_t dlc) noexcept {
  CanFrame f;
  f.id = can_id;
  f.dlc = dlc;
  return f;
}

[[nodiscard]] inline std::uint16_t u16(std::span<const std::uint8_t> d, std::size_t at) noexcept {
  return static_cast<std::uint16_t>(d[at] | (d[at + 1] << 8));
}
[[nodiscard]] inline std::int16_t s16(std::span<const std::uint8_t> d, std::size_t at) noexcept {
  return static_cast<std::int16_t>(u16(d, at));
}
[[nodiscard]] inline std::uint32_t u32(std::span<const std::uint8_t> d, std::size_t at) noexcept {
  return static_cast<std::uint32_t>(d[at]) | (static_cast<std::uint32_t>(d[at + 1]) << 8) |
         (static_cast<std::uint32_t>(d[at + 2]) << 16) | (static_cast<std::uint32_t>(d[at + 3]) << 24);
}

inline void put_u16(std::uint8_t* d, std::uint16_t v) noexcept {
  d[0] = static_cast<std::uint8_t>(v & 0xFF);
  d[1] = static_cast<std::uint8_t>(v >> 8);
}

inline void put_s16(std::uint8_t* d, std::int16_t v) noexcept { put_u16(d, static_cast<std::uint16_t>(v)); }
inline void put_u32(std::uint8_t* d, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) d[i] = static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF);
}

/// raw x scale, computed as raw / (1/scale) when 1/scale is a whole number (0.1, 0.01,
/// 0.001...). Division by an exact integer gives the double nearest the decimal result, so
/// 532 x 0.1 is exactly the literal 53.2 and prints as "53.2", not 53.200000000000003.
[[nodiscard]] inline double scaled(double raw, double scale) noexcept {
  if (scale > 0 && scale < 1) {
    const double inverse = 1.0 / scale;
    const double whole = std::round(inverse);
    if (std::abs(inverse - whole) < 1e-9 * whole) return raw / whole;
  }
  return raw * scale;
}

/// Rounds value/scale to the nearest integer and clamps it into [lo, hi]. NaN becomes lo
/// (for limits that is the safe side: zero current, lowest voltage).
template <typename Int>
[[nodiscard]] Int scaled_clamped(double value, double scale, Int lo = std::numeric_limits<Int>::min(),
                                 Int hi = std::numeric_limits<Int>::max()) noexcept {
  const double raw = std::round(value / scale);
  if (std::isnan(raw)) return lo;
  if (raw <= static_cast<double>(lo)) return lo;
  if (raw >= static_cast<double>(hi)) return hi;
  return static_cast<Int>(raw);
}

}  // namespace bms::wire
