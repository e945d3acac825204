// The battery service's paths, values and texts from a Snapshot, without a bus.
#include "dbus/battery_items.hpp"

#include <gtest/gtest.h>

#include "core/frame_set.hpp"
#include "test_snapshots.hpp"
#include "version.hpp"

namespace bms::dbus {
namespace {

using testing::discharging_snapshot;
using testing::three_battery_settings;

class BatteryItems : public ::testing::Test {
 protected:
  void SetUp() override { add_battery_items(tree, three_battery_settings(), ServiceIdentity{}, "House Batteries"); }
  [[nodiscard]] const Item& at(const char* path) const {
    const Item* item = tree.find(path);
    EXPECT_NE(item, nullptr) << path;
    return *item;
  }
  [[nodiscard]] double num(const char* path) const { return std::get<double>(at(path).value); }
  [[nodiscard]] int integer(const char* path) const { return std::get<std::int32_t>(at(path).value); }
  [[nodiscard]] std::string str(const char* path) const { return std::get<std::string>(at(path).value); }
  ItemTree tree;
};

TEST_F(BatteryItems, FillsTheMandatoryPathsBeforeAnySnapshot) {
  EXPECT_EQ(str("/Mgmt/ProcessName"), "bms-aggregator");
  EXPECT_EQ(str("/Mgmt/ProcessVersion"), kVersion);
  EXPECT_EQ(str("/Mgmt/Connection"), "CAN can0, can2, can1");
  EXPECT_EQ(integer("/DeviceInstance"), 280);
  EXPECT_EQ(integer("/ProductId"), 0xBA90);
  EXPECT_EQ(at("/ProductId").text, "0xBA90");
  EXPECT_EQ(str("/ProductName"), "BMS Aggregator");
  EXPECT_EQ(str("/FirmwareVersion"), kVersion);
  EXPECT_FALSE(str("/HardwareVersion").empty());
  EXPECT_EQ(integer("/Connected"), 1);
  EXPECT_EQ(str("/CustomName"), "House Batteries");
  EXPECT_TRUE(at("/CustomName").spec.writeable);
  EXPECT_EQ(str("/Serial"), "BMSAGG280");
  EXPECT_EQ(integer("/System/NrOfBatteries"), 3);
  EXPECT_EQ(integer("/System/BatteriesParallel"), 3);
  EXPECT_EQ(integer("/Info/ChargeRequest"), 0);
}

TEST_F(BatteryItems, LeavesMeasurementsInvalidUntilTheFirstSnapshot) {
  for (const char* path : {"/Soc", "/Dc/0/Voltage", "/Info/MaxChargeVoltage", "/Alarms/BmsCable",
                           "/System/MinVoltageCellId", "/Io/AllowToCharge"}) {
    EXPECT_FALSE(is_valid(at(path).value)) << path;
    EXPECT_EQ(at(path).text, "---") << path;
  }
}

TEST_F(BatteryItems, PublishesEveryPathOfTheContract) {
  std::vector<std::string> paths;
  for (const auto& [path, item] : tree.items()) {
    // The per-pack subtrees and /History have tests of their own (pack_items_test.cpp).
    if (path.rfind("/Batteries/", 0) != 0 && path.rfind("/History/", 0) != 0) paths.push_back(path);
  }
  const std::vector<std::string> expected{"/Alarms/BmsCable",
                                          "/Alarms/CellImbalance",
                                          "/Alarms/HighCellVoltage",
                                          "/Alarms/HighChargeCurrent",
                                          "/Alarms/HighChargeTemperature",
                                          "/Alarms/HighDischargeCurrent",
                                          "/Alarms/HighInternalTemperature",
                                          "/Alarms/HighTemperature",
                                          "/Alarms/HighVoltage",
                                          "/Alarms/InternalFailure",
                                          "/Alarms/LowCellVoltage",
                                          "/Alarms/LowChargeTemperature",
                                          "/Alarms/LowSoc",
                                          "/Alarms/LowTemperature",
                                          "/Alarms/LowVoltage",
                                          "/Alarms/StateOfHealth",
                                          "/Capacity",
                                          "/Connected",
                                          "/ConsumedAmphours",
                                          "/CustomName",
                                          "/Dc/0/Current",
                                          "/Dc/0/Power",
                                          "/Dc/0/Temperature",
                                          "/Dc/0/Voltage",
                                          "/DeviceInstance",
                                          "/FirmwareVersion",
                                          "/HardwareVersion",
                                          "/Info/BatteryLowVoltage",
                                          "/Info/ChargeRequest",
                                          "/Info/MaxChargeCurrent",
                                          "/Info/MaxChargeVoltage",
                                          "/Info/MaxDischargeCurrent",
                                          "/InstalledCapacity",
                                          "/Io/AllowToCharge",
                                          "/Io/AllowToDischarge",
                                          "/Mgmt/Connection",
                                          "/Mgmt/ProcessName",
                                          "/Mgmt/ProcessVersion",
                                          "/ProductId",
                                          "/ProductName",
                                          "/Serial",
                                          "/Soc",
                                          "/Soh",
                                          "/System/BatteriesParallel",
                                          "/System/MaxCellTemperature",
                                          "/System/MaxCellVoltage",
                                          "/System/MaxTemperatureCellId",
                                          "/System/MaxVoltageCellId",
                                          "/System/MinCellTemperature",
                                          "/System/MinCellVoltage",
                                          "/System/MinTemperatureCellId",
                                          "/System/MinVoltageCellId",
                                          "/System/NrOfBatteries",
                                          "/System/NrOfModulesBlockingCharge",
                                          "/System/NrOfModulesBlockingDischarge",
                                          "/System/NrOfModulesOffline",
                                          "/System/NrOfModulesOnline",
                                          "/TimeToGo"};
  EXPECT_EQ(paths, expected);
}

TEST_F(BatteryItems, RoundsValuesToTheirResolutionAndWritesUnits) {
  (void)tree.take_changes();
  apply_snapshot(tree, discharging_snapshot());
  EXPECT_EQ(num("/Dc/0/Voltage"), 52.26);
  EXPECT_EQ(at("/Dc/0/Voltage").text, "52.26V");
  EXPECT_EQ(num("/Dc/0/Current"), -20.0);
  EXPECT_EQ(at("/Dc/0/Current").text, "-20.0A");
  EXPECT_EQ(num("/Dc/0/Power"), -1047.0);
  EXPECT_EQ(at("/Dc/0/Power").text, "-1047W");
  // The coldest battery or cell (21.0), not the warmest (24.56): chargers cut off on it.
  EXPECT_EQ(num("/Dc/0/Temperature"), 21.0);
  EXPECT_EQ(at("/Dc/0/Temperature").text,
            "21.0\xC2\xB0"
            "C");
  EXPECT_EQ(num("/Soc"), 67.3);
  EXPECT_EQ(at("/Soc").text, "67.3%");
  EXPECT_EQ(num("/Soh"), 98.0);
  EXPECT_EQ(num("/Capacity"), 202.0);
  EXPECT_EQ(at("/Capacity").text, "202.0Ah");
  EXPECT_EQ(num("/InstalledCapacity"), 300.0);
  EXPECT_EQ(num("/ConsumedAmphours"), -98.0);  // negative, as Victron's monitors publish it
  EXPECT_EQ(at("/ConsumedAmphours").text, "-98.0Ah");
  EXPECT_EQ(num("/TimeToGo"), 36360.0);  // 202 Ah / 20.0 A = 10.1 h
  EXPECT_EQ(at("/TimeToGo").text, "36360s");
  EXPECT_EQ(num("/Info/MaxChargeVoltage"), 56.8);
  EXPECT_EQ(at("/Info/MaxChargeVoltage").text, "56.80V");
  EXPECT_EQ(num("/Info/MaxChargeCurrent"), 150.0);
  EXPECT_EQ(num("/Info/MaxDischargeCurrent"), 150.0);
  EXPECT_EQ(num("/Info/BatteryLowVoltage"), 48.0);
  EXPECT_EQ(num("/System/MinCellVoltage"), 3.267);
  EXPECT_EQ(at("/System/MinCellVoltage").text, "3.267V");
  EXPECT_EQ(str("/System/MinVoltageCellId"), "B:7");
  EXPECT_EQ(num("/System/MaxCellVoltage"), 3.301);
  EXPECT_EQ(str("/System/MaxVoltageCellId"), "A:2");
  EXPECT_EQ(num("/System/MinCellTemperature"), 21.0);
  EXPECT_EQ(str("/System/MinTemperatureCellId"), "C");
  EXPECT_EQ(num("/System/MaxCellTemperature"), 24.6);
  EXPECT_EQ(str("/System/MaxTemperatureCellId"), "A:1");
  EXPECT_EQ(integer("/System/NrOfModulesOnline"), 3);
  EXPECT_EQ(integer("/System/NrOfModulesOffline"), 0);
  EXPECT_EQ(integer("/Io/AllowToCharge"), 1);
  EXPECT_EQ(integer("/Io/AllowToDischarge"), 1);
  EXPECT_EQ(integer("/Alarms/BmsCable"), 0);
}

TEST_F(BatteryItems, PublishesTheCellTemperatureSocAndHealthAlarms) {
  Snapshot s = discharging_snapshot();
  s.alarms.low_soc = 1;
  s.alarms.low_cell_voltage = 2;
  s.alarms.high_cell_voltage = 1;
  s.alarms.low_charge_temperature = 2;
  s.alarms.high_charge_temperature = 1;
  s.alarms.high_internal_temperature = 2;
  s.alarms.state_of_health = 1;
  apply_snapshot(tree, s);
  EXPECT_EQ(integer("/Alarms/LowSoc"), 1);
  EXPECT_EQ(integer("/Alarms/LowCellVoltage"), 2);
  EXPECT_EQ(integer("/Alarms/HighCellVoltage"), 1);
  EXPECT_EQ(integer("/Alarms/LowChargeTemperature"), 2);
  EXPECT_EQ(integer("/Alarms/HighChargeTemperature"), 1);
  EXPECT_EQ(integer("/Alarms/HighInternalTemperature"), 2);
  EXPECT_EQ(integer("/Alarms/StateOfHealth"), 1);
  apply_snapshot(tree, discharging_snapshot());
  for (const char* path :
       {"/Alarms/LowSoc", "/Alarms/LowCellVoltage", "/Alarms/HighCellVoltage", "/Alarms/LowChargeTemperature",
        "/Alarms/HighChargeTemperature", "/Alarms/HighInternalTemperature", "/Alarms/StateOfHealth"}) {
    EXPECT_EQ(integer(path), 0) << path;
  }
}

TEST_F(BatteryItems, ChangesOnlyWhatMovedBeyondTheShownResolution) {
  apply_snapshot(tree, discharging_snapshot());
  (void)tree.take_changes();
  Snapshot jitter = discharging_snapshot();
  jitter.voltage_v = 52.2571;         // still 52.26
  jitter.current_a = -20.01;          // still -20.0
  jitter.power_w = 52.2571 * -20.01;  // -1045.7 W -> -1046, was -1047
  EXPECT_EQ(apply_snapshot(tree, jitter), 1u);
  EXPECT_EQ(tree.take_changes(), (std::vector<std::string>{"/Dc/0/Power"}));
}

TEST_F(BatteryItems, InvalidatesWhatBecameUnknownAndCountsModules) {
  apply_snapshot(tree, discharging_snapshot());
  (void)tree.take_changes();
  apply_snapshot(tree, testing::one_offline_snapshot());
  EXPECT_EQ(tree.take_changes(),
            (std::vector<std::string>{
                "/Alarms/BmsCable", "/Alarms/CellImbalance", "/ConsumedAmphours", "/Info/MaxChargeCurrent",
                "/Io/AllowToCharge", "/Soc", "/System/MinCellTemperature", "/System/MinTemperatureCellId",
                "/System/NrOfModulesBlockingCharge", "/System/NrOfModulesOffline", "/System/NrOfModulesOnline"}));
  EXPECT_EQ(at("/System/MinCellTemperature").text, "---");
  EXPECT_FALSE(is_valid(at("/ConsumedAmphours").value)) << "an offline battery's charge is unknown, not consumed";
  EXPECT_EQ(num("/Capacity"), 202.0);
  EXPECT_EQ(integer("/Alarms/BmsCable"), 1);
  EXPECT_EQ(integer("/System/NrOfModulesOffline"), 1);
  EXPECT_EQ(integer("/System/NrOfModulesBlockingCharge"), 1);
  EXPECT_EQ(integer("/Io/AllowToCharge"), 0);
}

TEST_F(BatteryItems, TimeToGoStartsAtTheSmallestDischargeShown) {
  Snapshot s = discharging_snapshot();  // 202 Ah remaining
  s.current_a = -0.05;                  // shown as -0.1 A: discharging
  apply_snapshot(tree, s);
  EXPECT_EQ(num("/TimeToGo"), 7272000.0);  // 202 Ah / 0.1 A
  s.current_a = -0.049;                    // shown as 0.0 A
  apply_snapshot(tree, s);
  EXPECT_FALSE(is_valid(at("/TimeToGo").value));
  s.current_a = -101.0;
  apply_snapshot(tree, s);
  EXPECT_EQ(num("/TimeToGo"), 7200.0);
  EXPECT_EQ(at("/TimeToGo").text, "7200s");
}

TEST_F(BatteryItems, ShowsNoTimeToGoWhileChargingOrIdle) {
  Snapshot s = discharging_snapshot();
  s.current_a = 12.0;
  apply_snapshot(tree, s);
  EXPECT_FALSE(is_valid(at("/TimeToGo").value));
  s.current_a = -0.04;  // shown as 0.0 A: not discharging
  apply_snapshot(tree, s);
  EXPECT_FALSE(is_valid(at("/TimeToGo").value));
  s.capacity_ah.reset();
  s.current_a = -10.0;
  apply_snapshot(tree, s);
  EXPECT_FALSE(is_valid(at("/TimeToGo").value));
  EXPECT_FALSE(is_valid(at("/ConsumedAmphours").value));
  EXPECT_FALSE(is_valid(at("/Capacity").value));
}

TEST_F(BatteryItems, ShowsTheRealSocWhileTheInverterFrameSetShowsTheZeroLimitWorkaround) {
  Snapshot s = discharging_snapshot();
  s.charge_current_limit_a = 0.0;  // charging stopped
  s.charge_allowed = false;
  OutputSettings o;
  o.soc_zero_limit_workaround = true;
  const FrameSet set = build_frame_set(s, o);
  const CanFrame* soc_frame = nullptr;
  for (const CanFrame& f : set.view()) {
    if (f.id == 0x355) soc_frame = &f;
  }
  ASSERT_NE(soc_frame, nullptr);
  EXPECT_EQ(soc_frame->data[0], 100) << "the inverter sees a full bank";
  apply_snapshot(tree, s);
  EXPECT_DOUBLE_EQ(num("/Soc"), 67.3) << "Venus OS sees the real SOC";
}

}  // namespace
}  // namespace bms::dbus
