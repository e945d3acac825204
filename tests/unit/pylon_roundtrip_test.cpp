// Encode, then decode: every id and DLC variant gives back what was encoded (at the
// field's resolution), including the boundaries of each field's range.

#include <gtest/gtest.h>

#include "frame_test_helpers.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms::pylon {
namespace {

using test::text;
using test::value;

DecodedFrame round(const CanFrame& f, const DecodeOptions& o = {}) {
  const auto d = decode(f, o);
  EXPECT_EQ(d.status, DecodeStatus::Ok) << d.reason;
  return d;
}

TEST(PylonRoundTrip, LimitsWithDlc6And8) {
  for (const std::uint8_t dlc : {std::uint8_t{6}, std::uint8_t{8}}) {
    const auto d = round(encode_limits({55.2, 100.0, 200.0, 48.0, dlc}));
    EXPECT_EQ(value(d, SignalId::ChargeVoltageLimitV), 55.2);
    EXPECT_EQ(value(d, SignalId::ChargeCurrentLimitA), 100.0);
    EXPECT_EQ(value(d, SignalId::DischargeCurrentLimitA), 200.0);
    EXPECT_EQ(value(d, SignalId::DischargeVoltageLimitV), dlc == 8 ? std::optional<double>(48.0) : std::nullopt);
  }
}

TEST(PylonRoundTrip, LimitsAtTheirFieldBoundaries) {
  const auto d = round(encode_limits({6553.5, 3276.7, 0.0, 0.0, 8}));
  EXPECT_EQ(value(d, SignalId::ChargeVoltageLimitV), 6553.5);
  EXPECT_EQ(value(d, SignalId::ChargeCurrentLimitA), 3276.7);
  EXPECT_EQ(value(d, SignalId::DischargeCurrentLimitA), 0.0);
  EXPECT_EQ(value(d, SignalId::DischargeVoltageLimitV), 0.0);
  const auto over = round(encode_limits({7000, 4000, -1, 9999, 8}));
  EXPECT_EQ(value(over, SignalId::ChargeVoltageLimitV), 6553.5);
  EXPECT_EQ(value(over, SignalId::ChargeCurrentLimitA), 3276.7);
  EXPECT_EQ(value(over, SignalId::DischargeCurrentLimitA), 0.0);
  EXPECT_EQ(value(over, SignalId::DischargeVoltageLimitV), 6553.5);
}

TEST(PylonRoundTrip, SocSohWithDlc4_6_8) {
  for (const std::uint8_t dlc : {std::uint8_t{4}, std::uint8_t{6}, std::uint8_t{8}}) {
    const auto d = round(encode_soc_soh({42.0, 97.0, 41.87, dlc}));
    EXPECT_EQ(value(d, SignalId::SocPct), 42.0);
    EXPECT_EQ(value(d, SignalId::SohPct), 97.0);
    EXPECT_EQ(value(d, SignalId::SocHiresPct), dlc >= 6 ? std::optional<double>(41.87) : std::nullopt);
  }
}

TEST(PylonRoundTrip, SocRoundsToWholePercentAndClampsAt0And100) {
  EXPECT_EQ(value(round(encode_soc_soh({99.5, 100, 0, 4})), SignalId::SocPct), 100.0);
  EXPECT_EQ(value(round(encode_soc_soh({-0.4, 100, 0, 4})), SignalId::SocPct), 0.0);
  EXPECT_EQ(value(round(encode_soc_soh({0, 0, 100.004, 6})), SignalId::SocHiresPct), 100.0);
}

TEST(PylonRoundTrip, MeasurementsAtBothVoltageScales) {
  const auto d = round(encode_measurements({51.27, -120.4, -5.3, 0.01}));
  EXPECT_EQ(value(d, SignalId::VoltageV), 51.27);
  EXPECT_EQ(value(d, SignalId::CurrentA), -120.4);
  EXPECT_EQ(value(d, SignalId::TemperatureC), -5.3);
  DecodeOptions tenth;
  tenth.voltage_scale_v = 0.1;
  EXPECT_EQ(value(round(encode_measurements({512.7, 0, 0, 0.1}), tenth), SignalId::VoltageV), 512.7);
}

TEST(PylonRoundTrip, MeasurementsAtTheSigned16BitBoundaries) {
  const auto d = round(encode_measurements({327.67, -3276.8, 3276.7, 0.01}));
  EXPECT_EQ(value(d, SignalId::VoltageV), 327.67);
  EXPECT_EQ(value(d, SignalId::CurrentA), -3276.8);
  EXPECT_EQ(value(d, SignalId::TemperatureC), 3276.7);
}

TEST(PylonRoundTrip, EveryProtectionFlagAlone) {
  using Flag = bool ProtectionFlags::Set::*;
  const std::pair<Flag, std::pair<SignalId, SignalId>> flags[] = {
      {&ProtectionFlags::Set::high_voltage, {SignalId::ProtectionHighVoltage, SignalId::AlarmHighVoltage}},
      {&ProtectionFlags::Set::low_voltage, {SignalId::ProtectionLowVoltage, SignalId::AlarmLowVoltage}},
      {&ProtectionFlags::Set::high_temperature, {SignalId::ProtectionHighTemperature, SignalId::AlarmHighTemperature}},
      {&ProtectionFlags::Set::low_temperature, {SignalId::ProtectionLowTemperature, SignalId::AlarmLowTemperature}},
      {&ProtectionFlags::Set::high_discharge_current,
       {SignalId::ProtectionHighDischargeCurrent, SignalId::AlarmHighDischargeCurrent}},
      {&ProtectionFlags::Set::high_charge_current,
       {SignalId::ProtectionHighChargeCurrent, SignalId::AlarmHighChargeCurrent}},
  };
  for (const auto& [flag, signals] : flags) {
    ProtectionFlags p;
    p.protection.*flag = true;
    auto d = round(encode_protection(p));
    EXPECT_EQ(value(d, signals.first), 1.0) << signal_name(signals.first);
    EXPECT_EQ(value(d, signals.second), 0.0) << signal_name(signals.second);
    ProtectionFlags a;
    a.alarm.*flag = true;
    d = round(encode_protection(a));
    EXPECT_EQ(value(d, signals.first), 0.0) << signal_name(signals.first);
    EXPECT_EQ(value(d, signals.second), 1.0) << signal_name(signals.second);
  }
  ProtectionFlags s;
  s.system_error = true;
  s.internal_communication_fail = true;
  s.module_count = 255;
  const auto d = round(encode_protection(s));
  EXPECT_EQ(value(d, SignalId::ProtectionSystemError), 1.0);
  EXPECT_EQ(value(d, SignalId::AlarmInternalCommunication), 1.0);
  EXPECT_EQ(value(d, SignalId::ModuleCount), 255.0);
}

TEST(PylonRoundTrip, EveryAlarmPairRaisedOkAndUnsupported) {
  for (std::size_t c = 0; c < kPairCategoryCount; ++c) {
    AlarmPairs p;
    p.alarms[c] = PairState::Raised;
    p.warnings[c] = PairState::Unsupported;
    const auto d = round(encode_alarm_pairs(p));
    EXPECT_EQ(d.count, 2 * kPairCategoryCount - 1) << c;
    std::size_t raised = 0;
    for (const auto& s : d.values()) raised += s.value == 1.0 ? 1 : 0;
    EXPECT_EQ(raised, 1U) << c;
  }
}

TEST(PylonRoundTrip, RequestsEveryCombinationOfEnables) {
  for (int bits = 0; bits < 32; ++bits) {
    Requests r{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0, (bits & 16) != 0};
    const auto d = round(encode_requests(r));
    EXPECT_EQ(value(d, SignalId::ChargeEnable), r.charge_enable ? 1.0 : 0.0);
    EXPECT_EQ(value(d, SignalId::DischargeEnable), r.discharge_enable ? 1.0 : 0.0);
    EXPECT_EQ(value(d, SignalId::ForceCharge1), r.force_charge_1 ? 1.0 : 0.0);
    EXPECT_EQ(value(d, SignalId::ForceCharge2), r.force_charge_2 ? 1.0 : 0.0);
    EXPECT_EQ(value(d, SignalId::FullChargeRequest), r.full_charge_request ? 1.0 : 0.0);
  }
}

TEST(PylonRoundTrip, ManufacturerTextUpToEightCharacters) {
  EXPECT_EQ(text(round(encode_manufacturer("PYLON")), SignalId::Manufacturer), "PYLON");
  EXPECT_EQ(text(round(encode_manufacturer("SHEnergy")), SignalId::Manufacturer), "SHEnergy");
  EXPECT_EQ(text(round(encode_manufacturer("")), SignalId::Manufacturer), "");
}

TEST(PylonRoundTrip, BatteryInfoFields) {
  const auto d = round(encode_battery_info({1, 2, 3, 4}));
  EXPECT_EQ(value(d, SignalId::ProductId), 1.0);
  EXPECT_EQ(value(d, SignalId::FirmwareVersion), 2.0);
  EXPECT_EQ(value(d, SignalId::AvailableCapacityAh), 3.0);
  EXPECT_EQ(value(d, SignalId::HardwareVersion), 4.0);
}

TEST(PylonRoundTrip, BmsNameIsToldApartFromNumericExtremes) {
  const auto name = encode_bms_name("Lynx Smart BMS 5");
  EXPECT_EQ(text(round(name[0]), SignalId::BmsName), "Lynx Sma");
  EXPECT_EQ(text(round(name[1]), SignalId::BmsName2), "rt BMS 5");
  const auto numbers = encode_numeric_extremes({35.0, -2.5, 3.65, 2.5, 1, 2, 3, 4});
  const auto v = round(numbers[0]);
  EXPECT_EQ(value(v, SignalId::MaxCellTemperatureC), 35.0);
  EXPECT_EQ(value(v, SignalId::MinCellTemperatureC), -2.5);
  EXPECT_EQ(value(v, SignalId::MaxCellVoltageV), 3.65);
  EXPECT_EQ(value(v, SignalId::MinCellVoltageV), 2.5);
  const auto ids = round(numbers[1]);
  EXPECT_EQ(text(ids, SignalId::MaxCellTemperatureId), "1");
  EXPECT_EQ(text(ids, SignalId::MinCellVoltageId), "4");
}

TEST(PylonRoundTrip, ModuleStatusCounters) {
  const auto d = round(encode_module_status({8, 1, 2, 65535}));
  EXPECT_EQ(value(d, SignalId::ModulesOnline), 8.0);
  EXPECT_EQ(value(d, SignalId::ModulesBlockingCharge), 1.0);
  EXPECT_EQ(value(d, SignalId::ModulesBlockingDischarge), 2.0);
  EXPECT_EQ(value(d, SignalId::ModulesOffline), 65535.0);
}

TEST(PylonRoundTrip, CellExtremesToWholeKelvin) {
  const auto d = round(encode_cell_extremes({3.2, 3.45, -10.15, 44.85}));
  EXPECT_EQ(value(d, SignalId::MinCellVoltageV), 3.2);
  EXPECT_EQ(value(d, SignalId::MaxCellVoltageV), 3.45);
  EXPECT_EQ(value(d, SignalId::MinCellTemperatureC), -10.15);
  EXPECT_EQ(value(d, SignalId::MaxCellTemperatureC), 44.85);
}

TEST(PylonRoundTrip, CellIdsOnAllFourFrames) {
  const std::pair<std::uint32_t, SignalId> frames[] = {{id::kMinCellVoltageId, SignalId::MinCellVoltageId},
                                                       {id::kMaxCellVoltageId, SignalId::MaxCellVoltageId},
                                                       {id::kMinCellTemperatureId, SignalId::MinCellTemperatureId},
                                                       {id::kMaxCellTemperatureId, SignalId::MaxCellTemperatureId}};
  for (const auto& [can_id, signal] : frames) {
    EXPECT_EQ(text(round(encode_cell_id(can_id, "M2C15")), signal), "M2C15");
  }
}

TEST(PylonRoundTrip, EnergyCountersUpToTheU32Range) {
  const auto d = round(encode_energy({429496729.5, 0}));
  EXPECT_EQ(value(d, SignalId::ChargedEnergyKwh), 429496729.5);
  EXPECT_EQ(value(d, SignalId::DischargedEnergyKwh), 0.0);
}

TEST(PylonRoundTrip, InstalledCapacity) {
  EXPECT_EQ(value(round(encode_installed_capacity(65535)), SignalId::InstalledCapacityAh), 65535.0);
  EXPECT_EQ(value(round(encode_installed_capacity(1e6)), SignalId::InstalledCapacityAh), 65535.0);
}

TEST(PylonRoundTrip, InverterFrames) {
  EXPECT_EQ(round(encode_inverter_keep_alive()).count, 1);
  const auto r = round(encode_inverter_report({48.1, 20.0, -3.0, 55}));
  EXPECT_EQ(value(r, SignalId::InverterBatteryVoltageV), 48.1);
  EXPECT_EQ(value(r, SignalId::InverterBatteryCurrentA), 20.0);
  EXPECT_EQ(value(r, SignalId::InverterBatteryTemperatureC), -3.0);
  EXPECT_EQ(value(r, SignalId::InverterSocPct), 55.0);
  EXPECT_EQ(value(round(encode_victron_gx_signature()), SignalId::InverterVictronGx), 1.0);
}

}  // namespace
}  // namespace bms::pylon
