#include "emitted_frame_set.hpp"

namespace bms::oracle {
namespace {
std::int32_t le_u16(const CanFrame& f, int at) { return f.data[at] | (f.data[at + 1] << 8); }
std::int32_t le_s16(const CanFrame& f, int at) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(le_u16(f, at)));
}
}  // namespace

std::vector<EmittedFrameSet> split_frame_sets(std::span<const CanFrame> frames) {
  std::vector<EmittedFrameSet> sets;
  for (const CanFrame& f : frames) {
    if (f.id == 0x351 && !f.extended) {
      EmittedFrameSet s;
      s.time_us = f.time_us;
      if (f.dlc < 6) {
        s.well_formed = false;
      } else {
        s.charge_voltage_dv = le_u16(f, 0);
        s.charge_current_da = le_s16(f, 2);
        s.discharge_current_da = le_s16(f, 4);
        if (f.dlc >= 8) s.discharge_voltage_dv = le_u16(f, 6);
      }
      sets.push_back(s);
    }
    if (sets.empty()) continue;  // a frame before any 0x351 belongs to no set (reported below)
    EmittedFrameSet& s = sets.back();
    ++s.frames;
    if (f.time_us != s.time_us) s.well_formed = false;
    if (f.id == 0x35C && !f.extended) {
      if (f.dlc < 1 || s.has_requests) s.well_formed = false;
      s.has_requests = true;
      s.charge_enable = f.dlc >= 1 && (f.data[0] & 0x80) != 0;
      s.discharge_enable = f.dlc >= 1 && (f.data[0] & 0x40) != 0;
      s.charge_request = f.dlc >= 1 && (f.data[0] & 0x38) != 0;
    }
  }
  if (!frames.empty() && (frames.front().id != 0x351 || frames.front().extended) && !sets.empty()) {
    sets.front().well_formed = false;
  }
  return sets;
}

}  // namespace bms::oracle
