// Decoding the Pylontech/SMA/Victron family: real capture vectors, every DLC variant, every
// form where emitters disagree, and frames too short for their id.

#include <gtest/gtest.h>

#include "frame_test_helpers.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms::pylon {
namespace {

using test::frame;
using test::text;
using test::value;

DecodedFrame dec(std::string_view candump, const DecodeOptions& o = {}) { return decode(frame(candump), o); }

// The reference's US2000-class capture:
// 351#14025002C805 355#5F006300 356#7713A9FE0B01 359#0000000004504E 35C#C000 35E#50594C4F4E202020
TEST(PylonDecodeUs2000Capture, LimitsAre53_2V_59_2A_148AWithoutDischargeVoltage) {
  const auto d = dec("351#14025002C805");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::ChargeVoltageLimitV), 53.2);
  EXPECT_EQ(value(d, SignalId::ChargeCurrentLimitA), 59.2);
  EXPECT_EQ(value(d, SignalId::DischargeCurrentLimitA), 148.0);
  EXPECT_EQ(value(d, SignalId::DischargeVoltageLimitV), std::nullopt);
  EXPECT_EQ(d.count, 3);
}

TEST(PylonDecodeUs2000Capture, SocIs95AndSohIs99WithoutHighResolution) {
  const auto d = dec("355#5F006300");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::SocPct), 95.0);
  EXPECT_EQ(value(d, SignalId::SohPct), 99.0);
  EXPECT_EQ(value(d, SignalId::SocHiresPct), std::nullopt);
}

TEST(PylonDecodeUs2000Capture, MeasurementsAre49_83V_Minus34_3A_26_7C) {
  const auto d = dec("356#7713A9FE0B01");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::VoltageV), 49.83);
  EXPECT_EQ(value(d, SignalId::CurrentA), -34.3);
  EXPECT_EQ(value(d, SignalId::TemperatureC), 26.7);
}

TEST(PylonDecodeUs2000Capture, ProtectionHasNoFlagsAndFourModules) {
  const auto d = dec("359#0000000004504E");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::ModuleCount), 4.0);
  for (const auto& s : d.values()) {
    if (s.id != SignalId::ModuleCount) {
      EXPECT_EQ(s.value, 0.0) << signal_name(s.id);
    }
  }
  EXPECT_EQ(d.count, 15);
}

TEST(PylonDecodeUs2000Capture, RequestsAllowChargeAndDischargeOnly) {
  const auto d = dec("35C#C000");
  EXPECT_EQ(value(d, SignalId::ChargeEnable), 1.0);
  EXPECT_EQ(value(d, SignalId::DischargeEnable), 1.0);
  EXPECT_EQ(value(d, SignalId::ForceCharge1), 0.0);
  EXPECT_EQ(value(d, SignalId::ForceCharge2), 0.0);
  EXPECT_EQ(value(d, SignalId::FullChargeRequest), 0.0);
}

TEST(PylonDecodeUs2000Capture, ManufacturerIsPylonWithoutPadding) {
  EXPECT_EQ(text(dec("35E#50594C4F4E202020"), SignalId::Manufacturer), "PYLON");
}

TEST(PylonDecodeLimits, ReadsTheDischargeVoltageLimitWithDlc8) {
  const auto d = dec("351#3802E803D007E001");
  EXPECT_EQ(value(d, SignalId::ChargeVoltageLimitV), 56.8);
  EXPECT_EQ(value(d, SignalId::ChargeCurrentLimitA), 100.0);
  EXPECT_EQ(value(d, SignalId::DischargeCurrentLimitA), 200.0);
  EXPECT_EQ(value(d, SignalId::DischargeVoltageLimitV), 48.0);
}

TEST(PylonDecodeLimits, ReadsCurrentLimitsAsSigned) {
  const auto d = dec("351#14020080FFFF");
  EXPECT_EQ(value(d, SignalId::ChargeCurrentLimitA), -3276.8);
  EXPECT_EQ(value(d, SignalId::DischargeCurrentLimitA), -0.1);
}

TEST(PylonDecodeLimits, SevenBytesAreReadAsSixWithoutDischargeVoltage) {
  const auto d = dec("351#14025002C80511");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::DischargeVoltageLimitV), std::nullopt);
}

TEST(PylonDecodeLimits, FiveBytesAreTooShort) {
  const auto d = dec("351#14025002C8");
  EXPECT_EQ(d.status, DecodeStatus::TooShort);
  EXPECT_EQ(d.reason, "0x351 needs at least 6 bytes");
  EXPECT_EQ(d.count, 0);
}

TEST(PylonDecodeSocSoh, ReadsHighResolutionSocWithDlc6And8) {
  EXPECT_EQ(value(dec("355#5F0063004125"), SignalId::SocHiresPct), 95.37);
  EXPECT_EQ(value(dec("355#5F00630041250000"), SignalId::SocHiresPct), 95.37);
}

TEST(PylonDecodeSocSoh, ThreeBytesAreTooShort) { EXPECT_EQ(dec("355#5F0063").status, DecodeStatus::TooShort); }

TEST(PylonDecodeMeasurements, UsesTheSourcesTenthVoltScale) {
  DecodeOptions solark;
  solark.voltage_scale_v = 0.1;
  EXPECT_EQ(value(dec("356#F20100000000", solark), SignalId::VoltageV), 49.8);
}

TEST(PylonDecodeMeasurements, FiveBytesAreTooShort) { EXPECT_EQ(dec("356#7713A9FE0B").status, DecodeStatus::TooShort); }

TEST(PylonDecodeProtection, ReadsEachProtectionAndAlarmBit) {
  const auto d = dec("359#9E0102010250");
  EXPECT_EQ(value(d, SignalId::ProtectionHighVoltage), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionLowVoltage), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionHighTemperature), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionLowTemperature), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionHighDischargeCurrent), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionHighChargeCurrent), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionSystemError), 0.0);
  EXPECT_EQ(value(d, SignalId::AlarmHighVoltage), 1.0);
  EXPECT_EQ(value(d, SignalId::AlarmLowVoltage), 0.0);
  EXPECT_EQ(value(d, SignalId::AlarmHighChargeCurrent), 1.0);
  EXPECT_EQ(value(d, SignalId::AlarmInternalCommunication), 0.0);
  EXPECT_EQ(value(d, SignalId::ModuleCount), 2.0);
}

TEST(PylonDecodeProtection, AcceptsSystemErrorOnBit3OrBit7) {
  EXPECT_EQ(value(dec("359#00080000"), SignalId::ProtectionSystemError), 1.0);
  EXPECT_EQ(value(dec("359#00800000"), SignalId::ProtectionSystemError), 1.0);
  EXPECT_EQ(value(dec("359#00770000"), SignalId::ProtectionSystemError), 0.0);
}

TEST(PylonDecodeProtection, AcceptsCommunicationFailOnBit3OrBit7) {
  EXPECT_EQ(value(dec("359#00000008"), SignalId::AlarmInternalCommunication), 1.0);
  EXPECT_EQ(value(dec("359#00000080"), SignalId::AlarmInternalCommunication), 1.0);
}

TEST(PylonDecodeProtection, LeavesModuleCountOutWithDlc4) {
  const auto d = dec("359#00000000");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::ModuleCount), std::nullopt);
}

TEST(PylonDecodeProtection, ThreeBytesAreTooShort) { EXPECT_EQ(dec("359#000000").status, DecodeStatus::TooShort); }

TEST(PylonDecodeAlarmPairs, ReadsRaisedAsOneAndOkAsZero) {
  // byte 0: general 10 (ok), high voltage 01 (raised), low voltage 10, high temperature 10
  const auto d = dec("35A#A6AAAA02AAAAAA02");
  EXPECT_EQ(value(d, SignalId::ProtectionGeneral), 0.0);
  EXPECT_EQ(value(d, SignalId::ProtectionHighVoltage), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionLowVoltage), 0.0);
  EXPECT_EQ(value(d, SignalId::AlarmHighVoltage), 0.0);
  EXPECT_EQ(value(d, SignalId::ProtectionCellImbalance), 0.0);
  EXPECT_EQ(d.count, 26);
}

TEST(PylonDecodeAlarmPairs, GivesNoValueForUnsupportedPairs00And11) {
  // byte 0: general 00, high voltage 11, low voltage 01, high temperature 10
  const auto d = dec("35A#9C000000FF000000");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::ProtectionGeneral), std::nullopt);
  EXPECT_EQ(value(d, SignalId::ProtectionHighVoltage), std::nullopt);
  EXPECT_EQ(value(d, SignalId::ProtectionLowVoltage), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionHighTemperature), 0.0);
  EXPECT_EQ(d.count, 2);
}

TEST(PylonDecodeAlarmPairs, MapsEveryCategoryToItsSignal) {
  // Every pair raised (01): alarms in bytes 0-3, warnings in 4-7.
  const auto d = dec("35A#5555555555555555");
  EXPECT_EQ(value(d, SignalId::ProtectionHighChargeTemperature), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionLowChargeTemperature), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionHighDischargeCurrent), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionHighChargeCurrent), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionContactor), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionShortCircuit), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionSystemError), 1.0);
  EXPECT_EQ(value(d, SignalId::ProtectionCellImbalance), 1.0);
  EXPECT_EQ(value(d, SignalId::AlarmLowTemperature), 1.0);
  EXPECT_EQ(value(d, SignalId::AlarmInternalCommunication), 1.0);
  EXPECT_EQ(value(d, SignalId::AlarmCellImbalance), 1.0);
  // The 3 reserved pairs of bytes 3 and 7 add nothing.
  EXPECT_EQ(d.count, 26);
}

TEST(PylonDecodeAlarmPairs, ReadsOnlyAlarmsWithDlc4) {
  const auto d = dec("35A#AAAAAA02");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(d.count, 13);
  EXPECT_EQ(value(d, SignalId::AlarmHighVoltage), std::nullopt);
}

TEST(PylonDecodeAlarmPairs, ThreeBytesAreTooShort) { EXPECT_EQ(dec("35A#AAAAAA").status, DecodeStatus::TooShort); }

TEST(PylonDecodeRequests, ReadsForceChargeAndFullChargeBits) {
  const auto d = dec("35C#38");
  EXPECT_EQ(value(d, SignalId::ChargeEnable), 0.0);
  EXPECT_EQ(value(d, SignalId::ForceCharge1), 1.0);
  EXPECT_EQ(value(d, SignalId::ForceCharge2), 1.0);
  EXPECT_EQ(value(d, SignalId::FullChargeRequest), 1.0);
}

TEST(PylonDecodeRequests, EmptyFrameIsTooShort) { EXPECT_EQ(dec("35C#").status, DecodeStatus::TooShort); }

TEST(PylonDecodeManufacturer, StopsAtNulPadding) {
  EXPECT_EQ(text(dec("35E#4259440000000000"), SignalId::Manufacturer), "BYD");
  EXPECT_EQ(text(dec("35E#5245432D424D53"), SignalId::Manufacturer), "REC-BMS");
  EXPECT_EQ(text(dec("35E#5348456E65726779"), SignalId::Manufacturer), "SHEnergy");
}

TEST(PylonDecodeBatteryInfo, ReadsProductFirmwareCapacityAndHardware) {
  const auto d = dec("35F#17B502011801FFFF");
  EXPECT_EQ(value(d, SignalId::ProductId), 0xB517);
  EXPECT_EQ(value(d, SignalId::FirmwareVersion), 0x0102);
  EXPECT_EQ(value(d, SignalId::AvailableCapacityAh), 280.0);
  EXPECT_EQ(value(d, SignalId::HardwareVersion), 65535.0);
}

TEST(PylonDecodeBatteryInfo, ReadsOnlyTheFieldsItsDlcHolds) {
  const auto d = dec("35F#17B50201");
  EXPECT_EQ(d.count, 2);
  EXPECT_EQ(dec("35F#17").status, DecodeStatus::TooShort);
}

TEST(PylonDecode370, ReadsPrintableAsciiAsTheBmsName) {
  EXPECT_EQ(text(dec("370#5345504C4F532D42"), SignalId::BmsName), "SEPLOS-B");
  EXPECT_EQ(text(dec("371#4D532D3438562D58"), SignalId::BmsName2), "MS-48V-X");
  EXPECT_EQ(text(dec("370#5245430000000000"), SignalId::BmsName), "REC");
}

TEST(PylonDecode370, ReadsAnAllZeroFrameAsAnEmptyNamePartNotAsZeroVoltCells) {
  const auto d = dec("371#0000000000000000");
  EXPECT_EQ(text(d, SignalId::BmsName2), "");
  EXPECT_EQ(value(dec("370#0000000000000000"), SignalId::MinCellVoltageV), std::nullopt);
}

TEST(PylonDecode370, ReadsPylonV2NumbersAsCellExtremes) {
  const auto d = dec("370#0901F1000E0DE50C");
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(value(d, SignalId::MaxCellTemperatureC), 26.5);
  EXPECT_EQ(value(d, SignalId::MinCellTemperatureC), 24.1);
  EXPECT_EQ(value(d, SignalId::MaxCellVoltageV), 3.342);
  EXPECT_EQ(value(d, SignalId::MinCellVoltageV), 3.301);
}

TEST(PylonDecode370, ReadsTenMillivoltCellsWhenTheSourceSaysSo) {
  DecodeOptions o;
  o.extremes_cell_scale_v = 0.01;
  EXPECT_EQ(value(dec("370#0901F1004E014A01", o), SignalId::MaxCellVoltageV), 3.34);
}

TEST(PylonDecode370, ReadsPylonV2IndicesAsCellIds) {
  const auto d = dec("371#030007000C000100");
  EXPECT_EQ(text(d, SignalId::MaxCellTemperatureId), "3");
  EXPECT_EQ(text(d, SignalId::MinCellTemperatureId), "7");
  EXPECT_EQ(text(d, SignalId::MaxCellVoltageId), "12");
  EXPECT_EQ(text(d, SignalId::MinCellVoltageId), "1");
  EXPECT_EQ(text(dec("371#FFFF000000000000"), SignalId::MaxCellTemperatureId), "65535");
}

TEST(PylonDecode370, TextAfterNulPaddingIsNotAName) {
  // "AB" NUL "C": not a NUL-padded name, so the numbers are read.
  const auto d = dec("370#4142004300000000");
  EXPECT_EQ(text(d, SignalId::BmsName), std::nullopt);
  EXPECT_EQ(value(d, SignalId::MaxCellTemperatureC), 1696.1);  // 0x4241 tenths
}

TEST(PylonDecode370, ShortNumericFrameIsTooShortButShortNameIsFine) {
  EXPECT_EQ(dec("370#0901F1000E0D").status, DecodeStatus::TooShort);
  EXPECT_EQ(text(dec("370#4A4B"), SignalId::BmsName), "JK");
  EXPECT_EQ(dec("370#").status, DecodeStatus::TooShort);
}

TEST(PylonDecodeModuleStatus, ReadsFourCounters) {
  const auto d = dec("372#0400010000000200");
  EXPECT_EQ(value(d, SignalId::ModulesOnline), 4.0);
  EXPECT_EQ(value(d, SignalId::ModulesBlockingCharge), 1.0);
  EXPECT_EQ(value(d, SignalId::ModulesBlockingDischarge), 0.0);
  EXPECT_EQ(value(d, SignalId::ModulesOffline), 2.0);
  EXPECT_EQ(dec("372#04000100000002").status, DecodeStatus::TooShort);
}

TEST(PylonDecodeCellExtremes, ConvertsKelvinToCelsius) {
  const auto d = dec("373#E50C0E0D2A012C01");
  EXPECT_EQ(value(d, SignalId::MinCellVoltageV), 3.301);
  EXPECT_EQ(value(d, SignalId::MaxCellVoltageV), 3.342);
  EXPECT_EQ(value(d, SignalId::MinCellTemperatureC), 24.85);
  EXPECT_EQ(value(d, SignalId::MaxCellTemperatureC), 26.85);
  EXPECT_EQ(value(dec("373#0000000000000000"), SignalId::MinCellTemperatureC), -273.15);
  EXPECT_EQ(dec("373#E50C0E0D2A012C").status, DecodeStatus::TooShort);
}

TEST(PylonDecodeCellIds, ReadsEachIdFrameIntoItsSignal) {
  EXPECT_EQ(text(dec("374#4330310000000000"), SignalId::MinCellVoltageId), "C01");
  EXPECT_EQ(text(dec("375#4331360000000000"), SignalId::MaxCellVoltageId), "C16");
  EXPECT_EQ(text(dec("376#5430310000000000"), SignalId::MinCellTemperatureId), "T01");
  EXPECT_EQ(text(dec("377#5430320000000000"), SignalId::MaxCellTemperatureId), "T02");
}

TEST(PylonDecodeEnergy, ReadsTenthsOfKwhByDefaultAndHundredthsWhenAsked) {
  const auto d = dec("378#3930000001000000");
  EXPECT_EQ(value(d, SignalId::ChargedEnergyKwh), 1234.5);
  EXPECT_EQ(value(d, SignalId::DischargedEnergyKwh), 0.1);
  DecodeOptions o;
  o.energy_scale_kwh = 0.01;
  EXPECT_EQ(value(dec("378#3930000001000000", o), SignalId::ChargedEnergyKwh), 123.45);
}

TEST(PylonDecodeInstalledCapacity, ReadsAmpHours) {
  EXPECT_EQ(value(dec("379#1801"), SignalId::InstalledCapacityAh), 280.0);
  EXPECT_EQ(dec("379#18").status, DecodeStatus::TooShort);
}

TEST(PylonDecodeSerial, ReadsSerialNumberAndProductName) {
  EXPECT_EQ(text(dec("380#3132333435363738"), SignalId::SerialNumber), "12345678");
  EXPECT_EQ(text(dec("381#39"), SignalId::SerialNumber2), "9");
  EXPECT_EQ(text(dec("382#5553323030304300"), SignalId::ProductName), "US2000C");
}

TEST(PylonDecodeInverter, EightZeroBytesAreAKeepAlive) {
  const auto d = dec("305#0000000000000000");
  EXPECT_EQ(value(d, SignalId::InverterKeepAlive), 1.0);
  EXPECT_EQ(d.count, 1);
  EXPECT_EQ(value(dec("305#"), SignalId::InverterKeepAlive), 1.0);
}

TEST(PylonDecodeInverter, SunnyIslandsFilled305CarriesItsMeasurements) {
  const auto d = dec("305#0B0283FFFA005700");
  EXPECT_EQ(value(d, SignalId::InverterKeepAlive), 1.0);
  EXPECT_EQ(value(d, SignalId::InverterBatteryVoltageV), 52.3);
  EXPECT_EQ(value(d, SignalId::InverterBatteryCurrentA), -12.5);
  EXPECT_EQ(value(d, SignalId::InverterBatteryTemperatureC), 25.0);
  EXPECT_EQ(value(d, SignalId::InverterSocPct), 87.0);
}

TEST(PylonDecodeInverter, SchneiderExtended305IsAKeepAlive) {
  EXPECT_EQ(value(dec("00000305#0000000000000000"), SignalId::InverterKeepAlive), 1.0);
}

TEST(PylonDecodeInverter, Victron307SignatureIdentifiesAGx) {
  EXPECT_EQ(value(dec("307#1234567856494300"), SignalId::InverterVictronGx), 1.0);
  EXPECT_EQ(value(dec("307#1234567856494400"), SignalId::InverterVictronGx), 0.0);
  EXPECT_EQ(value(dec("307#123456"), SignalId::InverterVictronGx), 0.0);
}

TEST(PylonDecodeFrameKinds, RemoteFrameOfAFamilyIdIsMalformed) {
  EXPECT_EQ(dec("351#R").status, DecodeStatus::Malformed);
}

TEST(PylonDecodeFrameKinds, IdsOutsideTheFamilyAreNotMine) {
  EXPECT_EQ(dec("352#00").status, DecodeStatus::NotMine);
  EXPECT_EQ(dec("35B#R").status, DecodeStatus::NotMine);
  EXPECT_EQ(dec("701#05").status, DecodeStatus::NotMine);
  EXPECT_EQ(dec("00000351#14025002C805").status, DecodeStatus::NotMine);
}

TEST(PylonDecodeFrameKinds, ErrorFramesAreNotMine) {
  EXPECT_EQ(dec("20000080#0000000000000000").status, DecodeStatus::NotMine);
}

// Bytes past the dlc must never influence a decode: fill them with 0xFF and compare with
// the same frame whose tail is zero, for every id of the family and every dlc.
TEST(PylonDecodeBounds, NeverReadsPastTheDlcForAnyIdOrLength) {
  const std::uint32_t ids[] = {0x305, 0x307, 0x351, 0x355, 0x356, 0x359, 0x35A, 0x35C, 0x35E, 0x35F, 0x370, 0x371,
                               0x372, 0x373, 0x374, 0x375, 0x376, 0x377, 0x378, 0x379, 0x380, 0x381, 0x382};
  for (const std::uint32_t can_id : ids) {
    for (std::uint8_t dlc = 0; dlc <= 8; ++dlc) {
      CanFrame clean;
      clean.id = can_id;
      clean.dlc = dlc;
      for (std::uint8_t i = 0; i < dlc; ++i) clean.data[i] = static_cast<std::uint8_t>(0x31 + i);
      CanFrame dirty = clean;
      for (std::uint8_t i = dlc; i < 8; ++i) dirty.data[i] = 0xFF;
      const auto a = decode(clean);
      const auto b = decode(dirty);
      ASSERT_EQ(a.status, b.status) << std::hex << can_id << " dlc " << int{dlc};
      ASSERT_EQ(a.count, b.count) << std::hex << can_id << " dlc " << int{dlc};
      for (std::size_t i = 0; i < a.count; ++i) {
        EXPECT_EQ(a.signals[i].value, b.signals[i].value) << std::hex << can_id;
        EXPECT_EQ(a.signals[i].text_view(), b.signals[i].text_view()) << std::hex << can_id;
      }
    }
  }
}

}  // namespace
}  // namespace bms::pylon
