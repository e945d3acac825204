#include "protocols/canopen/object_map.hpp"

#include "protocols/wire_bytes.hpp"

namespace bms::canopen {

double ValueEncoding::to_value(std::uint32_t raw) const noexcept {
  const unsigned bits = bit_length == 0 ? 1U : (bit_length > 32 ? 32U : bit_length);
  const std::uint32_t mask = bits == 32 ? 0xFFFFFFFFU : ((1U << bits) - 1U);
  raw &= mask;
  double v = 0;
  if (is_signed && bits < 32 && (raw >> (bits - 1)) != 0) {
    v = static_cast<double>(static_cast<std::int64_t>(raw) - (std::int64_t{1} << bits));
  } else if (is_signed && bits == 32) {
    v = static_cast<double>(static_cast<std::int32_t>(raw));
  } else {
    v = static_cast<double>(raw);
  }
  if (divisor != 1.0 && divisor != 0.0) v /= divisor;
  return wire::scaled(v, scale) + offset;
}

std::uint32_t PdoMapping::cob_id_for(std::uint8_t node) const noexcept {
  if (pdo_number >= 1 && pdo_number <= 4) return 0x080U + 0x100U * pdo_number + (node & 0x7FU);
  return cob_id;
}

const SdoObject* ObjectMap::find_sdo_object(ObjectAddress address) const noexcept {
  for (const auto& o : sdo_objects) {
    if (o.address == address) return &o;
  }
  return nullptr;
}

DecodedFrame decode_pdo(const ObjectMap& map, const CanFrame& frame, std::uint8_t node) noexcept {
  if (frame.extended || frame.error) return DecodedFrame::fail(DecodeStatus::NotMine, "not a standard data frame");
  const PdoMapping* mapping = nullptr;
  for (const auto& m : map.pdos) {
    if (m.cob_id_for(node) == frame.id) {
      mapping = &m;
      break;
    }
  }
  if (mapping == nullptr) return DecodedFrame::fail(DecodeStatus::NotMine, "COB-ID not in the object map");
  if (frame.remote) return DecodedFrame::fail(DecodeStatus::Malformed, "remote frame");
  const auto d = frame.payload();
  const std::size_t available_bits = d.size() * 8;
  for (const auto& f : mapping->fields) {
    const std::size_t first = static_cast<std::size_t>(f.byte_offset) * 8 + f.bit_offset;
    if (first + f.encoding.bit_length > available_bits) {
      return DecodedFrame::fail(DecodeStatus::TooShort, "PDO shorter than its mapping");
    }
  }
  DecodedFrame out;
  out.status = DecodeStatus::Ok;
  for (const auto& f : mapping->fields) {
    const std::size_t first = static_cast<std::size_t>(f.byte_offset) * 8 + f.bit_offset;
    std::uint32_t raw = 0;
    // Little-endian bit order (CiA 301): bit k of the field is bit (first + k) of the frame.
    const std::size_t bits = f.encoding.bit_length > 32 ? 32 : f.encoding.bit_length;
    for (std::size_t k = 0; k < bits; ++k) {
      const std::size_t b = first + k;
      if ((d[b / 8] >> (b % 8)) & 1U) raw |= 1U << k;
    }
    out.add(f.signal, f.encoding.to_value(raw));
  }
  return out;
}

std::optional<double> sdo_value(const SdoObject& object, const SdoResponse& response) noexcept {
  if (response.kind != SdoResponseKind::Upload) return std::nullopt;
  if (static_cast<unsigned>(response.size) * 8U < object.encoding.bit_length) return std::nullopt;
  return object.encoding.to_value(response.value);
}

}  // namespace bms::canopen
