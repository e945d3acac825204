#include "core/frame_set.hpp"

#include <gtest/gtest.h>

#include "io/candump_format.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms {
namespace {

Snapshot healthy() {
  Snapshot s;
  s.time_us = 1'700'000'000'000'000LL;
  s.failsafe = false;
  s.batteries_online = 3;
  s.module_count = 12;  // three 4-module stacks
  s.soc_pct = 91.0;
  s.soh_pct = 99.0;
  s.voltage_v = 49.83;
  s.current_a = -34.3;
  s.temperature_c = 26.7;
  s.charge_voltage_limit_v = 53.2;
  s.charge_current_limit_a = 127.5;
  s.discharge_current_limit_a = 200.0;
  s.discharge_voltage_limit_v = 46.0;
  s.charge_allowed = true;
  s.discharge_allowed = true;
  s.installed_capacity_ah = 250.0;
  s.capacity_ah = 227.5;
  return s;
}

std::vector<std::string> lines(const FrameSet& set) {
  std::vector<std::string> out;
  for (const auto& f : set.view()) out.push_back(format_candump_log_line(f));
  return out;
}

OutputSettings profile(OutputProfile p) {
  OutputSettings o;
  o.enabled = true;
  o.profile = p;
  return o;
}

TEST(FrameSet, PylonProfileHasPylontechIdsAndDlcs) {
  const auto got = lines(build_frame_set(healthy(), profile(OutputProfile::Pylon)));
  const std::vector<std::string> expected = {
      "(1700000000.000000) can9 351#1402FB04D007CC01",   // 53.2 V, 127.5 A, 200.0 A, 46.0 V (DLC 8)
      "(1700000000.000000) can9 355#5B006300",           // 91 %, 99 %
      "(1700000000.000000) can9 356#7713A9FE0B01",       // 49.83 V, -34.3 A, 26.7 degC
      "(1700000000.000000) can9 359#000000000C504E",     // no flags, 12 modules, "PN"
      "(1700000000.000000) can9 35C#C000",               // charge + discharge enabled
      "(1700000000.000000) can9 35E#50594C4F4E202020"};  // "PYLON   "
  EXPECT_EQ(got, expected);
}

TEST(FrameSet, SmaProfileSendsFullFramesAlarmPairsAndBatteryInfo) {
  const FrameSet set = build_frame_set(healthy(), profile(OutputProfile::Sma));
  std::vector<std::uint32_t> ids;
  for (const auto& f : set.view()) ids.push_back(f.id);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{0x351, 0x355, 0x356, 0x35A, 0x35E, 0x35F}));
  EXPECT_EQ(format_candump_log_line(set.frames[0]), "(1700000000.000000) can9 351#1402FB04D007CC01");  // DVL 46.0 V
  EXPECT_EQ(format_candump_log_line(set.frames[1]),
            "(1700000000.000000) can9 355#5B0063008C23FFFF");  // hi-res 91.00 %, unused 0xFFFF
  const DecodedFrame pairs = pylon::decode(set.frames[3]);
  ASSERT_EQ(pairs.status, DecodeStatus::Ok);
  for (const SignalValue& v : pairs.values()) {
    if (!signal_is_text(v.id)) {
      EXPECT_EQ(v.value, 0.0) << signal_name(v.id);
    }
  }
}

TEST(FrameSet, VictronProfileAddsModuleCountsNameAndCapacity) {
  Snapshot s = healthy();
  s.batteries_offline = 1;
  s.blocking_charge = 1;
  s.min_cell_voltage = CellExtreme{3.201, "A", "A"};
  s.max_cell_voltage = CellExtreme{3.402, "B", "B"};
  s.min_cell_temperature = CellExtreme{18.0, "A", "A"};
  s.max_cell_temperature = CellExtreme{27.0, "C", "C"};
  OutputSettings o = profile(OutputProfile::Victron);
  o.bms_name = "House bank";
  const FrameSet set = build_frame_set(s, o);
  std::vector<std::uint32_t> ids;
  for (const auto& f : set.view()) ids.push_back(f.id);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{0x351, 0x355, 0x356, 0x35A, 0x35C, 0x35E, 0x35F, 0x370, 0x371, 0x372,
                                             0x373, 0x379}));
  EXPECT_EQ(format_candump_log_line(set.frames[7]), "(1700000000.000000) can9 370#486F757365206261");
  EXPECT_EQ(format_candump_log_line(set.frames[9]), "(1700000000.000000) can9 372#0300010000000100");
  EXPECT_EQ(format_candump_log_line(set.frames[10]), "(1700000000.000000) can9 373#810C4A0D23012C01");
  EXPECT_EQ(format_candump_log_line(set.frames[11]), "(1700000000.000000) can9 379#FA00");
}

TEST(FrameSet, FailSafeSendsZeroLimitsAndFlagsButNoMeasurements) {
  Snapshot s;
  s.time_us = 5'000'000;
  s.failsafe = true;
  s.charge_voltage_limit_v = 55.2;
  s.discharge_voltage_limit_v = 46.0;
  s.alarms.bms_cable = 2;
  const auto got = lines(build_frame_set(s, profile(OutputProfile::Pylon)));
  const std::vector<std::string> expected = {
      "(0000000005.000000) can9 351#280200000000CC01",  // 55.2 V, 0 A, 0 A, 46.0 V
      "(0000000005.000000) can9 359#0008000800504E",    // system error + communication fail, 0 modules
      "(0000000005.000000) can9 35C#0000",              // charge and discharge disabled
      "(0000000005.000000) can9 35E#50594C4F4E202020"};
  EXPECT_EQ(got, expected);
}

TEST(FrameSet, AlarmLevelsBecomeProtectionAndWarningBits) {
  Snapshot s = healthy();
  s.alarms.high_temperature = 2;
  s.alarms.low_voltage = 1;
  const FrameSet set = build_frame_set(s, profile(OutputProfile::Pylon));
  EXPECT_EQ(format_candump_log_line(set.frames[3]), "(1700000000.000000) can9 359#080004000C504E");
}

TEST(FrameSet, OutOfRangeValuesAreClampedToTheirFields) {
  Snapshot s = healthy();
  s.charge_current_limit_a = 5000.0;  // s16 0.1 A holds at most 3276.7 A
  s.soc_pct = 104.0;
  s.current_a = -4000.0;
  const FrameSet set = build_frame_set(s, profile(OutputProfile::Pylon));
  EXPECT_EQ(format_candump_log_line(set.frames[0]), "(1700000000.000000) can9 351#1402FF7FD007CC01");
  EXPECT_EQ(format_candump_log_line(set.frames[1]), "(1700000000.000000) can9 355#64006300");
  EXPECT_EQ(format_candump_log_line(set.frames[2]),
            "(1700000000.000000) can9 356#77130080"
            "0B01");
}

TEST(FrameSet, MeasurementsAreLeftOutRatherThanGuessed) {
  Snapshot s = healthy();
  s.temperature_c.reset();  // no BMS reports a temperature
  std::vector<std::uint32_t> ids;
  for (const auto& f : build_frame_set(s, profile(OutputProfile::Pylon)).view()) ids.push_back(f.id);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{0x351, 0x355, 0x359, 0x35C, 0x35E}));
}

TEST(FrameSet, ManufacturerTextIsConfigurable) {
  OutputSettings o = profile(OutputProfile::Pylon);
  o.manufacturer = "BYD";
  const FrameSet set = build_frame_set(healthy(), o);
  EXPECT_EQ(format_candump_log_line(set.frames[5]), "(1700000000.000000) can9 35E#4259442020202020");
}

}  // namespace
}  // namespace bms
