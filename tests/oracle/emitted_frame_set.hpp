#pragma once
/// @file emitted_frame_set.hpp
/// The oracle's own reading of what the aggregator sent to the inverter. Written from the
/// wire format (docs/PROTOCOLS.md), deliberately without the project's decoder: a fault in
/// the codec must not be able to hide a fault in the policy.
///
///   0x351: u16 charge voltage limit 0.1 V, s16 charge current limit 0.1 A,
///          s16 discharge current limit 0.1 A, [u16 discharge voltage limit 0.1 V]
///   0x35C: byte 0 bit 7 charge enable, bit 6 discharge enable, bits 5/4/3 force-charge and
///          full-charge requests
/// Every frame set starts with 0x351 (the limits), so a new 0x351 starts a new set.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocols/can_frame.hpp"

namespace bms::oracle {

struct EmittedFrameSet {
  std::int64_t time_us = 0;
  int frames = 0;
  // 0x351, raw wire units
  std::int32_t charge_voltage_dv = 0;
  std::int32_t charge_current_da = 0;
  std::int32_t discharge_current_da = 0;
  std::optional<std::int32_t> discharge_voltage_dv;
  // 0x35C
  bool has_requests = false;
  bool charge_enable = false;
  bool discharge_enable = false;
  bool charge_request = false;  ///< any of the force-charge / full-charge request bits
  bool well_formed = true;  ///< false: frames before the first 0x351, or a short 0x351/0x35C, or two sets at one 0x351
};

/// Splits the emitted frames (in emission order) into frame sets.
[[nodiscard]] std::vector<EmittedFrameSet> split_frame_sets(std::span<const CanFrame> frames);

}  // namespace bms::oracle
