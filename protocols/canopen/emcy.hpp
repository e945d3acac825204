#pragma once
/// @file emcy.hpp
/// CANopen emergency messages (CiA 301) on 0x080+node: u16 error code, u8 error
/// register, 5 manufacturer bytes. An error code of 0x0000 means "error reset / no error".
/// Pure.

#include <array>
#include <cstdint>
#include <string_view>

#include "protocols/can_frame.hpp"
#include "protocols/decoded_frame.hpp"

namespace bms::canopen {

inline constexpr std::uint32_t kEmcyBase = 0x080;  ///< + node id (0x080 alone is SYNC)

inline constexpr std::uint16_t kEmcyNoError = 0x0000;
inline constexpr std::uint16_t kEmcyTemperatureDevice = 0x4210;  ///< excess temperature, device
/// CiA 301 error code classes: the high nibble is the class, the high byte its sub-class.
inline constexpr std::uint16_t kEmcyClassMask = 0xF000;
inline constexpr std::uint16_t kEmcyClassTemperature = 0x4000;  ///< 0x4xxx: temperature
inline constexpr std::uint16_t kEmcySubClassMask = 0xFF00;
inline constexpr std::uint16_t kEmcySubClassDeviceTemperature = 0x4200;  ///< 0x42xx: the device's own

/// True for a temperature error (0x4xxx).
[[nodiscard]] constexpr bool emcy_is_temperature(std::uint16_t code) noexcept {
  return (code & kEmcyClassMask) == kEmcyClassTemperature;
}
/// True for the device's own temperature (0x42xx): the BMS is too hot inside.
[[nodiscard]] constexpr bool emcy_is_device_temperature(std::uint16_t code) noexcept {
  return (code & kEmcySubClassMask) == kEmcySubClassDeviceTemperature;
}
inline constexpr std::uint8_t kErrorRegisterGeneric = 0x01;
inline constexpr std::uint8_t kErrorRegisterCurrent = 0x02;
inline constexpr std::uint8_t kErrorRegisterVoltage = 0x04;
inline constexpr std::uint8_t kErrorRegisterTemperature = 0x08;

struct Emcy {
  std::uint16_t error_code = 0;
  std::uint8_t error_register = 0;
  std::array<std::uint8_t, 5> vendor{};
};

/// Decodes an EMCY frame: signals emcy_code and emcy_error_register. CiA 301 EMCY frames
/// are 8 bytes, but the two mandatory fields need only 3; fewer is TooShort.
[[nodiscard]] DecodedFrame decode_emcy(const CanFrame& frame) noexcept;
/// Parses the fields; false when the frame is too short or not a data frame.
[[nodiscard]] bool parse_emcy(const CanFrame& frame, Emcy& out) noexcept;
/// An 8-byte EMCY frame from `node`.
[[nodiscard]] CanFrame encode_emcy(std::uint8_t node, const Emcy& emcy) noexcept;

}  // namespace bms::canopen
