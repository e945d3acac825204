#pragma once
/// @file nmt.hpp
/// CANopen network management (CiA 301): NMT commands on 0x000 and the heartbeat on
/// 0x700+node, whose one byte is the node's state. CiA 418 makes the heartbeat mandatory,
/// so it is a battery's liveness signal. Pure.

#include <cstdint>
#include <string_view>

#include "protocols/can_frame.hpp"
#include "protocols/decoded_frame.hpp"

namespace bms::canopen {

inline constexpr std::uint32_t kHeartbeatBase = 0x700;

/// Node states as the heartbeat carries them.
enum class NmtState : std::uint8_t {
  BootUp = 0x00,
  Stopped = 0x04,
  Operational = 0x05,
  PreOperational = 0x7F,
};

/// "operational", "pre-operational", "stopped", "boot-up" or "unknown".
[[nodiscard]] std::string_view nmt_state_name(std::uint8_t state) noexcept;

/// Decodes a heartbeat 0x700+node: signal nmt_state with the raw state byte (the toggle
/// bit 7 of node guarding is masked off, except for 0x7F). TooShort when dlc is 0,
/// Malformed for an unknown state.
[[nodiscard]] DecodedFrame decode_heartbeat(const CanFrame& frame) noexcept;
/// A heartbeat of `node` in `state`.
[[nodiscard]] CanFrame encode_heartbeat(std::uint8_t node, NmtState state) noexcept;

}  // namespace bms::canopen
