#pragma once
/// @file battery_frames.hpp
/// Turns a battery's report into the frames it sends in one period, with the project's
/// own encoders (protocols/pylon, protocols/canopen). Times are offsets from the start of
/// the battery's slot; the simulator adds the absolute time and the interface.

#include <cstdint>
#include <vector>

#include "battery_model.hpp"
#include "protocols/can_frame.hpp"

namespace bms::sim {

/// Pylontech-family frame set, 0x351 first, frames 200 us apart.
void pylon_frames(const BatteryReport& r, SimProfile profile, int index, std::vector<CanFrame>& out);

/// CANopen battery `node` (SuperB Epsilon V2 objects): heartbeat, then each SDO poll
/// request of the gateway followed 1 ms later by the battery's answer. A silent battery
/// still receives requests but answers nothing. `first_cycle` adds a poll of an object
/// the battery lacks (answered with an abort); `emcy` adds an emergency frame.
struct CanopenCycle {
  bool first_cycle = false;
  bool emcy_raise = false;  ///< over-temperature EMCY (0x4210) in this period
  bool emcy_clear = false;  ///< error reset EMCY (0x0000) in this period
  bool cells = false;       ///< also TPDO2 with the cell extremes (--canopen-cells)
};
void canopen_frames(const BatteryReport& r, std::uint8_t node, const CanopenCycle& cycle, std::vector<CanFrame>& out);

}  // namespace bms::sim
