#include "core/frame_router.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace bms {
namespace {

CanFrame frame_on(const char* iface, std::uint32_t id, std::initializer_list<std::uint8_t> bytes) {
  CanFrame f;
  f.id = id;
  f.time_us = 1000;
  f.set_iface(iface);
  for (std::uint8_t b : bytes) f.data[f.dlc++] = b;
  return f;
}

std::vector<Reading> route(FrameRouter& router, const CanFrame& f) {
  std::vector<Reading> out;
  router.route(f, [&](const Reading& r) { out.push_back(r); });
  return out;
}

Settings canopen_bank() {
  auto map = std::make_shared<canopen::ObjectMap>();
  canopen::PdoMapping absolute;  // a TPDO at an absolute COB-ID, not "TPDOn of the node"
  absolute.pdo_number = 0;
  absolute.cob_id = 0x3F0;
  canopen::PdoField soc;
  soc.signal = SignalId::SocPct;
  soc.encoding.bit_length = 8;
  absolute.fields.push_back(soc);
  map->pdos.push_back(absolute);
  Settings s;
  for (int node : {1, 2}) {
    BatterySettings b;
    b.name = "N" + std::to_string(node);
    b.interface = "can1";
    b.protocol = BatteryProtocol::Canopen;
    b.node_id = node;
    b.canopen_map = node == 2 ? map : std::make_shared<canopen::ObjectMap>();
    s.batteries.push_back(b);
  }
  BatterySettings p;
  p.name = "P";
  p.interface = "can0";
  s.batteries.push_back(p);
  s.output.enabled = true;
  s.output.interface = "can9";
  return s;
}

TEST(FrameRouter, PdoAtAnAbsoluteCobIdReachesItsBattery) {
  FrameRouter router(canopen_bank());
  const auto readings = route(router, frame_on("can1", 0x3F0, {77}));
  ASSERT_EQ(readings.size(), 2U);
  EXPECT_EQ(readings[0].kind, ReadingKind::FrameSeen);
  EXPECT_EQ(readings[0].source, 1);
  EXPECT_EQ(readings[1].signal, SignalId::SocPct);
  EXPECT_EQ(readings[1].value, 77.0);
}

TEST(FrameRouter, CanopenNodesAreToldApartByTheirCobId) {
  FrameRouter router(canopen_bank());
  const auto a = route(router, frame_on("can1", 0x701, {0x05}));
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(a[0].source, 0);
  EXPECT_EQ(a[1].signal, SignalId::NmtState);
  const auto b = route(router, frame_on("can1", 0x702, {0x7F}));
  ASSERT_EQ(b.size(), 2U);
  EXPECT_EQ(b[0].source, 1);
  EXPECT_TRUE(route(router, frame_on("can1", 0x703, {0x05})).empty());  // node 3 is not configured
  EXPECT_EQ(router.counters().unknown_source, 1U);
}

TEST(FrameRouter, PylontechTooShortFrameIsADecodeErrorNotALivenessSign) {
  FrameRouter router(canopen_bank());
  const auto r = route(router, frame_on("can0", 0x351, {0x14, 0x02}));
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].kind, ReadingKind::DecodeError);
  EXPECT_EQ(r[0].source, 2);
  EXPECT_EQ(router.counters().decode_errors, 1U);
}

TEST(FrameRouter, InverterKeepAliveOnTheOutputPort) {
  FrameRouter router(canopen_bank());
  const auto r = route(router, frame_on("can9", 0x305, {0, 0, 0, 0, 0, 0, 0, 0}));
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].source, kSourceInverter);
  EXPECT_EQ(r[0].signal, SignalId::InverterKeepAlive);
  EXPECT_TRUE(route(router, frame_on("can7", 0x351, {1, 2, 3, 4, 5, 6})).empty());
}

}  // namespace
}  // namespace bms
