#pragma once
/// @file object_map.hpp
/// A CANopen battery's object map as data: which TPDO bytes and which SDO objects carry
/// which canonical signal, with bit length, signedness, scale and offset. PDO mappings
/// are vendor-specific, so maps live in TOML files (protocols/canopen/maps/), loaded by
/// io/object_map_loader; everything here is pure.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocols/can_frame.hpp"
#include "protocols/canopen/sdo.hpp"
#include "protocols/decoded_frame.hpp"
#include "protocols/signals.hpp"

namespace bms::canopen {

/// How raw bits become a physical value: value = raw / divisor * scale + offset.
/// `divisor` (1024, 8...) keeps binary fractions exact; `scale` (0.1, 0.001...) is applied
/// as a division by its inverse when that is whole, so decimals print without float noise.
struct ValueEncoding {
  std::uint8_t bit_length = 8;  ///< 1..32
  bool is_signed = false;
  double divisor = 1.0;
  double scale = 1.0;
  double offset = 0.0;

  /// Physical value of `raw` (the low bit_length bits; sign-extended when is_signed).
  [[nodiscard]] double to_value(std::uint32_t raw) const noexcept;
};

/// One field of a TPDO.
struct PdoField {
  SignalId signal{};
  std::uint8_t byte_offset = 0;  ///< first byte of the field (0..7)
  std::uint8_t bit_offset = 0;   ///< bit within that byte where the field starts (0..7)
  ValueEncoding encoding;
};

/// One TPDO: either "TPDOn of the node" (cob_id = 0x180/0x280/0x380/0x480 + node) or an
/// absolute COB-ID.
struct PdoMapping {
  std::uint8_t pdo_number = 0;  ///< 1..4, or 0 when cob_id is absolute
  std::uint32_t cob_id = 0;     ///< absolute COB-ID when pdo_number is 0
  std::vector<PdoField> fields;

  /// COB-ID this mapping listens to for `node`.
  [[nodiscard]] std::uint32_t cob_id_for(std::uint8_t node) const noexcept;
};

/// One object read by SDO polling.
struct SdoObject {
  ObjectAddress address;
  SignalId signal{};
  ValueEncoding encoding;
};

struct ObjectMap {
  std::string name;
  std::string provenance;  ///< where the map comes from (vendor document, community...)
  int bitrate = 250000;
  int poll_interval_ms = 1000;  ///< one cycle through `sdo_objects`
  int sdo_timeout_ms = 100;     ///< an unanswered request is given up after this
  std::vector<PdoMapping> pdos;
  std::vector<SdoObject> sdo_objects;  ///< the poll list, in order

  /// The SDO object at `address`, or nullptr.
  [[nodiscard]] const SdoObject* find_sdo_object(ObjectAddress address) const noexcept;
};

/// Decodes a TPDO of `node` with `map`. NotMine when no mapping has this COB-ID,
/// TooShort when a field lies past the dlc (no value is produced from a partial frame).
[[nodiscard]] DecodedFrame decode_pdo(const ObjectMap& map, const CanFrame& frame, std::uint8_t node) noexcept;

/// The value of an upload response for a mapped object. nullopt when the response is
/// not an upload, or holds fewer bytes than the object's bit length needs.
[[nodiscard]] std::optional<double> sdo_value(const SdoObject& object, const SdoResponse& response) noexcept;

}  // namespace bms::canopen
