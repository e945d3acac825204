// Encoders of the Pylontech/SMA/Victron family: exact bytes, DLC variants, clamping.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "frame_test_helpers.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms::pylon {
namespace {

using test::wire;

TEST(PylonEncodeLimits, WritesTheUs2000CaptureBytesWithDlc6) {
  Limits l{53.2, 59.2, 148.0, 0, 6};
  EXPECT_EQ(wire(encode_limits(l)), "351#14025002C805");
}

TEST(PylonEncodeLimits, WritesTheDischargeVoltageLimitWithDlc8) {
  Limits l{56.8, 100.0, 200.0, 48.0, 8};
  EXPECT_EQ(wire(encode_limits(l)), "351#3802E803D007E001");
}

TEST(PylonEncodeLimits, ClampsNegativeCurrentLimitsToZero) {
  Limits l{53.2, -5.0, -0.1, 0, 6};
  EXPECT_EQ(wire(encode_limits(l)), "351#140200000000");
}

TEST(PylonEncodeLimits, ClampsHugeValuesToTheFieldMaximum) {
  Limits l{1e9, 1e9, 1e9, -3.0, 8};
  EXPECT_EQ(wire(encode_limits(l)), "351#FFFFFF7FFF7F0000");
}

TEST(PylonEncodeLimits, WritesNanAsTheSafeLowerBound) {
  Limits l{std::nan(""), std::nan(""), 10.0, 0, 6};
  EXPECT_EQ(wire(encode_limits(l)), "351#000000006400");
}

TEST(PylonEncodeSocSoh, WritesTheUs2000CaptureBytesWithDlc4) {
  SocSoh s{95, 99, 0, 4};
  EXPECT_EQ(wire(encode_soc_soh(s)), "355#5F006300");
}

TEST(PylonEncodeSocSoh, AddsTheHighResolutionSocWithDlc6And8) {
  EXPECT_EQ(wire(encode_soc_soh({95.4, 99, 95.37, 6})), "355#5F0063004125");
  EXPECT_EQ(wire(encode_soc_soh({95.4, 99, 95.37, 8})), "355#5F00630041250000");
}

TEST(PylonEncodeSocSoh, ClampsPercentagesTo0And100) {
  EXPECT_EQ(wire(encode_soc_soh({120, -4, 101, 6})), "355#640000001027");
}

TEST(PylonEncodeMeasurements, WritesTheUs2000CaptureBytes) {
  Measurements m{49.83, -34.3, 26.7, 0.01};
  EXPECT_EQ(wire(encode_measurements(m)), "356#7713A9FE0B01");
}

TEST(PylonEncodeMeasurements, UsesTheTenthVoltScaleWhenAsked) {
  Measurements m{49.8, 0, 0, 0.1};
  EXPECT_EQ(wire(encode_measurements(m)), "356#F20100000000");
}

TEST(PylonEncodeMeasurements, ClampsToTheSigned16BitRange) {
  Measurements m{400.0, -5000.0, 4000.0, 0.01};
  EXPECT_EQ(wire(encode_measurements(m)), "356#FF7F0080FF7F");
}

TEST(PylonEncodeProtection, WritesTheUs2000CaptureBytesWithNoFlags) {
  ProtectionFlags p;
  p.module_count = 4;
  EXPECT_EQ(wire(encode_protection(p)), "359#0000000004504E");
}

TEST(PylonEncodeProtection, PutsEveryFlagOnItsBit) {
  ProtectionFlags p;
  p.protection = {true, true, true, true, true, true};
  p.alarm = {true, false, false, false, false, true};
  p.system_error = true;
  p.internal_communication_fail = true;
  p.module_count = 300;
  EXPECT_EQ(wire(encode_protection(p)), "359#9E090209FF504E");
}

TEST(PylonEncodeAlarmPairs, WritesOkForEveryPairByDefault) {
  // 13 categories: bytes 0-2 all "10", byte 3 low pair "10", the 3 reserved pairs 00.
  EXPECT_EQ(wire(encode_alarm_pairs({})), "35A#AAAAAA02AAAAAA02");
}

TEST(PylonEncodeAlarmPairs, RaisesOnePairAsBits01) {
  AlarmPairs p;
  p.raise_alarm(PairCategory::HighTemperature);  // byte 0, pair 3
  p.raise_warning(PairCategory::CellImbalance);  // byte 7, pair 0
  p.warnings[static_cast<std::size_t>(PairCategory::General)] = PairState::Unsupported;
  EXPECT_EQ(wire(encode_alarm_pairs(p)), "35A#6AAAAA02A8AAAA01");
}

TEST(PylonEncodeRequests, WritesTheUs2000CaptureBytes) { EXPECT_EQ(wire(encode_requests({})), "35C#C000"); }

TEST(PylonEncodeRequests, PutsEveryRequestOnItsBit) {
  Requests r{false, false, true, true, true};
  EXPECT_EQ(wire(encode_requests(r)), "35C#3800");
}

TEST(PylonEncodeManufacturer, PadsWithSpacesLikeTheUs2000Capture) {
  EXPECT_EQ(wire(encode_manufacturer("PYLON")), "35E#50594C4F4E202020");
}

TEST(PylonEncodeManufacturer, TruncatesToEightAndReplacesNonPrintable) {
  EXPECT_EQ(wire(encode_manufacturer(std::string("AB\x01"
                                                 "DEFGHIJK"))),
            "35E#41423F4445464748");
}

TEST(PylonEncodeBatteryInfo, WritesFourLittleEndianWords) {
  EXPECT_EQ(wire(encode_battery_info({0xB517, 0x0102, 280, 70000})), "35F#17B502011801FFFF");
}

TEST(PylonEncodeBmsName, SplitsSixteenCharactersOver370And371) {
  const auto frames = encode_bms_name("SEPLOS-BMS-48V-X-extra");
  EXPECT_EQ(wire(frames[0]), "370#5345504C4F532D42");
  EXPECT_EQ(wire(frames[1]), "371#4D532D3438562D58");
}

TEST(PylonEncodeBmsName, PadsAShortNameWithNul) {
  const auto frames = encode_bms_name("REC");
  EXPECT_EQ(wire(frames[0]), "370#5245430000000000");
  EXPECT_EQ(wire(frames[1]), "371#0000000000000000");
}

TEST(PylonEncodeNumericExtremes, WritesTemperaturesCellsAndIndices) {
  NumericExtremes e{26.5, 24.1, 3.342, 3.301, 3, 7, 12, 1};
  const auto frames = encode_numeric_extremes(e);
  EXPECT_EQ(wire(frames[0]), "370#0901F1000E0DE50C");
  EXPECT_EQ(wire(frames[1]), "371#030007000C000100");
}

TEST(PylonEncodeModuleStatus, WritesFourCounters) {
  EXPECT_EQ(wire(encode_module_status({4, 1, 0, 2})), "372#0400010000000200");
}

TEST(PylonEncodeCellExtremes, WritesMillivoltsAndKelvin) {
  CellExtremes c{3.301, 3.342, 24.85, 26.85};
  EXPECT_EQ(wire(encode_cell_extremes(c)), "373#E50C0E0D2A012C01");
}

TEST(PylonEncodeCellExtremes, ClampsTemperaturesBelowAbsoluteZero) {
  CellExtremes c{0, 0, -300, 70000};
  EXPECT_EQ(wire(encode_cell_extremes(c)), "373#000000000000FFFF");
}

TEST(PylonEncodeCellId, WritesTheIdTextOnTheRequestedFrame) {
  EXPECT_EQ(wire(encode_cell_id(id::kMaxCellTemperatureId, "T02")), "377#5430320000000000");
  EXPECT_EQ(wire(encode_cell_id(0x123, "C01")), "374#4330310000000000");
}

TEST(PylonEncodeEnergy, WritesTwoCountersInTenthsOfKwh) {
  EXPECT_EQ(wire(encode_energy({1234.5, 0.1})), "378#3930000001000000");
}

TEST(PylonEncodeInstalledCapacity, WritesAmpHoursWithDlc2) {
  EXPECT_EQ(wire(encode_installed_capacity(280)), "379#1801");
  EXPECT_EQ(wire(encode_installed_capacity(-1)), "379#0000");
}

TEST(PylonEncodeInverter, KeepAliveIsEightZeroBytes) {
  EXPECT_EQ(wire(encode_inverter_keep_alive()), "305#0000000000000000");
}

TEST(PylonEncodeInverter, SunnyIslandReportCarriesItsMeasurements) {
  EXPECT_EQ(wire(encode_inverter_report({52.3, -12.5, 25.0, 87})), "305#0B0283FFFA005700");
}

TEST(PylonEncodeInverter, VictronGxSignatureIsTheKnownBytes) {
  EXPECT_EQ(wire(encode_victron_gx_signature()),
            "307#12345678564943"
            "00");
}

}  // namespace
}  // namespace bms::pylon
