// The real binary: `bms-aggregator --config F --replay LOG --speed max --keep-running` with its
// service on a private bus, read by the sdbus-c++ client and the velib-convention client.
// Expected values come from the capture (tests/data/README.md): packs A/B/C of 100/100/50 Ah at
// SOC 95/90/85 %, pack CVL 53.2/53.2/53.0 V and CCL 59.2 A (A), DCL capped by the config.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/candump_format.hpp"
#include "private_bus.hpp"
#include "protocols/pylon/pylon_codec.hpp"
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
    std::ofstream(path) << "[service]\ndbus = \"" << dbus << "\"\nstate_file = \""
                        << (bus.dir() / "state.toml").string() << "\"\n\n"
                        << bms::test::kThreeBatteryBank;
    return path.string();
  }
  /// Runs the replay and waits until its final state is on the bus.
  void replay(const std::string& config, const std::string& log) {
    process = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{kBinary, "--config", config, "--replay", log, "--speed", "max", "--keep-running"},
        bus.address(), bus.dir() / "aggregator.log");
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
  EXPECT_EQ(number("/ConsumedAmphours"), -22.5);
  EXPECT_EQ(number("/Info/MaxChargeVoltage"), 53.0);      // min CVL of the packs
  EXPECT_EQ(number("/Info/MaxChargeCurrent"), 127.5);     // soc_diff 10 %: 0.85 x 150
  EXPECT_EQ(number("/Info/MaxDischargeCurrent"), 200.0);  // 3 x 148 capped at 200
  EXPECT_EQ(number("/Info/BatteryLowVoltage"), 46.0);
  EXPECT_EQ(client.get_text("/Info/MaxChargeVoltage"), "53.00V");
  for (const char* alarm : {"/Alarms/LowVoltage", "/Alarms/HighVoltage", "/Alarms/LowTemperature",
                            "/Alarms/HighTemperature", "/Alarms/HighChargeCurrent", "/Alarms/HighDischargeCurrent",
                            "/Alarms/InternalFailure", "/Alarms/CellImbalance", "/Alarms/BmsCable"}) {
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
  EXPECT_EQ(client.get_items().size(), 167u);  // 58 bank paths, 32 per pack, 13 /History

  const CommandResult venus = run_command({kPython, kClient, "recognise", "--expect", "/Info/MaxChargeVoltage=53.0",
                                           "--expect", "/Soc=91.0", "--expect", "/System/NrOfModulesOnline=3"},
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
  EXPECT_EQ(number("/Soc"), 92.5);  // A and B only: (95 + 90) / 2
  EXPECT_EQ(number("/Capacity"), 185.0);
  EXPECT_TRUE(is_invalid(client.get_value("/ConsumedAmphours")));
  EXPECT_EQ(number("/Info/MaxChargeVoltage"), 53.2);   // C's 53.0 V no longer counts
  EXPECT_EQ(number("/Info/MaxChargeCurrent"), 118.4);  // 2 online x 59.2 A, below 0.85 x 150
  EXPECT_EQ(number("/Info/MaxDischargeCurrent"), 200.0);
  EXPECT_EQ(integer("/Io/AllowToCharge"), 1);
}

// ---- Per-pack paths, /History and `status` (issue 13) ----

/// The capture with battery C (can2) silent after 3 s: offline at the end (stale after 5 s).
std::string c_silent_log(const fs::path& dir) {
  std::ifstream in(kData + "/three-batteries-10s.log");
  const fs::path path = dir / "c-silent.log";
  std::ofstream out(path);
  for (std::string line; std::getline(in, line);) {
    const double t = std::stod(line.substr(1));
    if (line.find(") can2 ") != std::string::npos && t > 1700000003.0) continue;
    out << line << "\n";
  }
  return path.string();
}

TEST_F(ReplayOnPrivateBus, ShowsEveryPackOnItsOwnPathsWithAnOfflinePack) {
  replay(write_config("session"), c_silent_log(bus.dir()));
  // A: 351#14025002C805 (CVL 53.2 V, CCL 59.2 A, DCL 148.0 A), 355 SOC 95 %, 356 49.83 V -34.3 A 26.7 degC.
  EXPECT_EQ(text("/Batteries/0/Name"), "A");
  EXPECT_EQ(text("/Batteries/0/Source"), "CAN can0");
  EXPECT_EQ(integer("/Batteries/0/Online"), 1);
  EXPECT_EQ(number("/Batteries/0/Soc"), 95.0);
  EXPECT_EQ(number("/Batteries/0/Dc/0/Voltage"), 49.83);
  EXPECT_EQ(number("/Batteries/0/Dc/0/Current"), -34.3);
  EXPECT_EQ(number("/Batteries/0/Dc/0/Temperature"), 26.7);
  EXPECT_EQ(number("/Batteries/0/InstalledCapacity"), 100.0);
  EXPECT_EQ(number("/Batteries/0/Info/MaxChargeVoltage"), 53.2);
  EXPECT_EQ(number("/Batteries/0/Info/MaxChargeCurrent"), 59.2);
  EXPECT_EQ(number("/Batteries/0/Info/MaxDischargeCurrent"), 148.0);
  EXPECT_EQ(integer("/Batteries/0/BlockingCharge"), 0);
  EXPECT_EQ(integer("/Batteries/0/BlockingDischarge"), 0);
  EXPECT_EQ(integer("/Batteries/0/Alarms/HighTemperature"), 0);
  EXPECT_EQ(client.get_text("/Batteries/0/Dc/0/Temperature"),
            "26.7\xC2\xB0"
            "C");
  EXPECT_TRUE(is_invalid(client.get_value("/Batteries/0/System/MinCellVoltage")));  // 0x35x carries no cells
  // B: 351#14025802DC05 (CCL 60.0 A, DCL 150.0 A), SOC 90 %, 49.79 V -30.0 A 25.5 degC.
  EXPECT_EQ(text("/Batteries/1/Source"), "CAN can1");
  EXPECT_EQ(number("/Batteries/1/Soc"), 90.0);
  EXPECT_EQ(number("/Batteries/1/Dc/0/Voltage"), 49.79);
  EXPECT_EQ(number("/Batteries/1/Dc/0/Current"), -30.0);
  EXPECT_EQ(number("/Batteries/1/Info/MaxChargeCurrent"), 60.0);
  EXPECT_EQ(number("/Batteries/1/Info/MaxDischargeCurrent"), 150.0);
  // C is offline: its identity stays, its values are unknown (never frozen).
  EXPECT_EQ(text("/Batteries/2/Name"), "C");
  EXPECT_EQ(integer("/Batteries/2/Online"), 0);
  EXPECT_EQ(number("/Batteries/2/InstalledCapacity"), 50.0);
  for (const char* leaf :
       {"/Batteries/2/Soc", "/Batteries/2/Dc/0/Voltage", "/Batteries/2/Dc/0/Current",
        "/Batteries/2/Info/MaxChargeCurrent", "/Batteries/2/BlockingCharge", "/Batteries/2/Alarms/LowVoltage"}) {
    EXPECT_TRUE(is_invalid(client.get_value(leaf))) << leaf;
  }
  EXPECT_EQ(client.get_text("/Batteries/2/Soc"), "---");
  // The bank without C: 185 Ah remaining at -64.3 A.
  EXPECT_EQ(number("/TimeToGo"), 10358.0);
  // The same values in the one GetItems a Venus client (and dbus-flashmq for MQTT) reads.
  const auto items = client.get_items();
  EXPECT_EQ(as_double(items.at("/Batteries/0/Soc").at("Value")), 95.0);
  EXPECT_EQ(as_int(items.at("/Batteries/2/Online").at("Value")), 0);
}

/// The capture's first second repeated for `seconds`: three packs discharging at a constant
/// -34.3 / -30.0 / -28.0 A at 49.83 / 49.79 / 49.75 V.
std::string steady_discharge_log(const fs::path& dir, int seconds) {
  std::vector<std::pair<double, std::string>> first_second;
  std::ifstream in(kData + "/three-batteries-10s.log");
  for (std::string line; std::getline(in, line);) {
    const double t = std::stod(line.substr(1));
    if (t < 1700000001.0) first_second.emplace_back(t - 1700000000.0, line.substr(line.find(')') + 1));
  }
  const fs::path path = dir / "steady.log";
  std::ofstream out(path);
  char stamp[32];
  for (int s = 0; s < seconds; ++s) {
    for (const auto& [offset, rest] : first_second) {
      std::snprintf(stamp, sizeof stamp, "(%.6f)", 1700000000.0 + s + offset);
      out << stamp << rest << "\n";
    }
  }
  return path.string();
}

TEST_F(ReplayOnPrivateBus, KeepsHistoryCountersAcrossARestart) {
  const std::string config = write_config("session");
  const std::string log = steady_discharge_log(bus.dir(), 3600);
  // Publications (update_interval_ms 2000) at 0.0202 s (outputs open: C's SOC and limits
  // are in, its current not yet: A + B = -64.3 A, 3202.869 W), then every 2 s with all three
  // (-92.3 A, 4595.869 W) up to the last frame at 3599.021 s. Each value holds until the next.
  const double full_span_s = 3599.021 - 2.0202;
  const double drawn_ah = (64.3 * 2.0 + 92.3 * full_span_s) / 3600.0;           // 92.2535
  const double energy_kwh = (3202.869 * 2.0 + 4595.869 * full_span_s) / 3.6e6;  // 4.5937
  replay(config, log);
  EXPECT_EQ(number("/History/TotalAhDrawn"), dbus::round_to(-drawn_ah, 1));       // -92.3
  EXPECT_EQ(number("/History/DischargedEnergy"), dbus::round_to(energy_kwh, 2));  // 4.59
  EXPECT_EQ(number("/History/ChargedEnergy"), 0.0);
  EXPECT_EQ(number("/History/DeepestDischarge"), -22.5);  // 250 Ah installed, 227.5 remaining
  EXPECT_EQ(number("/History/LastDischarge"), -22.5);
  EXPECT_TRUE(is_invalid(client.get_value("/History/AverageDischarge")));  // no discharge ended by a full charge
  EXPECT_EQ(integer("/History/ChargeCycles"), 0);
  EXPECT_EQ(integer("/History/FullDischarges"), 0);
  EXPECT_EQ(number("/History/MinimumVoltage"), 49.79);                            // mean of the three
  EXPECT_EQ(number("/History/MaximumVoltage"), 49.81);                            // A and B only, at 0.0202 s
  EXPECT_TRUE(is_invalid(client.get_value("/History/TimeSinceLastFullCharge")));  // never full
  EXPECT_TRUE(is_invalid(client.get_value("/History/MinimumCellVoltage")));
  EXPECT_EQ(process->terminate(), 0) << process->output();
  process.reset();

  // The counters are in the state file, beside a custom name kept there.
  std::ifstream state(bus.dir() / "state.toml");
  const std::string saved((std::istreambuf_iterator<char>(state)), std::istreambuf_iterator<char>());
  EXPECT_NE(saved.find("[history]"), std::string::npos) << saved;
  EXPECT_NE(saved.find("deepest_discharge_ah = -22.5"), std::string::npos) << saved;

  // Second run: the same hour again adds to the counters; engine time restarting is not a gap.
  ASSERT_TRUE(wait_until([&] { return !client.name_has_owner(); }));
  replay(config, log);
  EXPECT_NE(process->output().find("history: continuing from"), std::string::npos) << process->output();
  EXPECT_EQ(number("/History/TotalAhDrawn"), dbus::round_to(-2 * drawn_ah, 1));       // -184.5
  EXPECT_EQ(number("/History/DischargedEnergy"), dbus::round_to(2 * energy_kwh, 2));  // 9.19
  EXPECT_EQ(number("/History/DeepestDischarge"), -22.5);
  EXPECT_EQ(number("/History/MaximumVoltage"), 49.81);
}

TEST_F(ReplayOnPrivateBus, StatusPrintsTheBankAndEveryPackOfTheRunningService) {
  replay(write_config("session"), c_silent_log(bus.dir()));
  // No --dbus: the system bus, which run_command points at the private bus.
  const CommandResult r = run_command({kBinary, "status"}, bus.address(), std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out,
            "com.victronenergy.battery.aggregator_di280 (BMS Aggregator, Replay c-silent.log)\n"
            "bank  SOC 92.5%  49.81V  -64.3A  -3203W  25.5degC  online 2/3  remaining 185.0Ah  time to go 2h53m\n"
            "limits  CCL 118.4A  DCL 200.0A  CVL 53.20V  charge allowed, discharge allowed  alarms BmsCable:1\n"
            "#  name  online  SOC%  V      A      degC  CCL A  DCL A  CVL V  blocking  alarms  cell V min..max  cell "
            "degC min..max  source\n"
            "0  A     yes     95.0  49.83  -34.3  26.7  59.2   148.0  53.20  no        none    -                -      "
            "             CAN can0\n"
            "1  B     yes     90.0  49.79  -30.0  25.5  60.0   150.0  53.20  no        none    -                -      "
            "             CAN can1\n"
            "2  C     NO      -     -      -      -     -      -      -      -         -       -                -      "
            "             CAN can2\n");

  const CommandResult json =
      run_command({kBinary, "status", "--json", "--dbus", bus.address()}, bus.address(), std::chrono::seconds(10));
  EXPECT_EQ(json.exit_code, 0) << json.out;
  EXPECT_EQ(
      json.out.rfind(
          "{\"service\": \"com.victronenergy.battery.aggregator_di280\", \"bank\": {\"product_name\": \"BMS "
          "Aggregator\", "
          "\"connection\": \"Replay c-silent.log\", \"soc_pct\": 92.5, \"voltage_v\": 49.81, \"current_a\": -64.3, ",
          0),
      0U)
      << json.out;
  EXPECT_NE(json.out.find("\"packs_online\": 2, \"packs_configured\": 3"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find(
                "{\"name\": \"B\", \"source\": \"CAN can1\", \"online\": 1, \"soc_pct\": 90, \"voltage_v\": 49.79, "
                "\"current_a\": -30, \"temperature_c\": 25.5, \"installed_capacity_ah\": 100, "
                "\"charge_current_limit_a\": 60, \"discharge_current_limit_a\": 150, \"charge_voltage_limit_v\": 53.2, "
                "\"blocking_charge\": 0, \"blocking_discharge\": 0, "),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("{\"name\": \"C\", \"source\": \"CAN can2\", \"online\": 0, \"soc_pct\": null, "),
            std::string::npos)
      << json.out;
  EXPECT_EQ(json.out.back(), '\n');
  EXPECT_EQ(std::count(json.out.begin(), json.out.end(), '\n'), 1);
}

TEST_F(ReplayOnPrivateBus, StatusWatchRefreshesUntilItIsStopped) {
  replay(write_config("session"), kData + "/three-batteries-10s.log");
  BackgroundProcess watch({kBinary, "status", "--watch", "--json", "--interval", "0.2", "--dbus", bus.address()},
                          bus.address(), bus.dir() / "watch.log");
  const auto lines = [&] {
    const std::string o = watch.output();
    return std::count(o.begin(), o.end(), '\n');
  };
  ASSERT_TRUE(wait_until([&] { return lines() >= 3; })) << watch.output();
  EXPECT_EQ(watch.terminate(), 0) << watch.output();  // SIGTERM ends the watch cleanly
  EXPECT_NE(watch.output().find("\"soc_pct\": 91, "), std::string::npos) << watch.output();
}

TEST_F(ReplayOnPrivateBus, StatusWatchExitsTwoWhenTheServiceGoesAway) {
  replay(write_config("session"), kData + "/three-batteries-10s.log");
  BackgroundProcess watch({kBinary, "status", "--watch", "--interval", "0.2", "--dbus", bus.address()}, bus.address(),
                          bus.dir() / "watch.log");
  ASSERT_TRUE(wait_until([&] { return watch.output().find("#  name") != std::string::npos; })) << watch.output();
  EXPECT_EQ(process->terminate(), 0);
  ASSERT_TRUE(wait_until([&] { return watch.output().find("does not answer") != std::string::npos; }))
      << watch.output();
  EXPECT_EQ(watch.terminate(), 2) << watch.output();  // it had already exited on its own
  EXPECT_NE(watch.output().find("bms-aggregator status: com.victronenergy.battery.aggregator_di280 on the bus " +
                                bus.address() + " does not answer"),
            std::string::npos)
      << watch.output();
}

TEST(StatusWithoutService, ExitsTwoNamingTheBus) {
  PrivateBus bus;
  const CommandResult none =
      run_command({kBinary, "status", "--dbus", bus.address()}, bus.address(), std::chrono::seconds(10));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.out, "bms-aggregator status: no bms-aggregator battery service on the bus " + bus.address() +
                          " (is the service running?)\n");
  const std::string gone = "unix:path=" + (bus.dir() / "no-such-socket").string();
  const CommandResult no_bus =
      run_command({kBinary, "status", "--dbus", gone}, bus.address(), std::chrono::seconds(10));
  EXPECT_EQ(no_bus.exit_code, 2);
  EXPECT_EQ(no_bus.out.rfind("bms-aggregator status: cannot connect to the bus " + gone + ": ", 0), 0U) << no_bus.out;
  const CommandResult named = run_command({kBinary, "status", "--service", "com.victronenergy.battery.nobody"},
                                          bus.address(), std::chrono::seconds(10));
  EXPECT_EQ(named.exit_code, 2);
  EXPECT_EQ(
      named.out.rfind("bms-aggregator status: com.victronenergy.battery.nobody on the system bus does not answer: ", 0),
      0U)
      << named.out;
}

TEST_F(ReplayOnPrivateBus, AColdPackStopsChargingAndIsTheTemperatureChargersSee) {
  // The capture, plus a Victron-set 0x373 from battery B every second: cells at -4 .. -2 degC.
  std::ifstream in(kData + "/three-batteries-10s.log");
  std::ofstream out(bus.dir() / "b-cold.log");
  pylon::CellExtremes cells;
  cells.min_cell_voltage_v = 3.30;
  cells.max_cell_voltage_v = 3.35;
  cells.min_cell_temperature_c = -4.0;
  cells.max_cell_temperature_c = -2.0;
  CanFrame cold = pylon::encode_cell_extremes(cells);
  int next_second = 0;
  for (std::string line; std::getline(in, line);) {
    const double t = std::stod(line.substr(1)) - 1700000000.0;
    while (next_second <= 10 && t > next_second + 0.5) {
      cold.time_us = (1700000000LL + next_second) * 1000000 + 500000;
      out << format_candump_log_line(cold, "can1") << "\n";
      ++next_second;
    }
    out << line << "\n";
  }
  out.close();
  const fs::path config = bus.dir() / "cold.toml";
  std::ofstream(config) << "[service]\ndbus = \"session\"\n\n[cells]\nchemistry = \"lfp\"\n\n"
                        << bms::test::kThreeBatteryBank;
  replay(config.string(), (bus.dir() / "b-cold.log").string());
  // 0x373 carries whole kelvin: -4 degC arrives as 269 K = -4.15 degC, shown with 1 decimal.
  EXPECT_NEAR(number("/Dc/0/Temperature"), -4.15, 0.051);  // the coldest cell, not the warmest pack
  EXPECT_NEAR(number("/System/MinCellTemperature"), -4.15, 0.051);
  EXPECT_EQ(number("/Info/MaxChargeCurrent"), 0.0);  // LFP: no charging at or below 0 degC
  EXPECT_EQ(integer("/Io/AllowToCharge"), 0);
  EXPECT_EQ(integer("/Alarms/LowChargeTemperature"), 1);
  EXPECT_EQ(number("/Info/MaxDischargeCurrent"), 200.0);  // -4 degC is fine for discharging
  EXPECT_EQ(number("/Info/MaxChargeVoltage"), 53.0);      // cells below the taper start: no cap
  EXPECT_EQ(integer("/Alarms/HighCellVoltage"), 0);
}

}  // namespace
}  // namespace bms::dbus::testing
