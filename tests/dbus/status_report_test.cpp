// What `bms-aggregator status` prints from a service's items, and its options; no bus.
#include "app/status_report.hpp"

#include <gtest/gtest.h>

#include "app/status_command.hpp"
#include "dbus/battery_items.hpp"
#include "test_snapshots.hpp"

namespace bms {
namespace {

using dbus::testing::discharging_snapshot;
using dbus::testing::three_battery_settings;

/// The items a service with these packs answers to GetItems.
ServiceItems items_of(const Snapshot& s) {
  dbus::ItemTree tree;
  dbus::ServiceIdentity identity;
  identity.connection = "CAN can0, can1, can2";
  dbus::add_battery_items(tree, three_battery_settings(), identity, "");
  dbus::apply_snapshot(tree, s);
  ServiceItems out{"com.victronenergy.battery.aggregator_di280", {}};
  for (const auto& [path, item] : tree.items()) out.items[path] = item.value;
  return out;
}

Snapshot packs() {
  Snapshot s = discharging_snapshot();
  s.alarms.high_temperature = 1;
  BatteryView a;
  a.name = "A";
  a.online = true;
  a.soc_pct = 95.0;
  a.voltage_v = 49.83;
  a.current_a = -34.3;
  a.temperature_c = 26.7;
  a.charge_current_limit_a = 59.2;
  a.discharge_current_limit_a = 148.0;
  a.charge_voltage_limit_v = 53.2;
  a.alarms.high_temperature = 1;
  a.min_cell_voltage = CellExtreme{3.201, "A", "C7"};
  a.max_cell_voltage = CellExtreme{3.313, "A", "C2"};
  BatteryView b = a;
  b.name = "B";
  b.blocks_charge = true;
  b.alarms = Alarms{};
  b.min_cell_voltage.reset();
  b.max_cell_voltage.reset();
  b.min_cell_temperature = CellExtreme{18.0, "B", ""};
  b.max_cell_temperature = CellExtreme{24.5, "B", ""};
  BatteryView c;
  c.name = "C";
  s.batteries = {a, b, c};
  return s;
}

TEST(StatusReport, PrintsTheBankAndOneRowPerPack) {
  EXPECT_EQ(format_status_text(items_of(packs())),
            "com.victronenergy.battery.aggregator_di280 (BMS Aggregator, CAN can0, can1, can2)\n"
            "bank  SOC 67.3%  52.26V  -20.0A  -1047W  21.0degC  online 3/3  remaining 202.0Ah  time to go 10h06m\n"
            "limits  CCL 150.0A  DCL 150.0A  CVL 56.80V  charge allowed, discharge allowed  alarms HighTemperature:1\n"
            "#  name  online  SOC%  V      A      degC  CCL A  DCL A  CVL V  blocking  alarms             cell V "
            "min..max     cell degC min..max  source\n"
            "0  A     yes     95.0  49.83  -34.3  26.7  59.2   148.0  53.20  no        HighTemperature:1  "
            "3.201@C7..3.313@C2  -                   CAN can0\n"
            "1  B     yes     95.0  49.83  -34.3  26.7  59.2   148.0  53.20  charge    none               -            "
            "       18.0..24.5          CAN can2\n"
            "2  C     NO      -     -      -      -     -      -      -      -         -                  -            "
            "       -                   CAN can1\n");
}

TEST(StatusReport, ShowsUnknownAsADashBeforeTheFirstSnapshot) {
  ServiceItems s = items_of(discharging_snapshot());
  for (auto& [path, value] : s.items) {
    if (path == "/Soc" || path == "/TimeToGo" || path == "/Io/AllowToCharge") value = dbus::BusValue{};
  }
  const std::string text = format_status_text(s);
  EXPECT_NE(text.find("bank  SOC -  "), std::string::npos) << text;
  EXPECT_NE(text.find("time to go -\n"), std::string::npos) << text;
  EXPECT_NE(text.find("charge unknown, discharge allowed"), std::string::npos) << text;
}

TEST(StatusReport, JsonHasTheBankAlarmsAndPacksWithNullForUnknown) {
  const std::string json = format_status_json(items_of(packs()));
  EXPECT_EQ(
      json.rfind(
          "{\"service\": \"com.victronenergy.battery.aggregator_di280\", \"bank\": {\"product_name\": \"BMS "
          "Aggregator\", "
          "\"connection\": \"CAN can0, can1, can2\", \"soc_pct\": 67.3, \"voltage_v\": 52.26, \"current_a\": -20, "
          "\"power_w\": -1047, \"temperature_c\": 21, \"capacity_ah\": 202, \"installed_capacity_ah\": 300, "
          "\"consumed_ah\": -98, \"time_to_go_s\": 36360, \"charge_current_limit_a\": 150, "
          "\"discharge_current_limit_a\": 150, \"charge_voltage_limit_v\": 56.8, \"allow_to_charge\": 1, "
          "\"allow_to_discharge\": 1, \"packs_online\": 3, \"packs_configured\": 3, \"alarms\": {\"LowVoltage\": 0, "
          "\"HighVoltage\": 0, \"LowTemperature\": 0, \"HighTemperature\": 1, ",
          0),
      0U)
      << json;
  EXPECT_NE(
      json.find(
          "{\"name\": \"A\", \"source\": \"CAN can0\", \"online\": 1, \"soc_pct\": 95, \"voltage_v\": 49.83, "
          "\"current_a\": -34.3, \"temperature_c\": 26.7, \"installed_capacity_ah\": 100, "
          "\"charge_current_limit_a\": 59.2, \"discharge_current_limit_a\": 148, \"charge_voltage_limit_v\": 53.2, "
          "\"blocking_charge\": 0, \"blocking_discharge\": 0, \"min_cell_voltage_v\": 3.201, "
          "\"min_cell_voltage_id\": \"C7\", \"max_cell_voltage_v\": 3.313, \"max_cell_voltage_id\": \"C2\", "
          "\"min_cell_temperature_c\": null, \"min_cell_temperature_id\": null, \"max_cell_temperature_c\": null, "
          "\"max_cell_temperature_id\": null, \"alarms\": {\"LowVoltage\": 0, \"HighVoltage\": 0, "
          "\"LowTemperature\": 0, \"HighTemperature\": 1, \"HighChargeCurrent\": 0, \"HighDischargeCurrent\": 0, "
          "\"InternalFailure\": 0, \"CellImbalance\": 0, \"LowChargeTemperature\": 0, \"HighChargeTemperature\": 0, "
          "\"HighInternalTemperature\": 0}}"),
      std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"name\": \"C\", \"source\": \"CAN can1\", \"online\": 0, \"soc_pct\": null, "),
            std::string::npos)
      << json;
  EXPECT_EQ(json.substr(json.size() - 3), "}]}");
  EXPECT_EQ(json.find('\n'), std::string::npos);
}

TEST(StatusOptions, ParsesEveryOptionAndNamesTheBadOne) {
  const StatusOptions o = parse_status_args(
      {"--watch", "--json", "--dbus", "unix:path=/x", "--service", "com.victronenergy.battery.x", "--interval", "0.5"});
  EXPECT_EQ(o.error, "");
  EXPECT_TRUE(o.watch);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(o.bus, "unix:path=/x");
  EXPECT_EQ(o.service, "com.victronenergy.battery.x");
  EXPECT_EQ(o.interval_s, 0.5);
  EXPECT_EQ(parse_status_args({}).bus, "system");
  EXPECT_EQ(parse_status_args({"--dbus"}).error, "status --dbus needs a value");
  // The configuration's rule for a battery service name (core/dbus_names), not a second one.
  EXPECT_EQ(parse_status_args({"--service", "com.x"}).error,
            "status --service: \"com.x\" is not a battery service name (com.victronenergy.battery.<suffix>)");
  EXPECT_EQ(parse_status_args({"--service", "com.victronenergy.battery."}).error,
            "status --service: \"com.victronenergy.battery.\" is not a battery service name "
            "(com.victronenergy.battery.<suffix>)");
  EXPECT_EQ(parse_status_args({"--interval", "0"}).error,
            "status --interval: \"0\" is not a number of seconds from 0.1 to 3600");
  EXPECT_EQ(parse_status_args({"--verbose"}).error, "status: unknown argument \"--verbose\" (see --help)");
}

TEST(StatusOptions, ABadBusNameIsAUsageError) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  EXPECT_EQ(run_status_command({"--dbus", "nowhere"}, out, err), 2);
  std::rewind(err);
  char buf[512] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, err);
  EXPECT_NE(std::string(buf, n).find("bms-aggregator status --dbus: dbus: expected \"system\""), std::string::npos)
      << buf;
  std::fclose(out);
  std::fclose(err);
}

}  // namespace
}  // namespace bms
