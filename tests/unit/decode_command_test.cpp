// `bms-aggregator decode`: JSON lines from logs of real emitter families, batteries named
// by the configuration, CANopen through object maps, errors and malformed lines.

#include "app/decode_command.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bms {
namespace {

class DecodeCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bms_decode_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  /// Runs decode; returns stdout lines.
  std::vector<std::string> run(std::vector<std::string> args, int expected_rc = 0) {
    std::ostringstream out, err;
    const int rc = decode_command(args, out, err);
    EXPECT_EQ(rc, expected_rc) << err.str();
    err_ = err.str();
    std::vector<std::string> lines;
    std::istringstream in(out.str());
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
  std::filesystem::path dir_;
  std::string err_;
};

TEST_F(DecodeCommand, PylontechUs2000CaptureGivesOneExactJsonObjectPerFrame) {
  const auto log = write("us2000.log",
                         "(1700000000.000200) can0 351#14025002C805\n"
                         "(1700000000.000400) can0 355#5F006300\n"
                         "(1700000000.000600) can0 356#7713A9FE0B01\n"
                         "(1700000000.000800) can0 359#0000000004504E\n"
                         "(1700000000.001000) can0 35C#C000\n"
                         "(1700000000.001200) can0 35E#50594C4F4E202020\n");
  const auto lines = run({log});
  ASSERT_EQ(lines.size(), 6U);
  EXPECT_EQ(lines[0],
            R"({"t": 1700000000.0002, "iface": "can0", "id": "0x351", "data": "14025002C805", )"
            R"("charge_voltage_limit_v": 53.2, "charge_current_limit_a": 59.2, "discharge_current_limit_a": 148})");
  EXPECT_EQ(
      lines[1],
      R"({"t": 1700000000.0004, "iface": "can0", "id": "0x355", "data": "5F006300", "soc_pct": 95, "soh_pct": 99})");
  EXPECT_EQ(lines[2], R"({"t": 1700000000.0006, "iface": "can0", "id": "0x356", "data": "7713A9FE0B01", )"
                      R"("voltage_v": 49.83, "current_a": -34.3, "temperature_c": 26.7})");
  EXPECT_NE(lines[3].find(R"("protection_high_voltage": 0)"), std::string::npos);
  EXPECT_NE(lines[3].find(R"("module_count": 4})"), std::string::npos);
  EXPECT_EQ(lines[4], R"({"t": 1700000000.001, "iface": "can0", "id": "0x35C", "data": "C000", "charge_enable": 1, )"
                      R"("discharge_enable": 1, "force_charge_1": 0, "force_charge_2": 0, "full_charge_request": 0})");
  EXPECT_EQ(
      lines[5],
      R"({"t": 1700000000.0012, "iface": "can0", "id": "0x35E", "data": "50594C4F4E202020", "manufacturer": "PYLON"})");
}

TEST_F(DecodeCommand, SeplosInVictronModeIsNamedByTheConfig) {
  const auto config = write("seplos.toml",
                            "[charge]\nmax_charge_voltage = 56.8\nbattery_low_voltage = 46.0\n"
                            "[[battery]]\nname = \"A\"\ninterface = \"can0\"\nprotocol = \"pylontech\"\n"
                            "[[battery]]\nname = \"Seplos\"\ninterface = \"can1\"\nprotocol = \"pylontech\"\n");
  const auto log = write("seplos.log",
                         "(1700000001.000000) can1 351#3802E803DC05D001\n"
                         "(1700000001.000100) can1 355#4B0064004C1D0000\n"
                         "(1700000001.000200) can1 356#6A1424FFE400\n"
                         "(1700000001.000300) can1 35A#AAAAAA02AA9AAA02\n"
                         "(1700000001.000400) can1 35E#5345504C4F530000\n"
                         "(1700000001.000500) can1 370#5345504C4F532042\n"
                         "(1700000001.000600) can1 371#4D53000000000000\n"
                         "(1700000001.000700) can1 373#C00CD40C22012701\n");
  const auto lines = run({"--config", config, log});
  ASSERT_EQ(lines.size(), 8U);
  EXPECT_EQ(lines[0],
            R"({"t": 1700000001.0, "iface": "can1", "id": "0x351", "data": "3802E803DC05D001", "battery": "Seplos", )"
            R"("charge_voltage_limit_v": 56.8, "charge_current_limit_a": 100, "discharge_current_limit_a": 150, )"
            R"("discharge_voltage_limit_v": 46.4})");
  EXPECT_NE(lines[1].find(R"("soc_pct": 75, "soh_pct": 100, "soc_hires_pct": 75})"), std::string::npos);
  EXPECT_NE(lines[2].find(R"("voltage_v": 52.26, "current_a": -22, "temperature_c": 22.8})"), std::string::npos);
  // Warnings byte 5 = 0x9A: pair 2 (low charge temperature) is 01, raised.
  EXPECT_NE(lines[3].find(R"("alarm_low_charge_temperature": 1)"), std::string::npos);
  EXPECT_NE(lines[3].find(R"("protection_high_temperature": 0)"), std::string::npos);
  EXPECT_NE(lines[4].find(R"("manufacturer": "SEPLOS"})"), std::string::npos);
  EXPECT_NE(lines[5].find(R"("bms_name": "SEPLOS B"})"), std::string::npos);
  EXPECT_NE(lines[6].find(R"("bms_name_2": "MS"})"), std::string::npos);
  EXPECT_NE(lines[7].find(R"("min_cell_voltage_v": 3.264, "max_cell_voltage_v": 3.284, )"
                          R"("min_cell_temperature_c": 16.85, "max_cell_temperature_c": 21.85})"),
            std::string::npos);
}

TEST_F(DecodeCommand, RecBmsFramesDecodeIncludingTheSevenCharacterName) {
  const auto log = write("rec.log",
                         "(1700000002.000000) can0 351#2C01F401F4016801\n"
                         "(1700000002.000100) can0 355#3C0062001C17\n"
                         "(1700000002.000200) can0 356#3A05C8FFD200\n"
                         "(1700000002.000300) can0 35E#5245432D424D53\n"
                         "(1700000002.000400) can0 372#0100000000000000\n"
                         "(1700000002.000500) can0 379#1801\n");
  const auto lines = run({log});
  ASSERT_EQ(lines.size(), 6U);
  EXPECT_NE(
      lines[0].find(R"("charge_voltage_limit_v": 30, "charge_current_limit_a": 50, "discharge_current_limit_a": 50, )"
                    R"("discharge_voltage_limit_v": 36})"),
      std::string::npos);
  EXPECT_NE(lines[1].find(R"("soc_pct": 60, "soh_pct": 98, "soc_hires_pct": 59.16})"), std::string::npos);
  EXPECT_NE(lines[2].find(R"("voltage_v": 13.38, "current_a": -5.6, "temperature_c": 21})"), std::string::npos);
  EXPECT_NE(lines[3].find(R"("manufacturer": "REC-BMS"})"), std::string::npos);
  EXPECT_NE(lines[4].find(R"("modules_online": 1, "modules_blocking_charge": 0)"), std::string::npos);
  EXPECT_NE(lines[5].find(R"("installed_capacity_ah": 280})"), std::string::npos);
}

TEST_F(DecodeCommand, BydFramesDecodeWithNulPaddedManufacturer) {
  const auto log = write("byd.log",
                         "(1700000003.000000) can0 351#4402F401F401C201\n"
                         "(1700000003.000100) can0 355#58006400\n"
                         "(1700000003.000200) can0 356#C813640096 00\n"
                         "(1700000003.000300) can0 359#0000000002504E\n"
                         "(1700000003.000400) can0 35E#4259440000000000\n");
  const auto lines = run({log}, 2);  // the 356 line has a space in its data: malformed
  EXPECT_NE(err_.find("byd.log:3: "), std::string::npos) << err_;
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_NE(
      lines[0].find(R"("charge_voltage_limit_v": 58, "charge_current_limit_a": 50, "discharge_current_limit_a": 50, )"
                    R"("discharge_voltage_limit_v": 45})"),
      std::string::npos);
  EXPECT_NE(lines[1].find(R"("soc_pct": 88, "soh_pct": 100})"), std::string::npos);
  EXPECT_NE(lines[2].find(R"("module_count": 2})"), std::string::npos);
  EXPECT_NE(lines[3].find(R"("manufacturer": "BYD"})"), std::string::npos);
}

TEST_F(DecodeCommand, EcoWorthyStyle12VoltPackWithSystemErrorOnBit7) {
  // A 12 V pack that calls itself PYLON, 0.1 V 0x356 selected in the config, system error on bit 7.
  const auto config = write(
      "eco.toml", "[[battery]]\nname = \"eco\"\ninterface = \"can0\"\nprotocol = \"pylontech\"\nvoltage_scale = 0.1\n");
  const auto log = write("eco.log",
                         "(1700000004.000000) can0 351#9000640064007800\n"
                         "(1700000004.000100) can0 356#8500E7FFC800\n"
                         "(1700000004.000200) can0 359#00800000 01504E\n");
  const auto lines = run({"--config", config, log}, 2);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_NE(lines[0].find(R"("battery": "eco", "charge_voltage_limit_v": 14.4, "charge_current_limit_a": 10, )"
                          R"("discharge_current_limit_a": 10, "discharge_voltage_limit_v": 12})"),
            std::string::npos);
  EXPECT_NE(lines[1].find(R"("voltage_v": 13.3, "current_a": -2.5, "temperature_c": 20})"), std::string::npos);
  const auto fixed = write("eco2.log", "(1700000004.000200) can0 359#0080000001504E\n");
  const auto flags = run({"--config", config, fixed});
  ASSERT_EQ(flags.size(), 1U);
  EXPECT_NE(flags[0].find(R"("protection_system_error": 1)"), std::string::npos);
}

TEST_F(DecodeCommand, TooShortAndUnknownFramesGiveErrorObjectsAndDecodingGoesOn) {
  const auto log = write("errors.log",
                         "(1.000000) can0 351#1402\n"
                         "(1.000001) can0 123#00\n"
                         "(1.000002) can0 351#R\n"
                         "(1.000003) can0 355#5F006300\n");
  const auto lines = run({log});
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(
      lines[0],
      R"({"t": 1.0, "iface": "can0", "id": "0x351", "data": "1402", "error": "too_short", "reason": "0x351 needs at least 6 bytes"})");
  EXPECT_EQ(
      lines[1],
      R"({"t": 1.000001, "iface": "can0", "id": "0x123", "data": "00", "error": "not_mine", "reason": "id not in the Pylontech/SMA family"})");
  EXPECT_EQ(
      lines[2],
      R"({"t": 1.000002, "iface": "can0", "id": "0x351", "rtr": 1, "error": "malformed", "reason": "remote frame"})");
  EXPECT_NE(lines[3].find(R"("soc_pct": 95)"), std::string::npos);
}

TEST_F(DecodeCommand, MalformedLinesAreReportedWithFileAndLineAndExitCode2) {
  const auto log = write(
      "bad.log", "(1.000000) can0 355#5F006300\n(0.1) can0 351#00\nnot a frame at all\n(2.000000) can0 355#60006300\n");
  const auto lines = run({log}, 2);
  EXPECT_EQ(lines.size(), 2U);
  EXPECT_NE(err_.find(log + ":2: timestamp fraction must have 6 or 9 digits"), std::string::npos) << err_;
  EXPECT_NE(err_.find(log + ":3: "), std::string::npos) << err_;
}

TEST_F(DecodeCommand, BusTextIsEscapedSoEveryLineIsValidJson) {
  const auto log = write("text.log", "(1.000000) can0 35E#22415C01FF\n");
  const auto lines = run({log});
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find(R"("manufacturer": "\"A\\\u0001\u00ff"})"), std::string::npos) << lines[0];
}

TEST_F(DecodeCommand, CanopenMapDecodesHeartbeatSdoAnswersRequestsAndAborts) {
  const auto log = write("superb.log",
                         "(1700000000.000000) can0 701#05\n"
                         "(1700000000.004000) can0 601#4060600000000000\n"
                         "(1700000000.005000) can0 581#4360600000350000\n"
                         "(1700000000.009000) can0 601#4081600000000000\n"
                         "(1700000000.010000) can0 581#4F8160005F000000\n"
                         "(1700000000.014000) can0 581#8053600000000206\n"
                         "(1700000000.015000) can0 081#1042080000000000\n");
  const auto lines = run({"--protocol", "canopen:superb_epsilon_v2", log});
  ASSERT_EQ(lines.size(), 7U);
  EXPECT_EQ(lines[0],
            R"({"t": 1700000000.0, "iface": "can0", "id": "0x701", "data": "05", "node": 1, "nmt_state": 5})");
  EXPECT_EQ(
      lines[1],
      R"({"t": 1700000000.004, "iface": "can0", "id": "0x601", "data": "4060600000000000", "node": 1, "sdo_request": "0x6060:00"})");
  EXPECT_EQ(
      lines[2],
      R"({"t": 1700000000.005, "iface": "can0", "id": "0x581", "data": "4360600000350000", "node": 1, "object": "0x6060:00", "voltage_v": 13.25})");
  EXPECT_NE(lines[4].find(R"("object": "0x6081:00", "soc_pct": 95})"), std::string::npos);
  EXPECT_NE(lines[5].find(R"("object": "0x6053:00", "error": "sdo_abort", "abort_code": "0x06020000", )"
                          R"("reason": "Object does not exist in the object dictionary"})"),
            std::string::npos);
  EXPECT_NE(lines[6].find(R"("emcy_code": 16912, "emcy_error_register": 8})"), std::string::npos);
}

TEST_F(DecodeCommand, CanopenBatteriesAreNamedByInterfaceAndNode) {
  const auto config =
      write("co.toml",
            "[[battery]]\nname = \"superb1\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = 1\n"
            "map = \"superb_epsilon_v2\"\n"
            "[[battery]]\nname = \"superb2\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = 2\n"
            "map = \"superb_epsilon_v2\"\n");
  const auto log = write("co.log", "(1.000000) can0 702#05\n(1.000001) can0 581#4B106000C8000000\n");
  const auto lines = run({"--config", config, log});
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_NE(lines[0].find(R"("battery": "superb2", "node": 2, "nmt_state": 5})"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("battery": "superb1", "node": 1, "object": "0x6010:00", "temperature_c": 25})"),
            std::string::npos);
}

TEST_F(DecodeCommand, UsageAndConfigProblemsExitWith2) {
  run({}, 2);
  EXPECT_NE(err_.find("missing LOG"), std::string::npos);
  run({"--protocol", "modbus", "x.log"}, 2);
  EXPECT_NE(err_.find("--protocol must be pylontech or canopen:MAP"), std::string::npos);
  run({"--frobnicate", "x.log"}, 2);
  run({"/nonexistent/x.log"}, 2);
  run({"--protocol", "canopen:no_such_map", "x.log"}, 2);
  EXPECT_NE(err_.find("object map not found: no_such_map"), std::string::npos);
  const auto config =
      write("bad.toml", "[[battery]]\nname = \"A\"\ninterface = \"can0\"\nprotocol = \"pylontech\"\ncolour = 1\n");
  run({"--config", config, "x.log"}, 2);
  EXPECT_NE(err_.find("bad.toml:"), std::string::npos) << err_;
  const auto help = run({"--help"});
  ASSERT_FALSE(help.empty());
  EXPECT_EQ(help[0].rfind("usage: bms-aggregator decode", 0), 0U);
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST_F(DecodeCommand, EverySimulatedFrameDecodesWithoutErrorsExceptTheDeliberateAbort) {
  for (const std::string& args : {std::string("--profile victron --scenario alarm --duration 40"),
                                  std::string("--scenario canopen-sdo --batteries 2 --duration 3")}) {
    const auto log = (dir_ / "sim.log").string();
    const std::string command = std::string(BMS_SIM_PATH) + " " + args + " --out " + log;
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    const bool canopen = args.find("canopen") != std::string::npos;
    const auto lines = canopen ? run({"--protocol", "canopen:superb_epsilon_v2", log}) : run({log});
    ASSERT_FALSE(lines.empty());
    int aborts = 0;
    for (const auto& l : lines) {
      if (l.find("\"sdo_abort\"") != std::string::npos) {
        ++aborts;
        continue;
      }
      EXPECT_EQ(l.find("\"error\""), std::string::npos) << l;
    }
    EXPECT_EQ(aborts, canopen ? 2 : 0);
  }
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

// Issue 14, item 12: decode and the aggregate route with one router, so a map's absolute
// COB-ID gives a frame to the same battery in both.
TEST_F(DecodeCommand, AFrameAtAMapsAbsoluteCobIdGoesToThatMapsBatteryAsInTheAggregate) {
  write(
      "absolute.toml",
      "[map]\nname = \"absolute\"\n[[pdo]]\ncob_id = 0x182\n[[pdo.field]]\nbyte = 0\nbits = 8\nsignal = \"soc_pct\"\n");
  const auto config = write("co.toml",
                            "[[battery]]\nname = \"n1\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = 1\n"
                            "map = \"absolute.toml\"\n"
                            "[[battery]]\nname = \"n2\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = 2\n"
                            "map = \"superb_epsilon_v2\"\n");
  const auto log = write("co.log", "(1.000000) can0 182#4B\n(1.000001) can0 702#05\n");
  const auto lines = run({"--config", config, log});
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_NE(lines[0].find(R"("battery": "n1", "node": 1, "soc_pct": 75})"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("battery": "n2", "node": 2, "nmt_state": 5})"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace bms
