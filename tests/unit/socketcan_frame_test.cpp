// CanFrame -> struct can_frame for the SocketCAN sink: flags in the id, dlc clamped,
// no payload on remote frames.
#include <gtest/gtest.h>

#include "io/socketcan_sink.hpp"

namespace bms {
namespace {

CanFrame frame(std::uint32_t id, std::initializer_list<std::uint8_t> bytes) {
  CanFrame f;
  f.id = id;
  for (std::uint8_t b : bytes) f.data[f.dlc++] = b;
  return f;
}

TEST(SocketCanFrame, StandardDataFrameKeepsIdAndBytes) {
  const can_frame k = to_can_frame(frame(0x351, {0x14, 0x02, 0xFB, 0x04, 0xD0, 0x07}));
  EXPECT_EQ(k.can_id, 0x351U);
  EXPECT_EQ(k.len, 6);
  EXPECT_EQ(k.data[0], 0x14);
  EXPECT_EQ(k.data[5], 0x07);
  EXPECT_EQ(k.data[6], 0x00);
}

TEST(SocketCanFrame, StandardIdIsMaskedTo11Bits) { EXPECT_EQ(to_can_frame(frame(0x1351, {})).can_id, 0x351U); }

TEST(SocketCanFrame, ExtendedIdCarriesTheEffFlag) {
  CanFrame f = frame(0x12345678, {1});
  f.extended = true;
  EXPECT_EQ(to_can_frame(f).can_id, 0x12345678U | CAN_EFF_FLAG);
}

TEST(SocketCanFrame, RemoteFrameHasRtrFlagAndNoPayload) {
  CanFrame f = frame(0x351, {0xAA, 0xBB});
  f.remote = true;
  const can_frame k = to_can_frame(f);
  EXPECT_EQ(k.can_id, 0x351U | CAN_RTR_FLAG);
  EXPECT_EQ(k.len, 2);
  EXPECT_EQ(k.data[0], 0x00);
}

TEST(SocketCanFrame, ErrorFrameCarriesTheErrFlagAndClass) {
  CanFrame f = frame(0x040, {0, 0, 0, 0, 0, 0, 0, 0});
  f.error = true;
  EXPECT_EQ(to_can_frame(f).can_id, 0x040U | CAN_ERR_FLAG);
}

TEST(SocketCanFrame, DlcAboveEightIsClamped) {
  CanFrame f = frame(0x351, {1, 2, 3, 4, 5, 6, 7, 8});
  f.dlc = 15;
  EXPECT_EQ(to_can_frame(f).len, 8);
}

}  // namespace
}  // namespace bms
