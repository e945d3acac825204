#include "protocols/canopen/emcy.hpp"

#include "protocols/wire_bytes.hpp"

namespace bms::canopen {

bool parse_emcy(const CanFrame& frame, Emcy& out) noexcept {
  if (frame.remote || frame.error || frame.dlc < 3) return false;
  const auto d = frame.payload();
  out.error_code = wire::u16(d, 0);
  out.error_register = d[2];
  out.vendor = {};
  for (std::size_t i = 3; i < d.size() && i < 8; ++i) out.vendor[i - 3] = d[i];
  return true;
}

DecodedFrame decode_emcy(const CanFrame& frame) noexcept {
  if (frame.remote) return DecodedFrame::fail(DecodeStatus::Malformed, "remote frame");
  Emcy e;
  if (!parse_emcy(frame, e)) return DecodedFrame::fail(DecodeStatus::TooShort, "EMCY needs at least 3 bytes");
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  out.add(SignalId::EmcyCode, e.error_code);
  out.add(SignalId::EmcyErrorRegister, e.error_register);
  return out;
}

CanFrame encode_emcy(std::uint8_t node, const Emcy& emcy) noexcept {
  CanFrame f;
  f.id = kEmcyBase + (node & 0x7FU);
  f.dlc = 8;
  wire::put_u16(&f.data[0], emcy.error_code);
  f.data[2] = emcy.error_register;
  for (std::size_t i = 0; i < emcy.vendor.size(); ++i) f.data[3 + i] = emcy.vendor[i];
  return f;
}

}  // namespace bms::canopen
