#pragma once
/// @file socketcan_filter.hpp
/// Which CAN ids a port lets through, as exact CAN_RAW_FILTER entries. Pure functions: the
/// kernel drops every other frame before it costs a system call, and what the filters
/// accept is testable without a socket.

#include <cstdint>
#include <span>
#include <vector>

#include "core/settings.hpp"

namespace bms {

/// An inclusive range of identifiers of one format (11-bit or 29-bit).
struct CanIdRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  bool extended = false;
  friend bool operator==(const CanIdRange&, const CanIdRange&) = default;
};

/// One CAN_RAW_FILTER entry in the kernel's encoding (struct can_filter): a frame passes
/// when (frame_id & mask) == (id & mask), where both carry the EFF/RTR flag bits.
struct CanIdFilter {
  std::uint32_t id = 0;
  std::uint32_t mask = 0;
  friend bool operator==(const CanIdFilter&, const CanIdFilter&) = default;
};

/// The fewest filters that accept exactly the data frames in `ranges` (overlapping and
/// adjacent ranges are merged; remote frames and the other id format never pass).
/// Examples: {0x351..0x351} -> {0x351/0x7FF}; {0x358..0x35F} -> {0x358/0x7F8};
/// {0x351..0x382} -> 7 filters (0x351, 0x352/2, 0x354/4, 0x358/8, 0x360/32, 0x380/2, 0x382).
[[nodiscard]] std::vector<CanIdFilter> filters_for_ranges(std::span<const CanIdRange> ranges);

/// True when `filters` accept the frame (the kernel's rule, for tests and diagnostics).
[[nodiscard]] bool filters_accept(std::span<const CanIdFilter> filters, std::uint32_t id, bool extended,
                                  bool remote) noexcept;

/// The ids one configured battery sends: the Pylontech/SMA family 0x351-0x382, or for a
/// CANopen node n: EMCY 0x080+n, TPDO1-4 0x180/0x280/0x380/0x480+n, SDO response 0x580+n,
/// heartbeat 0x700+n.
[[nodiscard]] std::vector<CanIdRange> battery_id_ranges(const BatterySettings& battery);

/// The ids an inverter sends back on the output link: 0x305 keep-alive (also as a 29-bit id,
/// as Schneider XW Pro sends it), 0x306 and 0x307.
[[nodiscard]] std::vector<CanIdRange> inverter_link_id_ranges();

}  // namespace bms
