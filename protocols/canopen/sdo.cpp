#include "protocols/canopen/sdo.hpp"

#include <array>

#include "protocols/wire_bytes.hpp"

namespace bms::canopen {
namespace {

constexpr std::uint8_t kUploadRequest = 0x40;
constexpr std::uint8_t kAbort = 0x80;

void put_address(CanFrame& f, ObjectAddress object) noexcept {
  wire::put_u16(&f.data[1], object.index);
  f.data[3] = object.subindex;
}

ObjectAddress address_of(const CanFrame& f) noexcept { return ObjectAddress{wire::u16(f.payload(), 1), f.data[3]}; }

struct AbortText {
  std::uint32_t code;
  std::string_view text;
};
// CiA 301 table of SDO abort codes.
constexpr std::array<AbortText, 31> kAbortTexts{{
    {0x05030000, "Toggle bit not alternated"},
    {0x05040000, "SDO protocol timed out"},
    {0x05040001, "Client/server command specifier not valid or unknown"},
    {0x05040002, "Invalid block size"},
    {0x05040003, "Invalid sequence number"},
    {0x05040004, "CRC error"},
    {0x05040005, "Out of memory"},
    {0x06010000, "Unsupported access to an object"},
    {0x06010001, "Attempt to read a write only object"},
    {0x06010002, "Attempt to write a read only object"},
    {0x06020000, "Object does not exist in the object dictionary"},
    {0x06040041, "Object cannot be mapped to the PDO"},
    {0x06040042, "The number and length of the objects to be mapped would exceed PDO length"},
    {0x06040043, "General parameter incompatibility reason"},
    {0x06040047, "General internal incompatibility in the device"},
    {0x06060000, "Access failed due to a hardware error"},
    {0x06070010, "Data type does not match, length of service parameter does not match"},
    {0x06070012, "Data type does not match, length of service parameter too high"},
    {0x06070013, "Data type does not match, length of service parameter too low"},
    {0x06090011, "Sub-index does not exist"},
    {0x06090030, "Invalid value for parameter"},
    {0x06090031, "Value of parameter written too high"},
    {0x06090032, "Value of parameter written too low"},
    {0x06090036, "Maximum value is less than minimum value"},
    {0x060A0023, "Resource not available: SDO connection"},
    {0x08000000, "General error"},
    {0x08000020, "Data cannot be transferred or stored to the application"},
    {0x08000021, "Data cannot be transferred or stored to the application because of local control"},
    {0x08000022, "Data cannot be transferred or stored to the application because of the present device state"},
    {0x08000023, "Object dictionary dynamic generation fails or no object dictionary is present"},
    {0x08000024, "No data available"},
}};

}  // namespace

CanFrame build_upload_request(std::uint8_t node, ObjectAddress object) noexcept {
  CanFrame f;
  f.id = kSdoRequestBase + (node & 0x7FU);
  f.dlc = 8;
  f.data[0] = kUploadRequest;
  put_address(f, object);
  return f;
}

bool parse_upload_request(const CanFrame& frame, std::uint8_t node, ObjectAddress& object) noexcept {
  if (frame.extended || frame.remote || frame.error) return false;
  if (frame.id != kSdoRequestBase + (node & 0x7FU) || frame.dlc < 8) return false;
  if (frame.data[0] != kUploadRequest) return false;
  object = address_of(frame);
  return true;
}

SdoResponse parse_sdo_response(const CanFrame& frame) noexcept {
  SdoResponse r;
  if (frame.remote || frame.dlc < 8) return r;  // kind stays TooShort
  r.object = address_of(frame);
  const std::uint8_t command = frame.data[0];
  if (command == kAbort) {
    r.kind = SdoResponseKind::Abort;
    r.abort_code = wire::u32(frame.payload(), 4);
    return r;
  }
  // Upload initiate response: scs = 2 (bits 7-5 = 010), e = bit 1, s = bit 0, n = bits 3-2.
  const bool upload_initiate = (command & 0xE0U) == 0x40U;
  const bool expedited = (command & 0x02U) != 0;
  if (!upload_initiate || !expedited) {
    r.kind = SdoResponseKind::Unsupported;
    return r;
  }
  const bool size_indicated = (command & 0x01U) != 0;
  r.size = size_indicated ? static_cast<std::uint8_t>(4 - ((command >> 2) & 0x3U)) : 4;
  std::uint32_t value = 0;
  for (std::uint8_t i = 0; i < r.size; ++i) value |= static_cast<std::uint32_t>(frame.data[4 + i]) << (8 * i);
  r.value = value;
  r.kind = SdoResponseKind::Upload;
  return r;
}

CanFrame encode_upload_response(std::uint8_t node, ObjectAddress object, std::uint32_t value,
                                std::uint8_t size) noexcept {
  const std::uint8_t n = size < 1 ? 1 : (size > 4 ? 4 : size);
  CanFrame f;
  f.id = kSdoResponseBase + (node & 0x7FU);
  f.dlc = 8;
  f.data[0] = static_cast<std::uint8_t>(0x43U | ((4U - n) << 2));
  put_address(f, object);
  for (std::uint8_t i = 0; i < n; ++i) f.data[4 + i] = static_cast<std::uint8_t>((value >> (8 * i)) & 0xFFU);
  return f;
}

CanFrame encode_abort(std::uint8_t node, ObjectAddress object, std::uint32_t code, bool from_server) noexcept {
  CanFrame f;
  f.id = (from_server ? kSdoResponseBase : kSdoRequestBase) + (node & 0x7FU);
  f.dlc = 8;
  f.data[0] = kAbort;
  put_address(f, object);
  wire::put_u32(&f.data[4], code);
  return f;
}

std::string_view abort_code_text(std::uint32_t code) noexcept {
  for (const auto& a : kAbortTexts) {
    if (a.code == code) return a.text;
  }
  return "unknown abort code";
}

}  // namespace bms::canopen
