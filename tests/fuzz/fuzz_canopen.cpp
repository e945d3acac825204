// Fuzzes the CANopen decoders (heartbeat, EMCY, SDO response parser, PDO decoding through
// both shipped maps) and drives the SDO polling state machine with the same frames.
//
// Input: byte 0 node, bytes 1-2 COB-ID (11 bits), byte 3 dlc and flags, then data.
// Longer inputs are read as several frames, fed to one SdoPoller with advancing time.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/object_map_loader.hpp"
#include "protocols/canopen/canopen_codec.hpp"
#include "protocols/canopen/emcy.hpp"
#include "protocols/canopen/nmt.hpp"
#include "protocols/canopen/sdo.hpp"
#include "protocols/canopen/sdo_client.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

const bms::canopen::ObjectMap& shipped(const char* name) {
  static const bms::canopen::ObjectMap superb = bms::load_object_map("superb_epsilon_v2", "").map;
  static const bms::canopen::ObjectMap cia418 = bms::load_object_map("cia418_generic", "").map;
  return std::string(name) == "superb" ? superb : cia418;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const auto node = static_cast<std::uint8_t>((data[0] & 0x7FU) == 0 ? 1 : data[0] & 0x7FU);
  bms::canopen::SdoPoller poller(node, {{0x6060, 0}, {0x6081, 0}, {0x2010, 0}}, 100000, 1000000);
  std::int64_t now = 0;
  std::size_t at = 1;
  while (at + 3 <= size) {
    bms::CanFrame f;
    f.id = static_cast<std::uint32_t>(data[at] | (data[at + 1] << 8)) & 0x7FFU;
    const std::uint8_t meta = data[at + 2];
    f.dlc = static_cast<std::uint8_t>(meta % 9);
    f.remote = (meta & 0x80U) != 0;
    at += 3;
    for (std::size_t i = 0; i < f.dlc && at < size; ++i, ++at) f.data[i] = data[at];

    const bms::DecodedFrame hb = bms::canopen::decode_heartbeat(f);
    require(hb.status != bms::DecodeStatus::Ok || hb.count == 1);
    bms::canopen::Emcy emcy;
    require(bms::canopen::parse_emcy(f, emcy) == (f.dlc >= 3 && !f.remote));
    (void)bms::canopen::decode_emcy(f);
    const bms::canopen::SdoResponse r = bms::canopen::parse_sdo_response(f);
    if (r.kind == bms::canopen::SdoResponseKind::Upload) require(r.size >= 1 && r.size <= 4);
    if (r.kind == bms::canopen::SdoResponseKind::Abort) require(!bms::canopen::abort_code_text(r.abort_code).empty());
    for (const char* map : {"superb", "cia418"}) {
      const bms::DecodedFrame d = bms::canopen::decode(f, node, shipped(map));
      require(d.count <= bms::kMaxSignalsPerFrame);
      (void)bms::canopen::decode_pdo(shipped(map), f, node);
    }
    (void)bms::canopen::classify_cob_id(f.id);

    // The poller: at most one request outstanding, whatever arrives.
    if (auto req = poller.next_request(now)) require(poller.outstanding() && req->id == 0x600U + node);
    if (auto e = poller.on_frame(f, now)) require(e->kind != bms::canopen::SdoEvent::Kind::Timeout);
    now += static_cast<std::int64_t>(meta) * 1000;
    (void)poller.check_timeout(now);
  }
  return 0;
}
