#pragma once
/// @file socketcan_link.hpp
/// Link control of a CAN interface through libsocketcan (netlink): the bitrate, and the
/// restart after bus-off. Both are start-up or fault-path calls, never per frame.

#include <cstdint>
#include <string>

namespace bms {

/// What a link-control call did: ok, and a sentence for the log either way.
struct LinkControlResult {
  bool ok = false;
  std::string detail;
};

/// Sets the interface's bitrate when it differs from `bitrate_bps` (stop, set, start: the
/// kernel only changes bit timing on a stopped interface). A matching bitrate is left alone.
/// Fails on interfaces without CAN bit timing (vcan) and without CAP_NET_ADMIN.
[[nodiscard]] LinkControlResult apply_bitrate(const std::string& iface, std::uint32_t bitrate_bps);

/// Restarts a controller that went bus-off (only needed when the interface has no
/// automatic restart-ms). Fails on interfaces that do not support it (vcan) or not bus-off.
[[nodiscard]] LinkControlResult restart_after_bus_off(const std::string& iface);

}  // namespace bms
