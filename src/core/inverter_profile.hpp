#pragma once
/// @file inverter_profile.hpp
/// The inverter profiles as data: which frames each one sends, with the DLC on the wire,
/// and the few per-vendor choices (0x356 voltage scale, where force-charge requests go,
/// what 0x359 byte 3 bit 3 means). The field layouts are the pure encoders of
/// protocols/pylon; docs/INVERTERS.md is the human-readable form of this table.

#include <cstdint>
#include <span>
#include <string_view>

#include "core/settings.hpp"

namespace bms {

/// One frame of a profile: its id and the DLC it is sent with (shorter fields zero padded).
struct ProfileFrame {
  std::uint32_t id;
  std::uint8_t dlc;
};

/// Where a profile puts the batteries' 0x35C requests.
enum class ForceChargePlacement : std::uint8_t {
  None,         ///< the protocol has no request frame (SMA)
  AsPylontech,  ///< bit 5 force charge I, bit 4 force charge II, bit 3 full charge, as sent
  Bit4,         ///< any request on bit 4: the bit Luxpower/EG4 start a force charge on
};

struct InverterProfile {
  OutputProfile profile;
  std::string_view name;                 ///< the config value
  std::string_view inverters;            ///< inverter families that read it
  std::span<const ProfileFrame> frames;  ///< every frame it may send, in send order
  double voltage_scale_v;                ///< 0x356 volts per bit
  ForceChargePlacement force_charge;
  /// Sol-Ark reads 0x359 byte 3 bit 3 as "critical system error", not Pylontech's
  /// "internal communication fail" warning: set it only for a system error there.
  bool byte3_bit3_is_critical;
};

/// Every profile, in OutputProfile order.
[[nodiscard]] std::span<const InverterProfile> inverter_profiles() noexcept;
[[nodiscard]] const InverterProfile& inverter_profile(OutputProfile p) noexcept;
/// The DLC profile `p` sends `id` with; 0 when the profile does not send it.
[[nodiscard]] std::uint8_t profile_dlc(const InverterProfile& p, std::uint32_t id) noexcept;

}  // namespace bms
