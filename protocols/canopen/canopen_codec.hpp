#pragma once
/// @file canopen_codec.hpp
/// Decodes what one CANopen battery (a node with an object map) puts on the bus:
/// heartbeat, EMCY, mapped TPDOs and SDO upload responses to the gateway's polls. Pure;
/// the SDO polling itself is the SdoPoller state machine (sdo_client.hpp).

#include <cstdint>

#include "protocols/can_frame.hpp"
#include "protocols/canopen/object_map.hpp"
#include "protocols/decoded_frame.hpp"

namespace bms::canopen {

/// What a COB-ID is, from CiA 301's predefined connection set.
enum class CobKind : std::uint8_t {
  Nmt,
  Sync,
  Emcy,
  Time,
  Tpdo,
  Rpdo,
  SdoResponse,
  SdoRequest,
  Heartbeat,
  Other,
};
struct CobId {
  CobKind kind = CobKind::Other;
  std::uint8_t node = 0;        ///< 1..127 for node-specific kinds
  std::uint8_t pdo_number = 0;  ///< 1..4 for Tpdo/Rpdo
};
/// Classifies an 11-bit COB-ID (0x181 -> Tpdo 1 of node 1, 0x701 -> Heartbeat of node 1).
[[nodiscard]] CobId classify_cob_id(std::uint32_t cob_id) noexcept;

/// Decodes a frame of battery `node` using `map`:
///  - heartbeat 0x700+node -> nmt_state; EMCY 0x080+node -> emcy_code, emcy_error_register;
///  - a TPDO in the map -> its fields;
///  - SDO response 0x580+node: an upload of a mapped object -> its signal; an abort ->
///    Malformed with the abort code's CiA 301 text as reason; unmapped objects -> NotMine.
/// Anything else (other nodes, SDO requests, NMT, SYNC) is NotMine.
[[nodiscard]] DecodedFrame decode(const CanFrame& frame, std::uint8_t node, const ObjectMap& map) noexcept;

}  // namespace bms::canopen
