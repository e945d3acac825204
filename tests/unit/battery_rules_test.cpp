// The per-battery safety rules as tables: each row one situation of docs/POLICY.md
// ("A battery that blocks", "A value that forbids holds", the alarm mapping).
#include "core/battery_rules.hpp"

#include <gtest/gtest.h>

#include <map>
#include <utility>

namespace bms {
namespace {

BlockingInputs healthy() {
  BlockingInputs in;
  in.charge_limit_a = 100.0;
  in.discharge_limit_a = 100.0;
  in.charge_enable = 1.0;
  in.discharge_enable = 1.0;
  in.soc_pct = 50.0;
  return in;
}

struct BlockingRow {
  const char* situation;
  void (*change)(BlockingInputs&);
  Blocking expected;
};

TEST(BatteryBlocking, EachRuleBlocksTheDirectionsItNames) {
  const BlockingRow rows[] = {
      {"healthy", [](BlockingInputs&) {}, {false, false}},
      {"charge limit unknown", [](BlockingInputs& in) { in.charge_limit_a.reset(); }, {true, false}},
      {"discharge limit unknown", [](BlockingInputs& in) { in.discharge_limit_a.reset(); }, {false, true}},
      {"charge limit 0", [](BlockingInputs& in) { in.charge_limit_a = 0.0; }, {true, false}},
      {"charge limit negative", [](BlockingInputs& in) { in.charge_limit_a = -3.0; }, {true, false}},
      {"discharge limit 0", [](BlockingInputs& in) { in.discharge_limit_a = 0.0; }, {false, true}},
      {"charge enable off", [](BlockingInputs& in) { in.charge_enable = 0.0; }, {true, false}},
      {"discharge enable off", [](BlockingInputs& in) { in.discharge_enable = 0.0; }, {false, true}},
      {"enable flags never sent",
       [](BlockingInputs& in) {
         in.charge_enable.reset();
         in.discharge_enable.reset();
       },
       {false, false}},
      {"short circuit", [](BlockingInputs& in) { in.short_circuit = true; }, {true, true}},
      {"high charge temperature", [](BlockingInputs& in) { in.high_charge_temperature = true; }, {true, false}},
      {"low charge temperature", [](BlockingInputs& in) { in.low_charge_temperature = true; }, {true, false}},
      {"EMCY active", [](BlockingInputs& in) { in.emcy_code = 0x8130; }, {true, false}},
      {"EMCY reset", [](BlockingInputs& in) { in.emcy_code = 0.0; }, {false, false}},
      {"node stopped", [](BlockingInputs& in) { in.nmt_state = 4.0; }, {true, true}},
      {"node operational", [](BlockingInputs& in) { in.nmt_state = 5.0; }, {false, false}},
      // A protocol without limits: the configured ones apply, or none (only the bank's caps).
      {"no limits of its own, SOC known",
       [](BlockingInputs& in) {
         in.sends_charge_limit = in.sends_discharge_limit = false;
         in.charge_limit_a.reset();
         in.discharge_limit_a.reset();
       },
       {false, false}},
      {"no limits of its own, SOC unknown",
       [](BlockingInputs& in) {
         in.sends_charge_limit = in.sends_discharge_limit = false;
         in.charge_limit_a.reset();
         in.discharge_limit_a.reset();
         in.soc_pct.reset();
       },
       {true, false}},
      {"SOC unknown but limits sent", [](BlockingInputs& in) { in.soc_pct.reset(); }, {false, false}},
  };
  for (const BlockingRow& row : rows) {
    BlockingInputs in = healthy();
    row.change(in);
    const Blocking got = battery_blocking(in);
    EXPECT_EQ(got.charge, row.expected.charge) << row.situation;
    EXPECT_EQ(got.discharge, row.expected.discharge) << row.situation;
  }
}

/// Flags of a fake battery: the protection or warning signals that are set.
struct Flags {
  std::map<SignalId, bool> set;
  std::uint8_t operator()(SignalId protection, SignalId warning) const {
    if (set.count(protection)) return 2;
    return set.count(warning) ? 1 : 0;
  }
};

TEST(BatteryAlarms, EachFlagRaisesItsVictronAlarm) {
  struct Row {
    SignalId flag;
    std::uint8_t Alarms::*alarm;
    std::uint8_t level;
  };
  const Row rows[] = {
      {SignalId::ProtectionHighVoltage, &Alarms::high_voltage, 2},
      {SignalId::AlarmHighVoltage, &Alarms::high_voltage, 1},
      {SignalId::ProtectionLowVoltage, &Alarms::low_voltage, 2},
      {SignalId::AlarmLowTemperature, &Alarms::low_temperature, 1},
      {SignalId::ProtectionHighTemperature, &Alarms::high_temperature, 2},
      {SignalId::ProtectionHighChargeTemperature, &Alarms::high_temperature, 2},
      {SignalId::ProtectionHighChargeTemperature, &Alarms::high_charge_temperature, 2},
      {SignalId::AlarmLowChargeTemperature, &Alarms::low_temperature, 1},
      {SignalId::AlarmLowChargeTemperature, &Alarms::low_charge_temperature, 1},
      {SignalId::ProtectionHighDischargeCurrent, &Alarms::high_discharge_current, 2},
      {SignalId::AlarmHighChargeCurrent, &Alarms::high_charge_current, 1},
      {SignalId::ProtectionSystemError, &Alarms::internal_failure, 2},
      {SignalId::AlarmInternalCommunication, &Alarms::internal_failure, 1},
      {SignalId::ProtectionGeneral, &Alarms::internal_failure, 2},
      {SignalId::AlarmContactor, &Alarms::internal_failure, 1},
      {SignalId::ProtectionShortCircuit, &Alarms::internal_failure, 2},
      {SignalId::ProtectionCellImbalance, &Alarms::cell_imbalance, 2},
  };
  for (const Row& row : rows) {
    Flags flags;
    flags.set[row.flag] = true;
    const Alarms a = battery_alarms(flags, std::nullopt);
    EXPECT_EQ(a.*(row.alarm), row.level) << signal_name(row.flag);
    EXPECT_EQ(a.worst(), row.level) << signal_name(row.flag) << ": no other alarm";
  }
}

TEST(BatteryAlarms, EmcyClassesPickTheAlarm) {
  const Flags none;
  Alarms a = battery_alarms(none, 0x4210);  // device temperature
  EXPECT_EQ(a.high_temperature, 2);
  EXPECT_EQ(a.high_internal_temperature, 2);
  EXPECT_EQ(a.internal_failure, 0);
  a = battery_alarms(none, 0x4310);  // another temperature class code
  EXPECT_EQ(a.high_temperature, 2);
  EXPECT_EQ(a.high_internal_temperature, 0);
  a = battery_alarms(none, 0x8130);  // communication: a BMS failure
  EXPECT_EQ(a.internal_failure, 2);
  EXPECT_EQ(a.high_temperature, 0);
  a = battery_alarms(none, 0x0000);  // error reset
  EXPECT_EQ(a.worst(), 0);
}

TEST(BatteryAlarms, TheBankKeepsTheWorstOfEachAlarm) {
  Alarms bank;
  bank.low_voltage = 1;
  Alarms battery;
  battery.low_voltage = 0;
  battery.high_temperature = 2;
  battery.state_of_health = 1;
  raise_to_worst(bank, battery);
  EXPECT_EQ(bank.low_voltage, 1);
  EXPECT_EQ(bank.high_temperature, 2);
  EXPECT_EQ(bank.state_of_health, 1);
  EXPECT_EQ(bank.internal_failure, 0);
}

}  // namespace
}  // namespace bms
