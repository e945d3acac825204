#pragma once
/// @file sdo.hpp
/// CANopen SDO expedited upload frames (CiA 301), pure: building the client's request,
/// parsing the server's response or abort, and the server side for simulators and tests.
///
///   request  0x600+node  40 idx_lo idx_hi sub 00 00 00 00
///   response 0x580+node  4F/4B/47/43 idx_lo idx_hi sub data(1/2/3/4 bytes, little-endian)
///   abort    0x580+node  80 idx_lo idx_hi sub code(u32)

#include <cstdint>
#include <string_view>

#include "protocols/can_frame.hpp"

namespace bms::canopen {

inline constexpr std::uint32_t kSdoRequestBase = 0x600;   ///< client -> server, + node id
inline constexpr std::uint32_t kSdoResponseBase = 0x580;  ///< server -> client, + node id

/// An object dictionary address.
struct ObjectAddress {
  std::uint16_t index = 0;
  std::uint8_t subindex = 0;
  bool operator==(const ObjectAddress&) const = default;
};

/// What a server's SDO frame says.
enum class SdoResponseKind : std::uint8_t {
  Upload,       ///< expedited upload response: `value` holds `size` bytes
  Abort,        ///< transfer aborted: `abort_code` says why
  Unsupported,  ///< a valid SDO frame this client does not handle (segmented, download...)
  TooShort,     ///< fewer than 8 bytes (SDO frames are always 8)
};

struct SdoResponse {
  SdoResponseKind kind = SdoResponseKind::TooShort;
  ObjectAddress object;
  std::uint8_t size = 0;         ///< 1..4 data bytes of an Upload
  std::uint32_t value = 0;       ///< raw little-endian data, zero-extended
  std::uint32_t abort_code = 0;  ///< for Abort
};

/// Request to read one object from `node` (1..127).
[[nodiscard]] CanFrame build_upload_request(std::uint8_t node, ObjectAddress object) noexcept;
/// True (and the object) when `frame` is an expedited upload request to `node`.
[[nodiscard]] bool parse_upload_request(const CanFrame& frame, std::uint8_t node, ObjectAddress& object) noexcept;

/// Parses a server frame's 8 data bytes. The caller has matched the COB-ID 0x580+node.
/// A command byte of 0x42 (expedited, size not indicated) is read as 4 bytes.
[[nodiscard]] SdoResponse parse_sdo_response(const CanFrame& frame) noexcept;

/// Server side: an expedited upload response carrying `size` (1..4, clamped) bytes of `value`.
[[nodiscard]] CanFrame encode_upload_response(std::uint8_t node, ObjectAddress object, std::uint32_t value,
                                              std::uint8_t size) noexcept;
/// An abort frame from the server (`from_server`) or the client.
[[nodiscard]] CanFrame encode_abort(std::uint8_t node, ObjectAddress object, std::uint32_t code,
                                    bool from_server = true) noexcept;

/// The CiA 301 text of an abort code ("Object does not exist in the object dictionary"),
/// or "unknown abort code".
[[nodiscard]] std::string_view abort_code_text(std::uint32_t code) noexcept;

/// Abort codes the client itself uses.
inline constexpr std::uint32_t kAbortTimeout = 0x05040000;
inline constexpr std::uint32_t kAbortObjectDoesNotExist = 0x06020000;
inline constexpr std::uint32_t kAbortSubindexDoesNotExist = 0x06090011;

}  // namespace bms::canopen
