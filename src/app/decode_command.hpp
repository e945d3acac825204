#pragma once
/// @file decode_command.hpp
/// `bms-aggregator decode [--config FILE] [--protocol pylontech|canopen:MAP] LOG|-`:
/// decodes a candump log into JSON lines, one flat object per frame:
///   {"t": 1700000000.0002, "iface": "can0", "id": "0x351", "data": "14025002C805",
///    "battery": "A", "charge_voltage_limit_v": 53.2, ...}
/// "battery" appears when the configuration maps the frame's interface (and, for CANopen,
/// node) to a battery. A frame that cannot be decoded gives "error" and "reason".
/// Malformed log lines are reported on stderr as FILE:LINE: what is wrong.

#include <iosfwd>
#include <string>
#include <vector>

namespace bms {

/// Entry point for main(): `argv` starts after the word "decode".
/// @return 0 ok; 2 bad usage, bad config/map, or malformed log lines; 1 runtime failure.
int run_decode_command(int argc, char** argv);

/// The same with explicit streams, for tests.
int decode_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// The usage text of the decode command.
[[nodiscard]] std::string decode_usage();

}  // namespace bms
