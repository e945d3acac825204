// The optional per-interface `bitrate` key: absent leaves the interface alone; a standard
// rate is kept and rendered; anything else, or two rates on one interface, is an error
// naming the file, line and key.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "app/config_loader.hpp"
#include "core/interface_bitrates.hpp"
#include "io/socketcan_ports.hpp"

namespace bms {
namespace {

std::string config(const std::string& battery_a_extra, const std::string& battery_b_extra,
                   const std::string& output_extra, const std::string& b_iface = "can1") {
  return "[[battery]]\nname = \"A\"\ninterface = \"can0\"\nprotocol = \"pylontech\"\n" + battery_a_extra +
         "\n[[battery]]\nname = \"B\"\ninterface = \"" + b_iface + "\"\nprotocol = \"canopen\"\nnode_id = 5\n" +
         battery_b_extra + "\n[output]\ninterface = \"can9\"\n" + output_extra + "\n";
}

TEST(ConfigBitrate, AbsentMeansLeaveTheInterfaceAlone) {
  const ConfigResult r = load_config_text(config("", "", ""), "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.batteries[0].bitrate, 0U);
  EXPECT_EQ(r.settings.output.bitrate, 0U);
  EXPECT_EQ(render_config(r.settings).find("bitrate"), std::string::npos);
}

TEST(ConfigBitrate, StandardRatesAreKeptAndRendered) {
  const ConfigResult r = load_config_text(config("bitrate = 500000", "bitrate = 250000", "bitrate = 500000"), "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.batteries[0].bitrate, 500000U);
  EXPECT_EQ(r.settings.batteries[1].bitrate, 250000U);
  EXPECT_EQ(r.settings.output.bitrate, 500000U);
  const ConfigResult again = load_config_text(render_config(r.settings), "rendered.toml");
  ASSERT_TRUE(again.ok()) << again.errors.front();
  EXPECT_EQ(again.settings.batteries[1].bitrate, 250000U);
  EXPECT_EQ(again.settings.output.bitrate, 500000U);
}

TEST(ConfigBitrate, NonStandardRateIsAnErrorWithLine) {
  const ConfigResult r = load_config_text(config("bitrate = 300000", "", ""), "t.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].rfind("t.toml:5: battery[0].bitrate: not a standard CAN bitrate", 0), 0U) << r.errors[0];
}

TEST(ConfigBitrate, WrongTypeIsAnError) {
  const ConfigResult r = load_config_text(config("bitrate = \"500k\"", "", ""), "t.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0], "t.toml:5: battery[0].bitrate: wrong type: expected an integer, got a string");
}

TEST(ConfigBitrate, TheOutputDisagreeingWithABatteryIsNamedAtTheOutput) {
  // The output may share a CAN interface only with nothing (see ConfigLoader tests), so the
  // rule's output branch is reached by the config only together with that error.
  const ConfigResult r = load_config_text(config("bitrate = 500000", "", "bitrate = 250000", "can1"), "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();  // different interfaces: no conflict
  Settings s = r.settings;
  s.output.interface = "can0";
  const std::vector<BitrateConflict> c = bitrate_conflicts(s);
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c[0].interface, "can0");
  EXPECT_EQ(c[0].entry, s.batteries.size());  // the output
  EXPECT_EQ(c[0].bitrate, 250000U);
  EXPECT_EQ(c[0].earlier_battery, 0U);
  EXPECT_EQ(c[0].earlier_bitrate, 500000U);
}

TEST(BitrateConflicts, ZeroAgreesWithAnyRateAndDbusBatteriesHaveNoPort) {
  Settings s;
  BatterySettings a;
  a.interface = "can0";
  a.protocol = BatteryProtocol::Canopen;
  a.bitrate = 500000;
  BatterySettings b = a;
  b.bitrate = 0;  // leave the interface alone: agrees with a
  BatterySettings d = a;
  d.protocol = BatteryProtocol::Dbus;  // built in code with CAN fields: still not a port
  d.bitrate = 250000;
  BatterySettings e = a;
  e.interface = "can1";
  e.bitrate = 250000;  // another interface
  s.batteries = {a, b, d, e};
  EXPECT_TRUE(bitrate_conflicts(s).empty());
  BatterySettings f = a;
  f.bitrate = 125000;
  s.batteries.push_back(f);
  const std::vector<BitrateConflict> c = bitrate_conflicts(s);
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c[0].entry, 4U);
  EXPECT_EQ(c[0].earlier_battery, 0U);
}

TEST(ConfigBitrate, TwoRatesOnOneInterfaceAreAnError) {
  const std::string text =
      "[[battery]]\nname = \"A\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = 4\nbitrate = 500000\n"
      "[[battery]]\nname = \"B\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = 5\nbitrate = 250000\n";
  // (The output port cannot share a battery's interface at all: see ConfigLoader tests.)
  const ConfigResult r = load_config_text(text, "t.toml");
  ASSERT_EQ(r.errors.size(), 1U) << r.errors.front();
  EXPECT_EQ(r.errors[0],
            "t.toml:7: battery[1].bitrate: 250000 differs from battery[0]'s 500000 on the same interface can0");
}

TEST(SocketCanPortsFor, OnePortPerInterfaceWithTheUnionOfIdsAndTheBitrate) {
  const ConfigResult r = load_config_text(config("bitrate = 500000", "", ""), "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  const std::vector<CanPortSpec> ports = socketcan_ports_for(r.settings);
  ASSERT_EQ(ports.size(), 3U);
  EXPECT_EQ(ports[0].iface, "can0");
  EXPECT_EQ(ports[0].bitrate, 500000U);
  EXPECT_TRUE(filters_accept(ports[0].filters, 0x356, false, false));
  EXPECT_FALSE(filters_accept(ports[0].filters, 0x305, false, false));
  EXPECT_EQ(ports[1].iface, "can1");
  EXPECT_EQ(ports[1].bitrate, 0U);
  EXPECT_TRUE(filters_accept(ports[1].filters, 0x585, false, false));
  EXPECT_FALSE(filters_accept(ports[1].filters, 0x356, false, false));
  EXPECT_EQ(ports[2].iface, "can9");
  EXPECT_TRUE(filters_accept(ports[2].filters, 0x305, false, false));
  EXPECT_FALSE(filters_accept(ports[2].filters, 0x351, false, false));
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST(SocketCanPortsFor, TwoBitratesOnOneInterfaceThrowForHandBuiltSettings) {
  Settings s;
  BatterySettings a;
  a.name = "A";
  a.interface = "can0";
  a.protocol = BatteryProtocol::Canopen;
  a.node_id = 4;
  a.bitrate = 500000;
  BatterySettings b = a;
  b.name = "B";
  b.node_id = 5;
  b.bitrate = 250000;
  s.batteries = {a, b};
  try {
    (void)socketcan_ports_for(s);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "interface can0 is given two bitrates: 500000 and 250000");
  }
}

TEST(SocketCanPortsFor, SharedInterfaceGetsTheUnionOfItsNodesAndTheInverterLink) {
  Settings s;
  BatterySettings a;
  a.name = "A";
  a.interface = "can0";
  a.protocol = BatteryProtocol::Canopen;
  a.node_id = 4;
  BatterySettings b = a;
  b.name = "B";
  b.node_id = 5;
  s.batteries = {a, b};
  s.output.enabled = true;
  s.output.interface = "can0";
  const std::vector<CanPortSpec> ports = socketcan_ports_for(s);
  ASSERT_EQ(ports.size(), 1U);
  for (std::uint32_t id : {0x704U, 0x705U, 0x584U, 0x585U, 0x305U}) {
    EXPECT_TRUE(filters_accept(ports[0].filters, id, false, false)) << std::hex << id;
  }
  EXPECT_FALSE(filters_accept(ports[0].filters, 0x706, false, false));
  EXPECT_FALSE(filters_accept(ports[0].filters, 0x604, false, false));  // our own SDO requests
  EXPECT_FALSE(filters_accept(ports[0].filters, 0x351, false, false));  // our own frame set
}

}  // namespace
}  // namespace bms
