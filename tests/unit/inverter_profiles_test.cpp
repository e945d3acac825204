// Every inverter profile against its vendor document: the emitted frame set byte by byte
// against a table transcribed by hand from the document (each field's bytes worked out in
// the comment beside it), DLC rules, unknown values, and a receiver written from the same
// document (tests/support/vendor_receivers.hpp) decoding our output field by field.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/frame_set.hpp"
#include "io/candump_format.hpp"
#include "support/vendor_receivers.hpp"

namespace bms {
namespace {

namespace vendor = test::vendor;

/// One bank of three 4-module stacks, every value known.
Snapshot bank() {
  Snapshot s;
  s.time_us = 1'700'000'000'000'000LL;
  s.failsafe = false;
  s.batteries_online = 3;
  s.module_count = 12;
  s.soc_pct = 91.0;
  s.soh_pct = 99.0;
  s.voltage_v = 49.83;
  s.current_a = -34.3;
  s.temperature_c = 26.7;
  s.min_temperature_c = 21.3;
  s.charge_voltage_limit_v = 53.2;
  s.charge_current_limit_a = 127.5;
  s.discharge_current_limit_a = 200.0;
  s.discharge_voltage_limit_v = 46.0;
  s.charge_allowed = true;
  s.discharge_allowed = true;
  s.installed_capacity_ah = 300.0;
  s.capacity_ah = 273.0;
  s.min_cell_voltage = CellExtreme{3.301, "B", "B:7"};
  s.max_cell_voltage = CellExtreme{3.342, "A", "A:2"};
  s.min_cell_temperature = CellExtreme{20.5, "C", "C"};
  s.max_cell_temperature = CellExtreme{27.0, "A", "A"};
  return s;
}

OutputSettings output(OutputProfile p) {
  OutputSettings o;
  o.enabled = true;
  o.profile = p;
  return o;
}

/// "ID#HEX" of every frame, in send order.
std::vector<std::string> wire(const FrameSet& set) {
  std::vector<std::string> out;
  for (const CanFrame& f : set.view()) {
    const std::string line = format_candump_log_line(f);
    out.push_back(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

std::map<std::uint32_t, int> dlcs(const FrameSet& set) {
  std::map<std::uint32_t, int> out;
  for (const CanFrame& f : set.view()) out[f.id] = f.dlc;
  return out;
}

const CanFrame* find(const FrameSet& set, std::uint32_t id) {
  for (const CanFrame& f : set.view()) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// --- Frame tables transcribed from the documents -------------------------------------------

TEST(PylonProfile, MatchesThePylontechTableByteByByte) {
  // Pylontech LV V1.2, with the DLCs real US2000/US3000/US5000 packs send.
  const std::vector<std::string> expected = {
      "351#1402FB04D007CC01",   // CVL 532 = 0x0214, CCL 1275 = 0x04FB, DCL 2000 = 0x07D0, DVL 460 = 0x01CC (0.1 V/A)
      "355#5B006300",           // SOC 91 = 0x5B, SOH 99 = 0x63 (1 %)
      "356#7713A9FE0B01",       // 4983 = 0x1377 (0.01 V), -343 = 0xFEA9 (0.1 A), 267 = 0x010B (0.1 degC)
      "359#000000000C504E",     // no flags, 12 modules, 'P' 'N'
      "35C#C000",               // bit 7 charge enable, bit 6 discharge enable
      "35E#50594C4F4E202020"};  // "PYLON" + 3 spaces
  EXPECT_EQ(wire(build_frame_set(bank(), output(OutputProfile::Pylon))), expected);
}

TEST(SmaProfile, MatchesTheSunnyIslandTableByteByByte) {
  const std::vector<std::string> expected = {
      "351#1402FB04D007CC01",   // CVL, CCL, DCL, discharge voltage (0.1 V/A)
      "355#5B0063008C23FFFF",   // SOC 91, SOH 99, SOC 9100 = 0x238C (0.01 %), bytes 6-7 unused = 0xFFFF
      "356#7713A9FE0B01",       // voltage 0.01 V, current 0.1 A, temperature 0.1 degC
      "35A#AAAA8202AAAA8202",   // pairs 10 = OK (charge temperatures too: the gateway judges them); 00 for contactor,
                                // short circuit, reserved
      "35E#50594C4F4E202020",   // manufacturer text
      "35F#FFFFFFFF2C01FFFF"};  // type unused, BMS version unused, capacity 300 Ah = 0x012C, manufacturer id unused
  EXPECT_EQ(wire(build_frame_set(bank(), output(OutputProfile::Sma))), expected);
}

TEST(VictronProfile, MatchesTheVictronTableByteByByte) {
  Snapshot s = bank();
  s.batteries_offline = 1;
  OutputSettings o = output(OutputProfile::Victron);
  o.bms_name = "House bank";
  const std::vector<std::string> expected = {
      "351#1402FB04D007CC01",  // as SMA
      "355#5B0063008C230000",  // SOC, SOH, SOC 0.01 %
      "356#7713A9FE0B01", "35A#AAAA8202AAAA8202",
      "35C#C000",  // enables (bit 7, 6)
      "35E#50594C4F4E202020",
      "35F#0000000011010000",  // bytes 4-5: remaining 273 Ah = 0x0111 (the Victron meaning)
      "370#486F757365206261",  // "House ba"
      "371#6E6B000000000000",  // "nk", NUL padded
      "372#0300000000000100",  // 3 online, 0 blocking charge, 0 blocking discharge, 1 offline
      // min cell 3301 mV = 0x0CE5, max 3342 mV = 0x0D0E, min temperature 20.5 + 273.15 =
      // 293.65 -> 294 K = 0x0126, max 27.0 + 273.15 -> 300 K = 0x012C
      "373#E50C0E0D26012C01", "379#2C01"};  // installed 300 Ah
  EXPECT_EQ(wire(build_frame_set(s, o)), expected);
}

TEST(LuxpowerProfile, MatchesTheLuxpowerTableByteByByte) {
  const std::vector<std::string> expected = {
      "351#1402FB04D007CC01",  // CVL, CCL, DCL, discharge cut-off voltage 46.0 V
      "355#5B0063000E0DE50C",  // SOC 91, SOH 99, max cell 3342 mV = 0x0D0E, min cell 3301 mV = 0x0CE5
      "356#7713A9FE0E01CD00",  // 0.01 V, 0.1 A, max cell temp 270 = 0x010E, min cell temp 205 = 0x00CD
      "359#000000000C2C0100",  // no flags, 12 modules, capacity 300 Ah = 0x012C in bytes 5-6
      "35C#C000000000000000",  // enables, cycle count (bytes 2-3) 0: not known to the bank
      "35E#50594C4F4E202020"};
  EXPECT_EQ(wire(build_frame_set(bank(), output(OutputProfile::Luxpower))), expected);
}

TEST(SolarkProfile, MatchesTheSolArkTableByteByByte) {
  const std::vector<std::string> expected = {
      "351#1402FB04D007CC01",                           // CVL, CCL, DCL, discharge voltage limit
      "355#5B00630000000000",                           // SOC, SOH, padded to 8
      "356#F201A9FE0B010000",                           // voltage 498 = 0x01F2 (0.1 V!), current, temperature, padded
      "359#000000000C504E00",                           // flags, 12 modules, 'P' 'N', padded
      "35C#C000000000000000",                           // enables, padded
      "35E#50594C4F4E202020", "379#2C01000000000000"};  // installed capacity 300 Ah, padded
  EXPECT_EQ(wire(build_frame_set(bank(), output(OutputProfile::Solark))), expected);
}

// --- DLC rules ------------------------------------------------------------------------------

TEST(PylonProfile, SendsEachFrameWithTheDlcRealPylontechPacksUse) {
  EXPECT_EQ(dlcs(build_frame_set(bank(), output(OutputProfile::Pylon))),
            (std::map<std::uint32_t, int>{{0x351, 8}, {0x355, 4}, {0x356, 6}, {0x359, 7}, {0x35C, 2}, {0x35E, 8}}));
}

TEST(SmaProfile, SendsEightByteFramesBut0x356) {
  EXPECT_EQ(dlcs(build_frame_set(bank(), output(OutputProfile::Sma))),
            (std::map<std::uint32_t, int>{{0x351, 8}, {0x355, 8}, {0x356, 6}, {0x35A, 8}, {0x35E, 8}, {0x35F, 8}}));
}

TEST(SolarkProfile, SendsOnlyEightByteFramesEvenWhenFailSafe) {
  Snapshot s;
  s.time_us = 5'000'000;
  s.charge_voltage_limit_v = 55.2;
  s.alarms.bms_cable = 2;
  const FrameSet set = build_frame_set(s, output(OutputProfile::Solark));
  ASSERT_GT(set.count, 0u);
  for (const CanFrame& f : set.view()) EXPECT_EQ(f.dlc, 8) << std::hex << f.id;
}

TEST(LuxpowerProfile, SendsOnlyEightByteFrames) {
  for (const CanFrame& f : build_frame_set(bank(), output(OutputProfile::Luxpower)).view()) {
    EXPECT_EQ(f.dlc, 8) << std::hex << f.id;
  }
}

// --- Receivers written from the documents ----------------------------------------------------

TEST(PylonProfile, ADocumentReceiverReadsEveryFieldWithoutComplaint) {
  const Snapshot s = bank();
  const FrameSet set = build_frame_set(s, output(OutputProfile::Pylon));
  const auto r = vendor::receive_pylon(set.view());
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_NEAR(*r.charge_voltage_v, 53.2, 1e-9);
  EXPECT_NEAR(*r.charge_current_a, 127.5, 1e-9);
  EXPECT_NEAR(*r.discharge_current_a, 200.0, 1e-9);
  EXPECT_NEAR(*r.discharge_voltage_v, 46.0, 1e-9);
  EXPECT_EQ(*r.soc_pct, 91);
  EXPECT_EQ(*r.soh_pct, 99);
  EXPECT_NEAR(*r.voltage_v, 49.83, 1e-9);
  EXPECT_NEAR(*r.current_a, -34.3, 1e-9);
  EXPECT_NEAR(*r.temperature_c, 26.7, 1e-9);
  EXPECT_EQ(*r.modules, 12);
  EXPECT_EQ(r.pn, "PN");
  EXPECT_TRUE(r.requests->charge_enable);
  EXPECT_TRUE(r.requests->discharge_enable);
  EXPECT_EQ(r.manufacturer, "PYLON");
}

TEST(PylonProfile, ADocumentReceiverReadsEveryFlagOnItsBit) {
  Snapshot s = bank();
  s.alarms.high_voltage = 2;
  s.alarms.low_temperature = 1;
  s.alarms.high_charge_current = 2;
  s.alarms.high_discharge_current = 1;
  s.alarms.internal_failure = 2;
  const auto r = vendor::receive_pylon(build_frame_set(s, output(OutputProfile::Pylon)).view());
  EXPECT_TRUE(r.protection.over_voltage);
  EXPECT_FALSE(r.warning.over_voltage);
  EXPECT_TRUE(r.warning.under_temperature);
  EXPECT_FALSE(r.protection.under_temperature);
  EXPECT_TRUE(r.charge_over_current);
  EXPECT_TRUE(r.warning.discharge_over_current);
  EXPECT_TRUE(r.system_error);
  EXPECT_FALSE(r.communication_fail);
}

TEST(SmaProfile, ADocumentReceiverReadsEveryFieldAndOnlyMarkersInUnusedOnes) {
  const auto r = vendor::receive_sma(build_frame_set(bank(), output(OutputProfile::Sma)).view());
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_NEAR(*r.charge_voltage_v, 53.2, 1e-9);
  EXPECT_NEAR(*r.charge_current_a, 127.5, 1e-9);
  EXPECT_NEAR(*r.discharge_current_a, 200.0, 1e-9);
  EXPECT_NEAR(*r.discharge_voltage_v, 46.0, 1e-9);
  EXPECT_EQ(*r.soc_pct, 91);
  EXPECT_EQ(*r.soh_pct, 99);
  EXPECT_NEAR(*r.soc_hires_pct, 91.0, 1e-9);
  EXPECT_EQ(*r.soc_bytes_6_7, 0xFFFFu);
  EXPECT_NEAR(*r.voltage_v, 49.83, 1e-9);
  EXPECT_NEAR(*r.current_a, -34.3, 1e-9);
  EXPECT_NEAR(*r.temperature_c, 26.7, 1e-9);
  EXPECT_EQ(*r.capacity_ah, 300) << "0x35F bytes 4-5 are the installed capacity, not the remaining 273 Ah";
  EXPECT_FALSE(r.battery_type);
  EXPECT_FALSE(r.bms_version);
  EXPECT_FALSE(r.manufacturer_id);
  ASSERT_TRUE(r.pairs);
  EXPECT_EQ(r.pairs->alarm(0, 1), 2);  // high voltage: cleared
  EXPECT_EQ(r.pairs->alarm(3, 1), 0);  // reserved: not used by an external BMS
  EXPECT_EQ(r.pairs->alarm(3, 2), 0);
  EXPECT_EQ(r.pairs->alarm(3, 3), 0);
}

TEST(SmaProfile, SendsTheInvalidMarkerForWhatTheBankDoesNotKnow) {
  Snapshot s = bank();
  s.soh_pct.reset();
  s.temperature_c.reset();
  s.current_a.reset();
  s.installed_capacity_ah = 0;  // no capacity configured
  const FrameSet set = build_frame_set(s, output(OutputProfile::Sma));
  ASSERT_NE(find(set, 0x356), nullptr) << "the voltage is known: SMA marks the rest invalid instead of dropping it";
  EXPECT_EQ(test::vendor::le_u16(*find(set, 0x356), 2), 0x8000u);
  EXPECT_EQ(test::vendor::le_u16(*find(set, 0x356), 4), 0x8000u);
  EXPECT_EQ(test::vendor::le_u16(*find(set, 0x355), 2), 0xFFFFu);
  EXPECT_EQ(test::vendor::le_u16(*find(set, 0x35F), 4), 0xFFFFu);
  const auto r = vendor::receive_sma(set.view());
  EXPECT_NEAR(*r.voltage_v, 49.83, 1e-9);
  EXPECT_FALSE(r.current_a);
  EXPECT_FALSE(r.temperature_c);
  EXPECT_FALSE(r.soh_pct);
  EXPECT_FALSE(r.capacity_ah);
}

TEST(VictronProfile, ADocumentReceiverReadsEveryField) {
  OutputSettings o = output(OutputProfile::Victron);
  o.bms_name = "House bank";
  Snapshot s = bank();
  s.blocking_charge = 1;
  const auto r = vendor::receive_victron(build_frame_set(s, o).view());
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_NEAR(*r.charge_current_a, 127.5, 1e-9);
  EXPECT_NEAR(*r.discharge_voltage_v, 46.0, 1e-9);
  EXPECT_EQ(*r.soc_pct, 91);
  EXPECT_NEAR(*r.soc_hires_pct, 91.0, 1e-9);
  EXPECT_EQ(*r.remaining_ah, 273);
  EXPECT_EQ(*r.installed_ah, 300);
  EXPECT_EQ(r.name, "House bank");
  EXPECT_EQ(*r.modules_online, 3);
  EXPECT_EQ(*r.modules_blocking_charge, 1);
  EXPECT_NEAR(*r.min_cell_v, 3.301, 1e-9);
  EXPECT_NEAR(*r.max_cell_v, 3.342, 1e-9);
  EXPECT_NEAR(*r.max_cell_temperature_c, 26.85, 1e-9);  // whole Kelvin on the wire
}

TEST(LuxpowerProfile, ADocumentReceiverReadsEveryField) {
  const auto r = vendor::receive_luxpower(build_frame_set(bank(), output(OutputProfile::Luxpower)).view());
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_NEAR(*r.charge_voltage_v, 53.2, 1e-9);
  EXPECT_NEAR(*r.discharge_voltage_v, 46.0, 1e-9);
  EXPECT_EQ(*r.soc_pct, 91);
  EXPECT_EQ(*r.soh_pct, 99);
  EXPECT_NEAR(*r.max_cell_v, 3.342, 1e-9);
  EXPECT_NEAR(*r.min_cell_v, 3.301, 1e-9);
  EXPECT_NEAR(*r.voltage_v, 49.83, 1e-9);
  EXPECT_NEAR(*r.current_a, -34.3, 1e-9);
  EXPECT_NEAR(*r.max_cell_temperature_c, 27.0, 1e-9);
  EXPECT_NEAR(*r.min_cell_temperature_c, 20.5, 1e-9);
  EXPECT_EQ(*r.modules, 12);
  EXPECT_EQ(*r.capacity_ah, 300);
  EXPECT_EQ(*r.cycles, 0);
  EXPECT_TRUE(r.requests->charge_enable);
}

TEST(LuxpowerProfile, SubstitutesTheMeanCellVoltageWhenNoBatterySendsCells) {
  Snapshot s = bank();  // Pylontech-only packs: no cell extremes
  s.min_cell_voltage.reset();
  s.max_cell_voltage.reset();
  s.voltage_v = 52.8;
  const auto r = vendor::receive_luxpower(build_frame_set(s, output(OutputProfile::Luxpower)).view());
  EXPECT_NEAR(*r.max_cell_v, 3.300, 1e-9);  // 52.8 V / 16 cells
  EXPECT_NEAR(*r.min_cell_v, 3.300, 1e-9);
}

TEST(LuxpowerProfile, UsesBatteryTemperaturesWhenNoCellTemperaturesAndKeepsThemApart) {
  Snapshot s = bank();
  s.min_cell_temperature.reset();
  s.max_cell_temperature.reset();
  auto r = vendor::receive_luxpower(build_frame_set(s, output(OutputProfile::Luxpower)).view());
  EXPECT_NEAR(*r.max_cell_temperature_c, 26.7, 1e-9);
  EXPECT_NEAR(*r.min_cell_temperature_c, 21.3, 1e-9);
  s.min_temperature_c = 26.7;  // one battery: min == max, which the inverter mishandles
  r = vendor::receive_luxpower(build_frame_set(s, output(OutputProfile::Luxpower)).view());
  EXPECT_NEAR(*r.max_cell_temperature_c, 26.7, 1e-9);
  EXPECT_NEAR(*r.min_cell_temperature_c, 26.6, 1e-9);  // 0.1 degC lower: the safe side for cold-charge rules
}

TEST(SolarkProfile, ADocumentReceiverReadsEveryField) {
  const auto r = vendor::receive_solark(build_frame_set(bank(), output(OutputProfile::Solark)).view());
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_NEAR(*r.charge_voltage_v, 53.2, 1e-9);
  EXPECT_NEAR(*r.charge_current_a, 127.5, 1e-9);
  EXPECT_NEAR(*r.discharge_current_a, 200.0, 1e-9);
  EXPECT_NEAR(*r.discharge_voltage_v, 46.0, 1e-9);
  EXPECT_EQ(*r.soc_pct, 91);
  EXPECT_NEAR(*r.voltage_v, 49.8, 1e-9);  // 0.1 V resolution
  EXPECT_NEAR(*r.current_a, -34.3, 1e-9);
  EXPECT_NEAR(*r.temperature_c, 26.7, 1e-9);
  EXPECT_EQ(*r.modules, 12);
  EXPECT_EQ(*r.installed_ah, 300);
  EXPECT_TRUE(r.requests->charge_enable);
  EXPECT_FALSE(r.critical_system_error);
}

TEST(SolarkProfile, ABatteryOfflineIsNotACriticalSystemError) {
  Snapshot s = bank();
  s.alarms.bms_cable = 1;  // one of three offline: Pylontech's "communication fail" warning
  EXPECT_TRUE(vendor::receive_pylon(build_frame_set(s, output(OutputProfile::Pylon)).view()).communication_fail);
  EXPECT_FALSE(vendor::receive_solark(build_frame_set(s, output(OutputProfile::Solark)).view()).critical_system_error);
  s.alarms.internal_failure = 2;  // a BMS failure is
  const auto r = vendor::receive_solark(build_frame_set(s, output(OutputProfile::Solark)).view());
  EXPECT_TRUE(r.critical_system_error);
  EXPECT_TRUE(r.system_error);
}

// --- Force-charge pass-through ---------------------------------------------------------------

/// Byte 0 of 0x35C of profile `p` for a bank requesting `fc`; -1 when the profile sends no 0x35C.
int request_byte(OutputProfile p, const ForceChargeRequest& fc, bool pass = true) {
  Snapshot s = bank();
  s.soc_pct = 4.0;
  s.force_charge_requested = fc;
  OutputSettings o = output(p);
  o.pass_force_charge = pass;
  const CanFrame* f = find(build_frame_set(s, o), 0x35C);
  return f == nullptr ? -1 : f->data[0];
}

TEST(ForceChargePassThrough, PylonSetsTheDocumentsBitForEachRequest) {
  EXPECT_EQ(request_byte(OutputProfile::Pylon, {true, false, false}), 0xE0);  // bit 5: force charge I
  EXPECT_EQ(request_byte(OutputProfile::Pylon, {false, true, false}), 0xD0);  // bit 4: force charge II
  EXPECT_EQ(request_byte(OutputProfile::Pylon, {false, false, true}), 0xC8);  // bit 3: full charge
  EXPECT_EQ(request_byte(OutputProfile::Pylon, {}), 0xC0);
  const auto r = [] {
    Snapshot s = bank();
    s.force_charge_requested = {true, true, true};
    return vendor::receive_pylon(build_frame_set(s, output(OutputProfile::Pylon)).view());
  }();
  EXPECT_TRUE(r.requests->force_charge_1);
  EXPECT_TRUE(r.requests->force_charge_2);
  EXPECT_TRUE(r.requests->full_charge);
}

TEST(ForceChargePassThrough, VictronAndSolarkKeepThePylontechBits) {
  for (OutputProfile p : {OutputProfile::Victron, OutputProfile::Solark}) {
    EXPECT_EQ(request_byte(p, {true, false, false}), 0xE0) << to_string(p);
    EXPECT_EQ(request_byte(p, {false, true, false}), 0xD0) << to_string(p);
    EXPECT_EQ(request_byte(p, {false, false, true}), 0xC8) << to_string(p);
  }
}

TEST(ForceChargePassThrough, LuxpowerStartsEveryRequestOnBit4WhichEg4ActsOn) {
  EXPECT_EQ(request_byte(OutputProfile::Luxpower, {true, false, false}), 0xD0);
  EXPECT_EQ(request_byte(OutputProfile::Luxpower, {false, true, false}), 0xD0);
  EXPECT_EQ(request_byte(OutputProfile::Luxpower, {false, false, true}), 0xD0);
  EXPECT_EQ(request_byte(OutputProfile::Luxpower, {}), 0xC0);
}

TEST(ForceChargePassThrough, SmaHasNoRequestFrame) {
  EXPECT_EQ(request_byte(OutputProfile::Sma, {true, true, true}), -1);
}

TEST(ForceChargePassThrough, IsNotSentWhenSwitchedOff) {
  for (OutputProfile p :
       {OutputProfile::Pylon, OutputProfile::Victron, OutputProfile::Luxpower, OutputProfile::Solark}) {
    EXPECT_EQ(request_byte(p, {true, true, true}, /*pass=*/false), 0xC0) << to_string(p);
  }
}

// --- SOC workaround for inverters that ignore a zero current limit ----------------------------

/// The SOC (1 % field) profile `p` sends for a bank with these limits.
int soc_sent(OutputProfile p, double ccl, double dcl, bool workaround) {
  Snapshot s = bank();
  s.charge_current_limit_a = ccl;
  s.charge_allowed = ccl > 0;
  s.discharge_current_limit_a = dcl;
  s.discharge_allowed = dcl > 0;
  OutputSettings o = output(p);
  o.soc_zero_limit_workaround = workaround;
  const CanFrame* f = find(build_frame_set(s, o), 0x355);
  return f == nullptr ? -1 : static_cast<int>(vendor::le_u16(*f, 0));
}

TEST(SocZeroLimitWorkaround, IsOffByDefault) {
  EXPECT_FALSE(OutputSettings{}.soc_zero_limit_workaround);
  EXPECT_TRUE(OutputSettings{}.pass_force_charge);
  EXPECT_EQ(soc_sent(OutputProfile::Pylon, 0.0, 200.0, false), 91);
  EXPECT_EQ(soc_sent(OutputProfile::Pylon, 127.5, 0.0, false), 91);
}

TEST(SocZeroLimitWorkaround, ShowsFullWhileChargingIsStoppedAndEmptyWhileDischargingIs) {
  for (OutputProfile p : {OutputProfile::Pylon, OutputProfile::Sma, OutputProfile::Victron, OutputProfile::Luxpower,
                          OutputProfile::Solark}) {
    EXPECT_EQ(soc_sent(p, 0.0, 200.0, true), 100) << to_string(p);
    EXPECT_EQ(soc_sent(p, 127.5, 0.0, true), 0) << to_string(p);
    EXPECT_EQ(soc_sent(p, 127.5, 200.0, true), 91) << to_string(p);
    // Both stopped: 100 %. A low SOC could start a grid charge into a bank that forbids charging.
    EXPECT_EQ(soc_sent(p, 0.0, 0.0, true), 100) << to_string(p);
  }
}

TEST(SocZeroLimitWorkaround, AlsoMovesTheHighResolutionSoc) {
  Snapshot s = bank();
  s.charge_current_limit_a = 0.0;
  s.charge_allowed = false;
  OutputSettings o = output(OutputProfile::Sma);
  o.soc_zero_limit_workaround = true;
  EXPECT_EQ(vendor::le_u16(*find(build_frame_set(s, o), 0x355), 4), 10000u);
}

}  // namespace
}  // namespace bms

#include "app/cli.hpp"
#include "core/inverter_profile.hpp"

namespace bms {
namespace {

TEST(InverterProfiles, EveryEmittedFrameIsInItsProfileTableWithThatDlc) {
  Snapshot s = bank();
  s.batteries_offline = 1;
  for (const InverterProfile& p : inverter_profiles()) {
    OutputSettings o;
    o.profile = p.profile;
    for (const CanFrame& f : build_frame_set(s, o).view()) {
      EXPECT_EQ(f.dlc, profile_dlc(p, f.id)) << p.name << " 0x" << std::hex << f.id;
    }
  }
}

TEST(InverterProfiles, HelpListsEveryProfileByItsConfigName) {
  const std::string help = help_text();
  for (const InverterProfile& p : inverter_profiles()) {
    EXPECT_NE(help.find("\n  " + std::string(p.name) + " "), std::string::npos) << p.name;
    EXPECT_STREQ(to_string(p.profile), std::string(p.name).c_str());
  }
}

}  // namespace
}  // namespace bms
