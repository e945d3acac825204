#pragma once
/// @file interface_bitrates.hpp
/// One interface, one bitrate: the rule for settings where several entries (batteries, the
/// inverter output) share a CAN interface and each may ask for a bitrate. One function, used
/// by every entry point: the configuration loader (which names the file and line) and the
/// SocketCAN port set (which refuses settings built in code that break it).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace bms {

/// Two entries on one interface that ask for different bitrates.
struct BitrateConflict {
  std::string interface;
  /// The later entry: a battery index, or settings.batteries.size() for [output].
  std::size_t entry = 0;
  std::uint32_t bitrate = 0;
  std::size_t earlier_battery = 0;  ///< the battery (index) it disagrees with
  std::uint32_t earlier_bitrate = 0;
};

/// Every pair of CAN entries (batteries not on D-Bus, and the output when enabled) on one
/// interface whose bitrates are both set and differ; the output is compared with each
/// battery. Empty when the settings keep the rule. A bitrate of 0 (leave the interface as
/// the system set it) agrees with any other.
[[nodiscard]] std::vector<BitrateConflict> bitrate_conflicts(const Settings& settings);

}  // namespace bms
