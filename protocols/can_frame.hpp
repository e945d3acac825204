#pragma once
/// @file can_frame.hpp
/// Classic CAN frame as every layer sees it: the candump reader, SocketCAN, the codecs
/// and the emitter. Plain value type, no heap: it is copied through the hot path.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace bms {

/// Interface names are short ("can0", "vcan12"); IFNAMSIZ is 16 including the NUL.
inline constexpr std::size_t kIfaceNameMax = 15;

struct CanFrame {
  std::uint32_t id = 0;   ///< 11-bit or 29-bit identifier, without flag bits
  bool extended = false;  ///< 29-bit identifier (8 hex digits in candump logs)
  bool remote = false;    ///< remote transmission request (no data)
  bool error = false;     ///< error frame (CAN_ERR_FLAG); id holds the error class
  std::uint8_t dlc = 0;   ///< 0..8 data bytes
  std::array<std::uint8_t, 8> data{};
  std::int64_t time_us = 0;                     ///< timestamp, microseconds (log time or kernel time)
  std::array<char, kIfaceNameMax + 1> iface{};  ///< NUL-terminated interface name

  /// The valid data bytes (dlc of them).
  [[nodiscard]] std::span<const std::uint8_t> payload() const noexcept { return {data.data(), dlc}; }
  [[nodiscard]] std::string_view iface_name() const noexcept { return {iface.data()}; }
  /// Sets the interface name, truncating to kIfaceNameMax characters.
  void set_iface(std::string_view name) noexcept {
    const std::size_t n = name.size() < kIfaceNameMax ? name.size() : kIfaceNameMax;
    for (std::size_t i = 0; i < n; ++i) iface[i] = name[i];
    iface[n] = '\0';
  }
};

}  // namespace bms
