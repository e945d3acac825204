#pragma once
// Hand-made aggregates and settings for the D-Bus tests: three 100 Ah batteries, values
// chosen so that every rounding and text rule shows.
#include "core/settings.hpp"
#include "core/snapshot.hpp"

namespace bms::dbus::testing {

inline Settings three_battery_settings(const std::string& bus = "session") {
  Settings s;
  s.service.dbus = bus;
  s.service.service_name = "com.victronenergy.battery.aggregator_di280";
  s.service.device_instance = 280;
  s.service.product_name = "BMS Aggregator";
  s.service.custom_name = "House Batteries";
  s.service.update_interval_ms = 100;
  for (const char* name : {"A", "B", "C"}) {
    BatterySettings b;
    b.name = name;
    b.interface = std::string("can") + (name[0] == 'C' ? "1" : "0");
    b.capacity_ah = 100;
    s.batteries.push_back(b);
  }
  // Two Pylontech batteries cannot share an interface; the tests only need the names.
  s.batteries[1].interface = "can2";
  return s;
}

/// A bank discharging at 20.04 A: SOC 67.333 %, all online, charging allowed.
inline Snapshot discharging_snapshot() {
  Snapshot s;
  s.time_us = 5'000'000;
  s.failsafe = false;
  s.batteries_online = 3;
  s.batteries_offline = 0;
  s.soc_pct = 67.3333;
  s.soh_pct = 98.0;
  s.voltage_v = 52.2567;
  s.current_a = -20.04;
  s.power_w = 52.2567 * -20.04;
  s.temperature_c = 24.56;
  s.min_temperature_c = 21.0;
  s.charge_safety_temperature_c = 21.0;
  s.soc_diff_pct = 4.0;
  s.installed_capacity_ah = 300.0;
  s.capacity_ah = 202.0;
  s.charge_current_limit_a = 150.0;
  s.discharge_current_limit_a = 150.0;
  s.charge_voltage_limit_v = 56.8;
  s.discharge_voltage_limit_v = 48.0;
  s.charge_allowed = true;
  s.discharge_allowed = true;
  s.min_cell_voltage = CellExtreme{3.2674, "B", "B:7"};
  s.max_cell_voltage = CellExtreme{3.3011, "A", "A:2"};
  s.min_cell_temperature = CellExtreme{21.0, "C", "C"};
  s.max_cell_temperature = CellExtreme{24.56, "A", "A:1"};
  return s;
}

/// Battery C went silent: counted offline, BmsCable warning, imbalance warning, charge cut.
inline Snapshot one_offline_snapshot() {
  Snapshot s = discharging_snapshot();
  s.time_us = 12'000'000;
  s.batteries_online = 2;
  s.batteries_offline = 1;
  s.blocking_charge = 1;
  s.soc_pct = 61.5;
  s.charge_current_limit_a = 0.0;
  s.charge_allowed = false;
  s.alarms.bms_cable = 1;
  s.alarms.cell_imbalance = 1;
  s.min_cell_temperature.reset();
  return s;
}

}  // namespace bms::dbus::testing
