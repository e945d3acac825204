#include "protocols/canopen/canopen_codec.hpp"

#include "protocols/canopen/emcy.hpp"
#include "protocols/canopen/nmt.hpp"
#include "protocols/canopen/sdo.hpp"

namespace bms::canopen {

CobId classify_cob_id(std::uint32_t cob_id) noexcept {
  CobId c;
  if (cob_id > 0x7FF) return c;
  const std::uint32_t function = cob_id & 0x780U;
  const auto node = static_cast<std::uint8_t>(cob_id & 0x7FU);
  if (cob_id == 0x000) return {CobKind::Nmt, 0, 0};
  if (cob_id == 0x080) return {CobKind::Sync, 0, 0};
  if (cob_id == 0x100) return {CobKind::Time, 0, 0};
  if (node == 0) return c;
  switch (function) {
    case 0x080:
      return {CobKind::Emcy, node, 0};
    case 0x180:
      return {CobKind::Tpdo, node, 1};
    case 0x280:
      return {CobKind::Tpdo, node, 2};
    case 0x380:
      return {CobKind::Tpdo, node, 3};
    case 0x480:
      return {CobKind::Tpdo, node, 4};
    case 0x200:
      return {CobKind::Rpdo, node, 1};
    case 0x300:
      return {CobKind::Rpdo, node, 2};
    case 0x400:
      return {CobKind::Rpdo, node, 3};
    case 0x500:
      return {CobKind::Rpdo, node, 4};
    case 0x580:
      return {CobKind::SdoResponse, node, 0};
    case 0x600:
      return {CobKind::SdoRequest, node, 0};
    case 0x700:
      return {CobKind::Heartbeat, node, 0};
    default:
      return c;
  }
}

DecodedFrame decode(const CanFrame& frame, std::uint8_t node, const ObjectMap& map) noexcept {
  if (frame.extended || frame.error) return DecodedFrame::fail(DecodeStatus::NotMine, "not a standard data frame");
  // A mapped PDO may use an absolute COB-ID anywhere, so the map is asked first.
  DecodedFrame pdo = decode_pdo(map, frame, node);
  if (pdo.status != DecodeStatus::NotMine) return pdo;

  const CobId cob = classify_cob_id(frame.id);
  if (cob.node != node) return DecodedFrame::fail(DecodeStatus::NotMine, "another node or a broadcast");
  switch (cob.kind) {
    case CobKind::Heartbeat:
      return decode_heartbeat(frame);
    case CobKind::Emcy:
      return decode_emcy(frame);
    case CobKind::SdoResponse: {
      const SdoResponse r = parse_sdo_response(frame);
      switch (r.kind) {
        case SdoResponseKind::TooShort:
          return DecodedFrame::fail(DecodeStatus::TooShort, "SDO frames are 8 bytes");
        case SdoResponseKind::Abort:
          return DecodedFrame::fail(DecodeStatus::Malformed, abort_code_text(r.abort_code));
        case SdoResponseKind::Unsupported:
          return DecodedFrame::fail(DecodeStatus::NotMine, "SDO transfer other than expedited upload");
        case SdoResponseKind::Upload:
          break;
      }
      const SdoObject* object = map.find_sdo_object(r.object);
      if (object == nullptr) return DecodedFrame::fail(DecodeStatus::NotMine, "SDO object not in the object map");
      const auto v = sdo_value(*object, r);
      if (!v) return DecodedFrame::fail(DecodeStatus::TooShort, "SDO response smaller than the mapped object");
      DecodedFrame out;
      out.status = DecodeStatus::Ok;
      out.add(object->signal, *v);
      return out;
    }
    case CobKind::SdoRequest:
      return DecodedFrame::fail(DecodeStatus::NotMine, "SDO request (from the gateway)");
    case CobKind::Tpdo:
      return DecodedFrame::fail(DecodeStatus::NotMine, "TPDO not in the object map");
    default:
      return DecodedFrame::fail(DecodeStatus::NotMine, "not a battery frame");
  }
}

}  // namespace bms::canopen
