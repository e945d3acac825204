// The real binary: `bms-aggregator --config F --replay LOG --speed max --keep-running` with its
// service on a private bus, read by the sdbus-c++ client and the velib-convention client.
// Expected values come from the capture (tests/data/README.md): packs A/B/C of 100/100/50 Ah at
// SOC 95/90/85 %, pack CVL 53.2/53.2/53.0 V and CCL 59.2 A (A), DCL capped by the config.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "private_bus.hpp"
#include "service_fixture.hpp"
#include "support/three_battery_bank.hpp"
#include "version.hpp"

namespace bms::dbus::testing {
namespace {

namespace fs = std::filesystem;

const std::string kBinary = BMS_BINARY_PATH;
const std::string kData = BMS_TEST_DATA_DIR;
const std::string kPython = BMS_DBUS_PYTHON;
const std::string kClient = std::string(BMS_DBUS_TEST_DIR) + "/venus_client.py";

class ReplayOnPrivateBus : public ::testing::Test {
 protected:
  /// The replay test's bank (tests/replay) with the D-Bus service on `dbus`.
  std::string write_config(const std::string& dbus) {
    const fs::path path = bus.dir() / "bank.toml";
    std::ofstream(path) << "[service]\ndbus = \"" << dbus << "\"\nstate_file = \"" << (bus.dir() / "state.toml").string()
                        << "\"\n\n"
                        << bms::test::kThreeBatteryBank;
    return path.string();
  }
  /// Runs the replay and waits until its final state is on the bus.
  void replay(const std::string& config, const std::string& log) {
    process = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{kBinary, "--config", config, "--replay", log, "--speed", "max", "--keep-running"}, bus.address(),
        bus.dir() / "aggregator.log");
    ASSERT_TRUE(wait_until([&] { return process->output().find("D-Bus: final state published") != std::string::npos; }))
        << process->output();
    ASSERT_TRUE(wait_until([&] { return client.name_has_owner(); })) << process->output();
  }
  double number(const std::string& path) { return as_double(client.get_value(path)); }
  int integer(const std::string& path) { return as_int(client.get_value(path)); }
  std::string text(const std::string& path) { return as_string(client.get_value(path)); }

  PrivateBus bus;
  BusClient client{bus.address()};
  std::unique_ptr<BackgroundProcess> process;
};

TEST_F(ReplayOnPrivateBus, ServesTheFinalAggregateExactlyOnTheSessionBus) {
  replay(write_config("session"), kData + "/three-batteries-10s.log");
  EXPECT_EQ(number("/Soc"), 91.0);  // (95*100 + 90*100 + 85*50) / 250
  EXPECT_EQ(number("/Soh"), 99.0);
  EXPECT_EQ(number("/Capacity"), 227.5);
  EXPECT_EQ(number("/InstalledCapacity"), 250.0);
  EXPECT_EQ(number("/ConsumedAmphours"), 22.5);
  EXPECT_EQ(number("/Info/MaxChargeVoltage"), 53.0);    // min CVL of the packs
  EXPECT_EQ(number("/Info/MaxChargeCurrent"), 127.5);   // soc_diff 10 %: 0.85 x 150
  EXPECT_EQ(number("/Info/MaxDischargeCurrent"), 200.0);  // 3 x 148 capped at 200
  EXPECT_EQ(number("/Info/BatteryLowVoltage"), 46.0);
  EXPECT_EQ(client.get_text("/Info/MaxChargeVoltage"), "53.00V");
  for (const char* alarm : {"/Alarms/LowVoltage", "/Alarms/HighVoltage", "/Alarms/LowTemperature", "/Alarms/HighTemperature",
                            "/Alarms/HighChargeCurrent", "/Alarms/HighDischargeCurrent", "/Alarms/InternalFailure",
                            "/Alarms/CellImbalance", "/Alarms/BmsCable"}) {
    EXPECT_EQ(integer(alarm), 0) << alarm;
  }
  EXPECT_EQ(integer("/System/NrOfModulesOnline"), 3);
  EXPECT_EQ(integer("/System/NrOfModulesOffline"), 0);
  EXPECT_EQ(integer("/System/NrOfModulesBlockingCharge"), 0);
  EXPECT_EQ(integer("/System/NrOfModulesBlockingDischarge"), 0);
  EXPECT_EQ(integer("/System/NrOfBatteries"), 3);
  EXPECT_EQ(integer("/Io/AllowToCharge"), 1);
  EXPECT_EQ(integer("/Io/AllowToDischarge"), 1);
  // Pylontech 0x35x frames carry no cell data: unknown, not 0.
  EXPECT_TRUE(is_invalid(client.get_value("/System/MinCellVoltage")));
  // The mandatory paths.
  EXPECT_EQ(text("/Mgmt/ProcessName"), "bms-aggregator");
  EXPECT_EQ(text("/Mgmt/ProcessVersion"), kVersion);
  EXPECT_EQ(text("/Mgmt/Connection"), "Replay three-batteries-10s.log");
  EXPECT_EQ(integer("/DeviceInstance"), 280);
  EXPECT_EQ(integer("/ProductId"), 0xBA90);
  EXPECT_EQ(text("/ProductName"), "BMS Aggregator");
  EXPECT_EQ(text("/FirmwareVersion"), kVersion);
  EXPECT_FALSE(text("/HardwareVersion").empty());
  EXPECT_EQ(integer("/Connected"), 1);
  EXPECT_EQ(text("/Serial"), "BMSAGG280");
  EXPECT_EQ(client.get_items().size(), 151u);  // 51 bank paths, 29 per pack, 13 /History

  const CommandResult venus = run_command({kPython, kClient, "recognise", "--expect", "/Info/MaxChargeVoltage=53.0", "--expect",
                                           "/Soc=91.0", "--expect", "/System/NrOfModulesOnline=3"},
                                          bus.address());
  EXPECT_EQ(venus.exit_code, 0) << venus.out;
  EXPECT_NE(venus.out.find("\"is_bms\": true"), std::string::npos) << venus.out;

  EXPECT_EQ(process->terminate(), 0) << process->output();
  EXPECT_TRUE(wait_until([&] { return !client.name_has_owner(); }));
}

TEST_F(ReplayOnPrivateBus, ShowsASilentBatteryOfflineWithItsAlarmOnAnExplicitAddress) {
  // Battery C (can2) stops after 3 s of the 10 s capture: stale after 5 s, offline at the end.
  std::ifstream in(kData + "/three-batteries-10s.log");
  std::ofstream out(bus.dir() / "c-silent.log");
  for (std::string line; std::getline(in, line);) {
    const double t = std::stod(line.substr(1));
    if (line.find(") can2 ") != std::string::npos && t > 1700000003.0) continue;
    out << line << "\n";
  }
  out.close();
  replay(write_config(bus.address()), (bus.dir() / "c-silent.log").string());
  EXPECT_EQ(integer("/System/NrOfModulesOnline"), 2);
  EXPECT_EQ(integer("/System/NrOfModulesOffline"), 1);
  EXPECT_EQ(integer("/Alarms/BmsCable"), 1);
  EXPECT_EQ(integer("/Alarms/CellImbalance"), 0);
  EXPECT_EQ(number("/Soc"), 92.5);                      // A and B only: (95 + 90) / 2
  EXPECT_EQ(number("/Capacity"), 185.0);
  EXPECT_TRUE(is_invalid(client.get_value("/ConsumedAmphours")));
  EXPECT_EQ(number("/Info/MaxChargeVoltage"), 53.2);    // C's 53.0 V no longer counts
  EXPECT_EQ(number("/Info/MaxChargeCurrent"), 118.4);   // 2 online x 59.2 A, below 0.85 x 150
  EXPECT_EQ(number("/Info/MaxDischargeCurrent"), 200.0);
  EXPECT_EQ(integer("/Io/AllowToCharge"), 1);
}

}  // namespace
}  // namespace bms::dbus::testing
