#include "protocols/canopen/nmt.hpp"

namespace bms::canopen {

std::string_view nmt_state_name(std::uint8_t state) noexcept {
  switch (state) {
    case 0x00:
      return "boot-up";
    case 0x04:
      return "stopped";
    case 0x05:
      return "operational";
    case 0x7F:
      return "pre-operational";
    default:
      return "unknown";
  }
}

DecodedFrame decode_heartbeat(const CanFrame& frame) noexcept {
  if (frame.remote) return DecodedFrame::fail(DecodeStatus::Malformed, "remote frame (node guarding request)");
  if (frame.dlc < 1) return DecodedFrame::fail(DecodeStatus::TooShort, "heartbeat needs 1 byte");
  // Node guarding replies toggle bit 7; 0x7F (pre-operational) has no toggle form to confuse.
  const std::uint8_t raw = frame.data[0];
  const std::uint8_t state = raw == 0x7F ? raw : static_cast<std::uint8_t>(raw & 0x7FU);
  if (nmt_state_name(state) == "unknown") return DecodedFrame::fail(DecodeStatus::Malformed, "unknown NMT state");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  out.add(SignalId::NmtState, state);
  return out;
}

CanFrame encode_heartbeat(std::uint8_t node, NmtState state) noexcept {
  CanFrame f;
  f.id = kHeartbeatBase + (node & 0x7FU);
  f.dlc = 1;
  f.data[0] = static_cast<std::uint8_t>(state);
  return f;
}

}  // namespace bms::canopen
