// What the CAN_RAW filters of a port accept: exactly the configured ids, nothing more.
#include "io/socketcan_filter.hpp"

#include <gtest/gtest.h>
#include <linux/can.h>

#include <vector>

namespace bms {
namespace {

constexpr std::uint32_t kFlags = CAN_EFF_FLAG | CAN_RTR_FLAG;

TEST(SocketCanFilters, OneIdIsOneExactFilter) {
  const std::vector<CanIdRange> r{{0x351, 0x351, false}};
  EXPECT_EQ(filters_for_ranges(r), (std::vector<CanIdFilter>{{0x351, 0x7FF | kFlags}}));
}

TEST(SocketCanFilters, AlignedBlockIsOneMaskedFilter) {
  const std::vector<CanIdRange> r{{0x358, 0x35F, false}};
  EXPECT_EQ(filters_for_ranges(r), (std::vector<CanIdFilter>{{0x358, 0x7F8 | kFlags}}));
}

TEST(SocketCanFilters, PylontechFamilyIsCoveredBySevenBlocks) {
  const std::vector<CanIdRange> r{{0x351, 0x382, false}};
  EXPECT_EQ(filters_for_ranges(r), (std::vector<CanIdFilter>{{0x351, 0x7FF | kFlags},
                                                             {0x352, 0x7FE | kFlags},
                                                             {0x354, 0x7FC | kFlags},
                                                             {0x358, 0x7F8 | kFlags},
                                                             {0x360, 0x7E0 | kFlags},
                                                             {0x380, 0x7FE | kFlags},
                                                             {0x382, 0x7FF | kFlags}}));
}

TEST(SocketCanFilters, PylontechFiltersAcceptExactlyTheFamilyAsStandardDataFrames) {
  BatterySettings pylon;
  const auto ranges = battery_id_ranges(pylon);
  const auto f = filters_for_ranges(ranges);
  for (std::uint32_t id = 0; id <= 0x7FF; ++id) {
    EXPECT_EQ(filters_accept(f, id, false, false), id >= 0x351 && id <= 0x382) << std::hex << id;
    EXPECT_FALSE(filters_accept(f, id, false, true)) << "remote " << std::hex << id;
    EXPECT_FALSE(filters_accept(f, id, true, false)) << "29-bit " << std::hex << id;
  }
}

TEST(SocketCanFilters, CanopenNodeAcceptsItsTransmitObjectsOnly) {
  BatterySettings node;
  node.protocol = BatteryProtocol::Canopen;
  node.node_id = 5;
  const auto ranges = battery_id_ranges(node);
  const auto f = filters_for_ranges(ranges);
  const std::vector<std::uint32_t> expected{0x085, 0x185, 0x285, 0x385, 0x485, 0x585, 0x705};
  for (std::uint32_t id = 0; id <= 0x7FF; ++id) {
    const bool want = std::find(expected.begin(), expected.end(), id) != expected.end();
    EXPECT_EQ(filters_accept(f, id, false, false), want) << std::hex << id;
  }
}

TEST(SocketCanFilters, InverterLinkAcceptsKeepAliveAlsoAs29BitId) {
  const auto ranges = inverter_link_id_ranges();
  const auto f = filters_for_ranges(ranges);
  EXPECT_TRUE(filters_accept(f, 0x305, false, false));
  EXPECT_TRUE(filters_accept(f, 0x306, false, false));
  EXPECT_TRUE(filters_accept(f, 0x307, false, false));
  EXPECT_TRUE(filters_accept(f, 0x305, true, false));
  EXPECT_FALSE(filters_accept(f, 0x306, true, false));
  EXPECT_FALSE(filters_accept(f, 0x304, false, false));
  EXPECT_FALSE(filters_accept(f, 0x308, false, false));
  EXPECT_FALSE(filters_accept(f, 0x351, false, false));
}

TEST(SocketCanFilters, OverlappingAndAdjacentRangesMerge) {
  const std::vector<CanIdRange> r{{0x10, 0x17, false}, {0x18, 0x1F, false}, {0x12, 0x13, false}};
  EXPECT_EQ(filters_for_ranges(r), (std::vector<CanIdFilter>{{0x10, 0x7F0 | kFlags}}));
}

TEST(SocketCanFilters, NoRangesMeansNoFilters) { EXPECT_TRUE(filters_for_ranges({}).empty()); }

}  // namespace
}  // namespace bms
