// The service read the way Venus OS reads it: GetItems, GetValue/GetText on the tree and on
// leaves, SetValue, GetDescription, Introspect, UnknownObject; with sdbus-c++, busctl, dbus-send.
#include <fstream>

#include "service_fixture.hpp"

namespace bms::dbus::testing {
namespace {

constexpr std::size_t kPathCount = 167;  // 58 bank paths, 32 per pack (3 packs), 13 /History

TEST_F(ServiceOnPrivateBus, GetItemsOnRootListsEveryPathWithAbsoluteKeysValueAndText) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const ItemsMap items = client().get_items();
  ASSERT_EQ(items.size(), kPathCount);
  EXPECT_EQ(as_double(items.at("/Dc/0/Voltage").at("Value")), 52.26);
  EXPECT_EQ(as_string(items.at("/Dc/0/Voltage").at("Text")), "52.26V");
  EXPECT_EQ(as_double(items.at("/Soc").at("Value")), 67.3);
  EXPECT_EQ(as_string(items.at("/Soc").at("Text")), "67.3%");
  EXPECT_EQ(as_double(items.at("/Info/MaxChargeVoltage").at("Value")), 56.8);
  EXPECT_EQ(as_int(items.at("/DeviceInstance").at("Value")), 280);
  EXPECT_EQ(as_int(items.at("/ProductId").at("Value")), 0xBA90);
  EXPECT_EQ(as_string(items.at("/ProductId").at("Text")), "0xBA90");
  EXPECT_EQ(as_int(items.at("/Connected").at("Value")), 1);
  EXPECT_EQ(as_string(items.at("/System/MinVoltageCellId").at("Value")), "B:7");
  for (const auto& [path, entry] : items) {
    EXPECT_EQ(path.front(), '/') << path;
    EXPECT_EQ(entry.size(), 2u) << path;
  }
}

TEST_F(ServiceOnPrivateBus, GetValueOnNodesGivesEveryLeafBelowWithRelativeKeys) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const auto root = client().get_value("/").get<ItemMap>();
  EXPECT_EQ(root.size(), kPathCount);
  EXPECT_EQ(as_double(root.at("Dc/0/Current")), -20.0);
  EXPECT_EQ(as_string(root.at("Mgmt/ProcessName")), "bms-aggregator");
  const auto dc = client().get_value("/Dc").get<ItemMap>();
  std::vector<std::string> keys;
  for (const auto& [k, v] : dc) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"0/Current", "0/Power", "0/Temperature", "0/Voltage"}));
  const auto dc0 = client().get_value("/Dc/0").get<ItemMap>();
  EXPECT_EQ(as_double(dc0.at("Power")), -1047.0);
  const auto info = client().get_value("/Info").get<ItemMap>();
  EXPECT_EQ(info.size(), 5u);
  EXPECT_EQ(as_double(info.at("MaxChargeCurrent")), 150.0);
  EXPECT_EQ(as_double(info.at("MaxDischargeCurrent")), 150.0);
  EXPECT_EQ(as_double(info.at("BatteryLowVoltage")), 48.0);
  EXPECT_EQ(as_int(info.at("ChargeRequest")), 0);
}

TEST_F(ServiceOnPrivateBus, GetTextOnNodesGivesStringsWithUnits) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const sdbus::Variant texts = client().get_node_text("/System");
  ASSERT_EQ(texts.peekValueType(), "a{ss}");
  const auto map = texts.get<std::map<std::string, std::string>>();
  EXPECT_EQ(map.at("MinCellVoltage"), "3.267V");
  EXPECT_EQ(map.at("MaxTemperatureCellId"), "A:1");
  EXPECT_EQ(map.at("NrOfModulesOnline"), "3");
}

TEST_F(ServiceOnPrivateBus, LeavesAnswerGetValueGetTextAndGetDescription) {
  start_service();
  publish_and_wait(discharging_snapshot());
  EXPECT_EQ(as_double(client().get_value("/Dc/0/Temperature")), 21.0);  // the coldest
  EXPECT_EQ(client().get_text("/Dc/0/Temperature"),
            "21.0\xC2\xB0"
            "C");
  EXPECT_EQ(as_double(client().get_value("/TimeToGo")), 36360.0);
  EXPECT_EQ(as_int(client().get_value("/Io/AllowToCharge")), 1);
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "House Batteries");
  EXPECT_EQ(client().get_description("/Info/MaxChargeVoltage"), "Charge voltage limit (CVL)");
}

TEST_F(ServiceOnPrivateBus, SendsUnknownValuesAsEmptyInt32ArraysWithThreeDashes) {
  start_service();  // no snapshot yet: every measurement is unknown
  EXPECT_TRUE(is_invalid(client().get_value("/Soc")));
  EXPECT_EQ(client().get_text("/Soc"), "---");
  EXPECT_TRUE(is_invalid(client().get_value("/Info/MaxChargeVoltage")));
  EXPECT_TRUE(is_invalid(client().get_items().at("/Dc/0/Voltage").at("Value")));
  Snapshot s = discharging_snapshot();
  s.min_cell_voltage.reset();
  publish_and_wait(s);
  EXPECT_TRUE(is_invalid(client().get_value("/System/MinCellVoltage")));
  EXPECT_TRUE(is_invalid(client().get_value("/System/MinVoltageCellId")));
  EXPECT_EQ(client().get_text("/System/MinVoltageCellId"), "---");
}

TEST_F(ServiceOnPrivateBus, AcceptsValidatesAndKeepsACustomName) {
  start_service();
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string("Shed"))), 0);
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "Shed");
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string("Shed"))), 0);  // unchanged is accepted
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::int32_t{3})), 1);      // wrong type
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string(65, 'x'))), 2);
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string("a\nb"))), 2);
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::vector<std::int32_t>{})), 2);  // invalid
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "Shed");
  // The state file is written by the service's writer thread, off the bus thread.
  std::string text;
  EXPECT_TRUE(wait_until([&] {
    std::ifstream state(bus.dir() / "state.toml");
    text.assign(std::istreambuf_iterator<char>(state), std::istreambuf_iterator<char>());
    return text.find("custom_name = 'Shed'") != std::string::npos;
  })) << text;
}

TEST_F(ServiceOnPrivateBus, RefusesWritesToReadOnlyPaths) {
  start_service();
  publish_and_wait(discharging_snapshot());
  EXPECT_EQ(client().set_value("/Soc", sdbus::Variant(50.0)), 1);
  EXPECT_EQ(client().set_value("/Info/MaxChargeCurrent", sdbus::Variant(std::int32_t{500})), 1);
  EXPECT_EQ(client().set_value("/DeviceInstance", sdbus::Variant(std::int32_t{1})), 1);
  EXPECT_EQ(as_double(client().get_value("/Soc")), 67.3);
}

TEST_F(ServiceOnPrivateBus, AnswersUnknownObjectForPathsThatDoNotExist) {
  start_service();
  EXPECT_EQ(client().error_of("/Nope", "GetValue"), "org.freedesktop.DBus.Error.UnknownObject");
  EXPECT_EQ(client().error_of("/Dc/1/Voltage", "GetValue"), "org.freedesktop.DBus.Error.UnknownObject");
  EXPECT_EQ(client().error_of("/Soc", "GetValue"), "");
}

TEST_F(ServiceOnPrivateBus, IntrospectsEveryObjectWithItsChildren) {
  start_service();
  const std::string root = client().introspect("/");
  for (const char* child : {"Dc", "Info", "Alarms", "System", "Io", "Mgmt", "Soc", "CustomName"}) {
    EXPECT_NE(root.find(std::string("<node name=\"") + child + "\""), std::string::npos) << child << "\n" << root;
  }
  EXPECT_NE(root.find("GetItems"), std::string::npos);
  EXPECT_NE(root.find("ItemsChanged"), std::string::npos);
  const std::string dc = client().introspect("/Dc");
  EXPECT_NE(dc.find("<node name=\"0\""), std::string::npos) << dc;
  const std::string leaf = client().introspect("/Dc/0/Voltage");
  EXPECT_NE(leaf.find("com.victronenergy.BusItem"), std::string::npos);
  EXPECT_NE(leaf.find("SetValue"), std::string::npos);
  EXPECT_NE(leaf.find("PropertiesChanged"), std::string::npos);
}

TEST_F(ServiceOnPrivateBus, WalksWithBusctlTree) {
  start_service();
  const CommandResult r =
      run_command({"busctl", "--address=" + bus.address(), "tree", "--list", kService}, bus.address());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* path :
       {"/\n", "/Dc\n", "/Dc/0\n", "/Dc/0/Voltage\n", "/System/MinVoltageCellId\n", "/Mgmt/Connection\n"}) {
    EXPECT_NE(r.out.find(path), std::string::npos) << path << r.out;
  }
}

TEST_F(ServiceOnPrivateBus, AnswersBusctlCalls) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const auto call = [&](const std::string& path, const std::string& method) {
    return run_command({"busctl", "--address=" + bus.address(), "call", kService, path, kBusItem, method},
                       bus.address());
  };
  EXPECT_EQ(call("/Dc/0/Voltage", "GetValue").out, "v d 52.26\n");
  EXPECT_EQ(call("/Dc/0/Voltage", "GetText").out, "s \"52.26V\"\n");
  EXPECT_EQ(call("/System/NrOfModulesOnline", "GetValue").out, "v i 3\n");
  const CommandResult set = run_command({"busctl", "--address=" + bus.address(), "call", kService, "/CustomName",
                                         kBusItem, "SetValue", "v", "s", "Garage"},
                                        bus.address());
  EXPECT_EQ(set.out, "i 0\n");
  const CommandResult ro = run_command(
      {"busctl", "--address=" + bus.address(), "call", kService, "/Soc", kBusItem, "SetValue", "v", "d", "12.5"},
      bus.address());
  EXPECT_EQ(ro.out, "i 1\n");
}

TEST_F(ServiceOnPrivateBus, AnswersDbusSendLikeTheVenusDbusTool) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const auto send = [&](const std::string& path, const std::string& method, const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv{"dbus-send",
                                  "--bus=" + bus.address(),
                                  "--print-reply=literal",
                                  "--dest=" + std::string(kService),
                                  path,
                                  std::string(kBusItem) + "." + method};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, bus.address());
  };
  EXPECT_EQ(send("/Soc", "GetValue").out, "   variant       double 67.3\n");
  EXPECT_EQ(send("/Soc", "GetText").out, "   67.3%");
  EXPECT_EQ(send("/CustomName", "SetValue", {"variant:string:Cellar"}).out, "   int32 0\n");
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "Cellar");
  const CommandResult missing = send("/Nope", "GetValue");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("org.freedesktop.DBus.Error.UnknownObject"), std::string::npos) << missing.out;
}

}  // namespace
}  // namespace bms::dbus::testing
