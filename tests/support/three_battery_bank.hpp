#pragma once
// The bank of tests/data/three-batteries-10s.log, shared by the replay and D-Bus tests:
// A and B (100 Ah) and C (50 Ah) on can0..can2. Expected aggregate of that capture:
// SOC 91.0 %, soc_diff 10 % (minor tier), charge limit 127.5 A, discharge limit 200.0 A,
// charge voltage limit 53.0 V.
#include <string>

namespace bms::test {

inline const std::string kThreeBatteryBank = R"([charge]
nominal_charge_current = 150.0
max_charge_voltage = 55.2
max_discharge_current = 200.0
battery_low_voltage = 46.0

[[battery]]
name = "A"
interface = "can0"
capacity_ah = 100.0

[[battery]]
name = "B"
interface = "can1"
capacity_ah = 100.0

[[battery]]
name = "C"
interface = "can2"
capacity_ah = 50.0
)";

}  // namespace bms::test
