// The per-pack subtree /Batteries/<i>/... and /History/..., without a bus.
#include "dbus/pack_items.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "dbus/battery_items.hpp"
#include "test_snapshots.hpp"

namespace bms::dbus {
namespace {

using testing::discharging_snapshot;
using testing::three_battery_settings;

/// Pack A online with everything, B online blocking charge with a low-voltage alarm, C offline.
Snapshot with_packs() {
  Snapshot s = discharging_snapshot();
  BatteryView a;
  a.name = "A";
  a.online = true;
  a.source = "CAN can0";
  a.soc_pct = 95.04;
  a.voltage_v = 49.834;
  a.current_a = -34.26;
  a.temperature_c = 26.71;
  a.charge_current_limit_a = 59.2;
  a.discharge_current_limit_a = 148.0;
  a.charge_voltage_limit_v = 53.2;
  a.min_cell_voltage = CellExtreme{3.2014, "A", "C7"};
  a.max_cell_voltage = CellExtreme{3.3126, "A", ""};
  a.min_cell_temperature = CellExtreme{18.04, "A", "T1"};
  a.max_cell_temperature = CellExtreme{24.56, "A", "T2"};
  BatteryView b;
  b.name = "B";
  b.online = true;
  b.soc_pct = 90.0;
  b.charge_current_limit_a = 0.0;
  b.blocks_charge = true;
  b.alarms.low_voltage = 2;
  b.alarms.low_charge_temperature = 1;
  BatteryView c;
  c.name = "C";
  c.online = false;
  s.batteries = {a, b, c};
  return s;
}

class PackItems : public ::testing::Test {
 protected:
  void SetUp() override {
    add_battery_items(tree, three_battery_settings(), ServiceIdentity{}, "");
    (void)tree.take_changes();
  }
  [[nodiscard]] const Item& at(const std::string& path) const {
    const Item* item = tree.find(path);
    EXPECT_NE(item, nullptr) << path;
    static const Item missing;
    return item != nullptr ? *item : missing;
  }
  ItemTree tree;
};

TEST_F(PackItems, EveryPackHasTheSameLeaves) {
  std::vector<std::string> leaves;
  for (const auto& [path, item] : tree.items()) {
    if (path.rfind("/Batteries/1/", 0) == 0) leaves.push_back(path.substr(std::string("/Batteries/1/").size()));
  }
  const std::vector<std::string> expected{"Alarms/CellImbalance",
                                          "Alarms/HighChargeCurrent",
                                          "Alarms/HighChargeTemperature",
                                          "Alarms/HighDischargeCurrent",
                                          "Alarms/HighInternalTemperature",
                                          "Alarms/HighTemperature",
                                          "Alarms/HighVoltage",
                                          "Alarms/InternalFailure",
                                          "Alarms/LowChargeTemperature",
                                          "Alarms/LowTemperature",
                                          "Alarms/LowVoltage",
                                          "BlockingCharge",
                                          "BlockingDischarge",
                                          "Dc/0/Current",
                                          "Dc/0/Temperature",
                                          "Dc/0/Voltage",
                                          "Info/MaxChargeCurrent",
                                          "Info/MaxChargeVoltage",
                                          "Info/MaxDischargeCurrent",
                                          "InstalledCapacity",
                                          "Name",
                                          "Online",
                                          "Soc",
                                          "Source",
                                          "System/MaxCellTemperature",
                                          "System/MaxCellVoltage",
                                          "System/MaxTemperatureCellId",
                                          "System/MaxVoltageCellId",
                                          "System/MinCellTemperature",
                                          "System/MinCellVoltage",
                                          "System/MinTemperatureCellId",
                                          "System/MinVoltageCellId"};
  EXPECT_EQ(leaves, expected);
  EXPECT_FALSE(tree.is_node("/Batteries/3"));
}

TEST_F(PackItems, IdentityIsThereBeforeAnySnapshot) {
  EXPECT_EQ(std::get<std::string>(at("/Batteries/0/Name").value), "A");
  EXPECT_EQ(std::get<std::string>(at("/Batteries/2/Name").value), "C");
  EXPECT_EQ(std::get<std::string>(at("/Batteries/1/Source").value), "CAN can2");
  EXPECT_EQ(std::get<double>(at("/Batteries/0/InstalledCapacity").value), 100.0);
  EXPECT_EQ(at("/Batteries/0/InstalledCapacity").text, "100.0Ah");
  for (const char* path :
       {"/Batteries/0/Online", "/Batteries/0/Soc", "/Batteries/0/BlockingCharge", "/History/TotalAhDrawn"}) {
    EXPECT_FALSE(is_valid(at(path).value)) << path;
  }
}

TEST_F(PackItems, AnOnlinePackShowsItsValuesRoundedWithUnits) {
  apply_snapshot(tree, with_packs());
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/0/Online").value), 1);
  EXPECT_EQ(std::get<double>(at("/Batteries/0/Soc").value), 95.0);
  EXPECT_EQ(at("/Batteries/0/Soc").text, "95.0%");
  EXPECT_EQ(std::get<double>(at("/Batteries/0/Dc/0/Voltage").value), 49.83);
  EXPECT_EQ(std::get<double>(at("/Batteries/0/Dc/0/Current").value), -34.3);
  EXPECT_EQ(at("/Batteries/0/Dc/0/Temperature").text,
            "26.7\xC2\xB0"
            "C");
  EXPECT_EQ(std::get<double>(at("/Batteries/0/Info/MaxChargeCurrent").value), 59.2);
  EXPECT_EQ(std::get<double>(at("/Batteries/0/Info/MaxDischargeCurrent").value), 148.0);
  EXPECT_EQ(at("/Batteries/0/Info/MaxChargeVoltage").text, "53.20V");
  EXPECT_EQ(std::get<double>(at("/Batteries/0/System/MinCellVoltage").value), 3.201);
  EXPECT_EQ(std::get<std::string>(at("/Batteries/0/System/MinVoltageCellId").value), "C7");
  EXPECT_EQ(std::get<double>(at("/Batteries/0/System/MaxCellVoltage").value), 3.313);
  EXPECT_EQ(std::get<std::string>(at("/Batteries/0/System/MaxVoltageCellId").value), "");
  EXPECT_EQ(std::get<double>(at("/Batteries/0/System/MinCellTemperature").value), 18.0);
  EXPECT_EQ(std::get<std::string>(at("/Batteries/0/System/MaxTemperatureCellId").value), "T2");
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/0/BlockingCharge").value), 0);
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/0/Alarms/LowVoltage").value), 0);
  // B blocks charging and has its own low-voltage alarm.
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/1/BlockingCharge").value), 1);
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/1/BlockingDischarge").value), 0);
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/1/Alarms/LowVoltage").value), 2);
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/1/Alarms/LowChargeTemperature").value), 1);
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/0/Alarms/LowChargeTemperature").value), 0);
  EXPECT_EQ(std::get<double>(at("/Batteries/1/Info/MaxChargeCurrent").value), 0.0);
  EXPECT_FALSE(is_valid(at("/Batteries/1/Dc/0/Voltage").value));
}

TEST_F(PackItems, AnOfflinePackShowsOnlyThatItIsOffline) {
  apply_snapshot(tree, with_packs());
  EXPECT_EQ(std::get<std::int32_t>(at("/Batteries/2/Online").value), 0);
  EXPECT_EQ(std::get<std::string>(at("/Batteries/2/Name").value), "C");
  for (const char* leaf :
       {"Soc", "Dc/0/Voltage", "Dc/0/Current", "Info/MaxChargeCurrent", "BlockingCharge", "BlockingDischarge",
        "Alarms/LowVoltage", "Alarms/InternalFailure", "System/MinCellVoltage"}) {
    EXPECT_FALSE(is_valid(at(pack_path(2, leaf)).value)) << leaf;
    EXPECT_EQ(at(pack_path(2, leaf)).text, "---") << leaf;
  }
}

TEST_F(PackItems, HistoryShowsTheCountersWithVictronSigns) {
  Snapshot s = with_packs();
  BankHistory h;
  h.counters.deepest_discharge_ah = -150.46;
  h.counters.last_discharge_ah = -20.04;
  h.counters.total_ah_drawn = -1234.56;
  h.counters.full_discharges = 1;
  h.counters.discharged_energy_kwh = 61.734;
  h.counters.charged_energy_kwh = 63.1;
  h.counters.min_voltage_v = 47.912;
  h.counters.max_voltage_v = 56.4;
  h.counters.min_cell_voltage_v = 2.9504;
  h.counters.seconds_since_full_charge = 3600.4;
  h.charge_cycles = 4;
  h.average_discharge_ah = -100.0;
  s.history = h;
  apply_snapshot(tree, s);
  EXPECT_EQ(std::get<double>(at("/History/DeepestDischarge").value), -150.5);
  EXPECT_EQ(at("/History/DeepestDischarge").text, "-150.5Ah");
  EXPECT_EQ(std::get<double>(at("/History/LastDischarge").value), -20.0);
  EXPECT_EQ(std::get<double>(at("/History/AverageDischarge").value), -100.0);
  EXPECT_EQ(std::get<double>(at("/History/TotalAhDrawn").value), -1234.6);
  EXPECT_EQ(std::get<std::int32_t>(at("/History/ChargeCycles").value), 4);
  EXPECT_EQ(std::get<std::int32_t>(at("/History/FullDischarges").value), 1);
  EXPECT_EQ(std::get<double>(at("/History/DischargedEnergy").value), 61.73);
  EXPECT_EQ(at("/History/DischargedEnergy").text, "61.73kWh");
  EXPECT_EQ(std::get<double>(at("/History/ChargedEnergy").value), 63.1);
  EXPECT_EQ(std::get<double>(at("/History/MinimumVoltage").value), 47.91);
  EXPECT_EQ(std::get<double>(at("/History/MaximumVoltage").value), 56.4);
  EXPECT_EQ(std::get<double>(at("/History/MinimumCellVoltage").value), 2.950);
  EXPECT_FALSE(is_valid(at("/History/MaximumCellVoltage").value));  // never seen
  EXPECT_EQ(std::get<double>(at("/History/TimeSinceLastFullCharge").value), 3600.0);
  EXPECT_EQ(at("/History/TimeSinceLastFullCharge").text, "3600s");
}

TEST_F(PackItems, PerPackValuesTravelInTheSameBatchAsTheBank) {
  // One apply_snapshot is one ItemsChanged: the pack paths add items, never signals.
  const std::size_t changed = apply_snapshot(tree, with_packs());
  const std::vector<std::string> batch = tree.take_changes();
  EXPECT_EQ(batch.size(), changed);
  EXPECT_NE(std::find(batch.begin(), batch.end(), "/Batteries/0/Soc"), batch.end());
  EXPECT_NE(std::find(batch.begin(), batch.end(), "/Soc"), batch.end());
  EXPECT_EQ(apply_snapshot(tree, with_packs()), 0U);  // nothing moved: nothing to send
}

}  // namespace
}  // namespace bms::dbus
