// CANopen frames: NMT/heartbeat, EMCY, SDO expedited upload and abort, COB-ID classes.

#include <gtest/gtest.h>

#include "frame_test_helpers.hpp"
#include "protocols/canopen/canopen_codec.hpp"
#include "protocols/canopen/emcy.hpp"
#include "protocols/canopen/nmt.hpp"
#include "protocols/canopen/sdo.hpp"

namespace bms::canopen {
namespace {

using test::frame;
using test::value;
using test::wire;

TEST(CanopenHeartbeat, ReadsEachStateOfTheReference) {
  EXPECT_EQ(value(decode_heartbeat(frame("701#00")), SignalId::NmtState), 0.0);
  EXPECT_EQ(value(decode_heartbeat(frame("701#04")), SignalId::NmtState), 4.0);
  EXPECT_EQ(value(decode_heartbeat(frame("701#05")), SignalId::NmtState), 5.0);
  EXPECT_EQ(value(decode_heartbeat(frame("701#7F")), SignalId::NmtState), 127.0);
}

TEST(CanopenHeartbeat, MasksTheNodeGuardingToggleBit) {
  EXPECT_EQ(value(decode_heartbeat(frame("701#85")), SignalId::NmtState), 5.0);
}

TEST(CanopenHeartbeat, RejectsEmptyUnknownAndRemoteFrames) {
  EXPECT_EQ(decode_heartbeat(frame("701#")).status, DecodeStatus::TooShort);
  EXPECT_EQ(decode_heartbeat(frame("701#06")).status, DecodeStatus::Malformed);
  EXPECT_EQ(decode_heartbeat(frame("701#R")).status, DecodeStatus::Malformed);
}

TEST(CanopenHeartbeat, StateNamesAreReadable) {
  EXPECT_EQ(nmt_state_name(0x05), "operational");
  EXPECT_EQ(nmt_state_name(0x7F), "pre-operational");
  EXPECT_EQ(nmt_state_name(0x04), "stopped");
  EXPECT_EQ(nmt_state_name(0x00), "boot-up");
  EXPECT_EQ(nmt_state_name(0x42), "unknown");
}

TEST(CanopenNmt, EncodesHeartbeats) { EXPECT_EQ(wire(encode_heartbeat(10, NmtState::PreOperational)), "70A#7F"); }

TEST(CanopenEmcy, ReadsCodeAndRegister) {
  const auto d = decode_emcy(frame("081#1042080000000000"));
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::EmcyCode), 0x4210);
  EXPECT_EQ(value(d, SignalId::EmcyErrorRegister), 8.0);
}

TEST(CanopenEmcy, ThreeBytesAreEnoughAndTwoAreTooShort) {
  EXPECT_EQ(decode_emcy(frame("081#000000")).status, DecodeStatus::Ok);
  EXPECT_EQ(decode_emcy(frame("081#0000")).status, DecodeStatus::TooShort);
}

TEST(CanopenEmcy, RoundTripsWithVendorBytes) {
  const Emcy e{0x3210, kErrorRegisterVoltage, {1, 2, 3, 4, 5}};
  const CanFrame f = encode_emcy(3, e);
  EXPECT_EQ(wire(f), "083#1032040102030405");
  Emcy back;
  ASSERT_TRUE(parse_emcy(f, back));
  EXPECT_EQ(back.error_code, 0x3210);
  EXPECT_EQ(back.vendor[4], 5);
}

TEST(CanopenSdo, BuildsTheExpeditedUploadRequestOfTheReference) {
  EXPECT_EQ(wire(build_upload_request(1, {0x6060, 0})), "601#4060600000000000");
  EXPECT_EQ(wire(build_upload_request(0x7F, {0x1018, 2})), "67F#4018100200000000");
}

TEST(CanopenSdo, ParsesResponsesOfOneToFourBytes) {
  struct Case {
    const char* text;
    std::uint8_t size;
    std::uint32_t value;
  };
  for (const Case c : {Case{"581#4F8160005F000000", 1, 0x5F}, Case{"581#4B106000C8000000", 2, 0x00C8},
                       Case{"581#4710200001020300", 3, 0x030201}, Case{"581#4360600000D00000", 4, 0x0000D000}}) {
    const SdoResponse r = parse_sdo_response(frame(c.text));
    EXPECT_EQ(r.kind, SdoResponseKind::Upload) << c.text;
    EXPECT_EQ(r.size, c.size) << c.text;
    EXPECT_EQ(r.value, c.value) << c.text;
  }
  const SdoResponse r = parse_sdo_response(frame("581#4F8160005FFFFFFF"));
  EXPECT_EQ(r.value, 0x5FU) << "bytes past the indicated size are ignored";
  EXPECT_EQ(r.object, (ObjectAddress{0x6081, 0}));
}

TEST(CanopenSdo, ReadsSizeNotIndicatedAsFourBytes) {
  const SdoResponse r = parse_sdo_response(frame("581#4260600001020304"));
  EXPECT_EQ(r.kind, SdoResponseKind::Upload);
  EXPECT_EQ(r.size, 4);
  EXPECT_EQ(r.value, 0x04030201U);
}

TEST(CanopenSdo, ParsesAbortsWithTheirCode) {
  const SdoResponse r = parse_sdo_response(frame("581#8053600000000206"));
  EXPECT_EQ(r.kind, SdoResponseKind::Abort);
  EXPECT_EQ(r.abort_code, 0x06020000U);
  EXPECT_EQ(abort_code_text(r.abort_code), "Object does not exist in the object dictionary");
  EXPECT_EQ(abort_code_text(0x05040000), "SDO protocol timed out");
  EXPECT_EQ(abort_code_text(0x06090011), "Sub-index does not exist");
  EXPECT_EQ(abort_code_text(0x12345678), "unknown abort code");
}

TEST(CanopenSdo, SegmentedAndDownloadResponsesAreUnsupported) {
  EXPECT_EQ(parse_sdo_response(frame("581#4160600004000000")).kind, SdoResponseKind::Unsupported);
  EXPECT_EQ(parse_sdo_response(frame("581#6060600000000000")).kind, SdoResponseKind::Unsupported);
}

TEST(CanopenSdo, FramesShorterThanEightBytesAreTooShort) {
  EXPECT_EQ(parse_sdo_response(frame("581#4F816000")).kind, SdoResponseKind::TooShort);
  EXPECT_EQ(parse_sdo_response(frame("581#")).kind, SdoResponseKind::TooShort);
}

TEST(CanopenSdo, ServerSideFramesRoundTrip) {
  for (std::uint8_t size = 1; size <= 4; ++size) {
    const SdoResponse r = parse_sdo_response(encode_upload_response(2, {0x2010, 1}, 0xA1B2C3D4U, size));
    EXPECT_EQ(r.size, size);
    EXPECT_EQ(r.value, 0xA1B2C3D4U & (size == 4 ? 0xFFFFFFFFU : ((1U << (8 * size)) - 1)));
    EXPECT_EQ(r.object, (ObjectAddress{0x2010, 1}));
  }
  EXPECT_EQ(wire(encode_abort(2, {0x6053, 0}, kAbortObjectDoesNotExist)), "582#8053600000000206");
  ObjectAddress o;
  EXPECT_TRUE(parse_upload_request(build_upload_request(9, {0x6081, 0}), 9, o));
  EXPECT_EQ(o, (ObjectAddress{0x6081, 0}));
  EXPECT_FALSE(parse_upload_request(build_upload_request(9, {0x6081, 0}), 8, o));
}

TEST(CanopenCobId, ClassifiesThePredefinedConnectionSet) {
  EXPECT_EQ(classify_cob_id(0x000).kind, CobKind::Nmt);
  EXPECT_EQ(classify_cob_id(0x080).kind, CobKind::Sync);
  EXPECT_EQ(classify_cob_id(0x100).kind, CobKind::Time);
  EXPECT_EQ(classify_cob_id(0x081).kind, CobKind::Emcy);
  const CobId tpdo3 = classify_cob_id(0x3A5);
  EXPECT_EQ(tpdo3.kind, CobKind::Tpdo);
  EXPECT_EQ(tpdo3.pdo_number, 3);
  EXPECT_EQ(tpdo3.node, 0x25);
  EXPECT_EQ(classify_cob_id(0x205).kind, CobKind::Rpdo);
  EXPECT_EQ(classify_cob_id(0x585).kind, CobKind::SdoResponse);
  EXPECT_EQ(classify_cob_id(0x605).kind, CobKind::SdoRequest);
  EXPECT_EQ(classify_cob_id(0x77F).kind, CobKind::Heartbeat);
  EXPECT_EQ(classify_cob_id(0x351).kind, CobKind::Rpdo) << "0x300 + node 0x51: the id spaces overlap";
  EXPECT_EQ(classify_cob_id(0x7FF).kind, CobKind::Other);
  EXPECT_EQ(classify_cob_id(0x800).kind, CobKind::Other);
}

}  // namespace
}  // namespace bms::canopen
