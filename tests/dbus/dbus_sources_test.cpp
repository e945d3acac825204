// Batteries Venus OS already knows: protocol "dbus" packs read from fake velib-style battery
// services (fake_battery.py) by the real binary on a private bus, and the aggregate read back
// from our own service. Each test names the docs/POLICY.md rule it checks for a D-Bus pack.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "bus_client.hpp"
#include "fake_battery.hpp"
#include "private_bus.hpp"

namespace bms::dbus::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kBinary = BMS_BINARY_PATH;
const std::string kData = BMS_TEST_DATA_DIR;
constexpr const char* kUsb0 = "com.victronenergy.battery.ttyUSB0";
constexpr const char* kUsb1 = "com.victronenergy.battery.ttyUSB1";

/// Two serialbattery-style packs, A by service name, B by serial (stale after 1 s so that
/// liveness tests are quick), a 48 V bank.
const std::string kTwoPacks = R"([service]
dbus = "session"
update_interval_ms = 100

[charge]
nominal_charge_current = 150.0
max_charge_voltage = 56.0
max_discharge_current = 200.0
battery_low_voltage = 46.0

[[battery]]
name = "A"
protocol = "dbus"
service = "com.victronenergy.battery.ttyUSB0"
capacity_ah = 280
stale_after_ms = 1000

[[battery]]
name = "B"
protocol = "dbus"
serial = "JK-B"
capacity_ah = 280
stale_after_ms = 1000
)";

class DbusSources : public ::testing::Test {
 protected:
  void start_aggregator(const std::string& config, std::vector<std::string> extra = {}) {
    const fs::path path = bus.dir() / "bank.toml";
    std::ofstream(path) << config;
    std::vector<std::string> argv{kBinary, "--config", path.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process = std::make_unique<BackgroundProcess>(argv, bus.address(), bus.dir() / "aggregator.log");
    ASSERT_TRUE(wait_until([&] { return client.name_has_owner(); })) << log();
  }
  std::unique_ptr<FakeBattery> pack(const std::string& name, std::vector<std::string> args = {}) {
    return std::make_unique<FakeBattery>(bus.address(), bus.dir(), name, args);
  }
  /// The value of one of our paths; nullopt while it is invalid.
  std::optional<double> value(const std::string& path) {
    const sdbus::Variant v = client.get_value(path);
    if (is_invalid(v)) return std::nullopt;
    return v.peekValueType() == "d" ? v.get<double>() : static_cast<double>(v.get<std::int32_t>());
  }
  /// Waits (10 s) until `path` reads `expected` exactly.
  bool becomes(const std::string& path, std::optional<double> expected, std::chrono::milliseconds timeout = 10s) {
    return wait_until([&] { return value(path) == expected; }, timeout);
  }
  std::string log() const { return process ? process->output().substr(0, 20000) : std::string(); }
  std::string describe(const std::string& path) {
    const auto v = value(path);
    return path + " = " + (v ? std::to_string(*v) : std::string("invalid")) + "\n" + log();
  }

  PrivateBus bus;
  BusClient client{bus.address()};
  std::unique_ptr<BackgroundProcess> process;
};

// POLICY "The table": charge current limit = N_online x min(CCL_i); SOC capacity-weighted;
// charge voltage limit = min(cap, CVL_i); cell extremes carry battery name and cell id.
TEST_F(DbusSources, TwoPacksAreReadWholeWhenTheyAppearAndAggregatedLikeCanPacks) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--soc", "60", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--soc", "62", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/System/NrOfModulesOnline", 2)) << describe("/System/NrOfModulesOnline");
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");  // 2 x min(70, 90)
  EXPECT_EQ(value("/Info/MaxDischargeCurrent"), 200.0);                                         // 2 x 120 capped at 200
  EXPECT_EQ(value("/Info/MaxChargeVoltage"), 55.2);  // the packs' 55.2 under the 56.0 cap
  EXPECT_EQ(value("/Soc"), 61.0);
  EXPECT_EQ(value("/Dc/0/Voltage"), 53.2);
  EXPECT_EQ(value("/Dc/0/Current"), -10.0);
  EXPECT_EQ(value("/Dc/0/Power"), -532.0);  // the packs' own /Dc/0/Power, summed
  EXPECT_EQ(value("/System/MinCellVoltage"), 3.321);
  EXPECT_EQ(as_string(client.get_value("/System/MinVoltageCellId")), "A:C3");
  EXPECT_EQ(as_string(client.get_value("/System/MaxVoltageCellId")), "A:C11");
  EXPECT_EQ(value("/Io/AllowToCharge"), 1);
  EXPECT_NE(log().find("battery B is com.victronenergy.battery.ttyUSB1 (serial \"JK-B\")"), std::string::npos) << log();
}

// POLICY "When the inverter hears about a change": a decreased limit goes out at once.
TEST_F(DbusSources, ALimitDropSignalledByAPackReachesTheBankAtOnce) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90", "--items-changed"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
  ASSERT_TRUE(b->set("/Info/MaxChargeCurrent", "30.0"));  // ItemsChanged (Victron C++ style)
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 60.0)) << describe("/Info/MaxChargeCurrent");
  ASSERT_TRUE(a->set("/Info/MaxChargeCurrent", "20.0"));  // PropertiesChanged only (velib style)
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 40.0)) << describe("/Info/MaxChargeCurrent");
}

// POLICY "A battery that blocks": an unknown limit blocks charging; invalid ([]) is unknown.
TEST_F(DbusSources, AnInvalidChargeLimitBlocksChargingUntilAValidOneArrives) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
  ASSERT_TRUE(a->set("/Info/MaxChargeCurrent", "null"));
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 0.0)) << describe("/Info/MaxChargeCurrent");
  EXPECT_EQ(value("/Io/AllowToCharge"), 0);
  EXPECT_EQ(value("/System/NrOfModulesBlockingCharge"), 1);
  EXPECT_EQ(value("/Info/MaxDischargeCurrent"), 200.0);  // discharging is not touched
  ASSERT_TRUE(a->set("/Info/MaxChargeCurrent", "50.0"));
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 100.0)) << describe("/Info/MaxChargeCurrent");
  EXPECT_EQ(value("/Io/AllowToCharge"), 1);
}

// POLICY "A battery that blocks": a pack's own AllowToCharge 0 stops the bank charging, and
// a charge-temperature protection (alarm level 2) blocks like 0x35A's.
TEST_F(DbusSources, APackForbiddingChargeOrAtAChargeTemperatureAlarmBlocksTheBank) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
  ASSERT_TRUE(b->set("/Io/AllowToCharge", "0"));
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 0.0)) << describe("/Info/MaxChargeCurrent");
  ASSERT_TRUE(b->set("/Io/AllowToCharge", "1"));
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
  ASSERT_TRUE(a->set("/Alarms/LowChargeTemperature", "2"));
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 0.0)) << describe("/Info/MaxChargeCurrent");
  EXPECT_EQ(value("/Alarms/LowTemperature"), 2);
  ASSERT_TRUE(a->set("/Alarms/LowChargeTemperature", "1"));  // a warning only: charging again
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
  EXPECT_EQ(value("/Alarms/LowTemperature"), 1);
}

// POLICY "Which batteries count": an offline battery is excluded and counted; BmsCable 1.
TEST_F(DbusSources, ConnectedZeroTakesAPackOfflineAndOneBackBringsItBack) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/System/NrOfModulesOnline", 2)) << describe("/System/NrOfModulesOnline");
  ASSERT_TRUE(a->set("/Connected", "0"));
  EXPECT_TRUE(becomes("/System/NrOfModulesOffline", 1)) << describe("/System/NrOfModulesOffline");
  EXPECT_EQ(value("/System/NrOfModulesOnline"), 1);
  EXPECT_EQ(value("/Alarms/BmsCable"), 1);
  EXPECT_EQ(value("/Info/MaxChargeCurrent"), 90.0);  // 1 x B's 90
  ASSERT_TRUE(a->set("/Connected", "1"));
  EXPECT_TRUE(becomes("/System/NrOfModulesOnline", 2)) << describe("/System/NrOfModulesOnline");
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
}

// POLICY "Which batteries count": a pack whose name vanishes is offline at once, the rest
// keep serving; named by serial, it is the same battery when it comes back as another ttyUSB.
TEST_F(DbusSources, APackThatVanishesAndReturnsUnderAnotherTtyUsbNameIsTheSameBattery) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/System/NrOfModulesOnline", 2)) << describe("/System/NrOfModulesOnline");
  ASSERT_TRUE(b->command(R"({"release": true})"));
  // Well before B's 1 s stale timeout could have passed since its last value.
  EXPECT_TRUE(becomes("/System/NrOfModulesOffline", 1, 900ms)) << describe("/System/NrOfModulesOffline");
  EXPECT_EQ(value("/Info/MaxChargeCurrent"), 70.0);
  b.reset();
  auto b_again = pack("com.victronenergy.battery.ttyUSB5", {"--serial", "JK-B", "--ccl", "25"});
  EXPECT_TRUE(becomes("/System/NrOfModulesOnline", 2)) << describe("/System/NrOfModulesOnline");
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 50.0)) << describe("/Info/MaxChargeCurrent");  // 2 x 25
  EXPECT_NE(log().find("battery B is com.victronenergy.battery.ttyUSB5"), std::string::npos) << log();
}

// POLICY "Which batteries count": online = heard within stale_after_ms. A steady velib pack
// sends nothing while nothing changes: it is probed, not called stale; one that stops
// answering goes offline after its timeout.
TEST_F(DbusSources, ASteadyPackStaysOnlineAndAPackThatStopsAnsweringGoesStale) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
  ASSERT_TRUE(b->command(R"({"silent": true})"));
  EXPECT_TRUE(becomes("/System/NrOfModulesOffline", 1, 5s)) << describe("/System/NrOfModulesOffline");
  // A has said nothing since it appeared, three stale timeouts ago by now: still online, its
  // limit still in force.
  EXPECT_FALSE(wait_until([&] { return value("/System/NrOfModulesOffline") != 1.0; }, 3s)) << log();
  EXPECT_EQ(value("/Info/MaxChargeCurrent"), 70.0);
  ASSERT_TRUE(b->command(R"({"silent": false})"));
  EXPECT_TRUE(becomes("/System/NrOfModulesOnline", 2)) << describe("/System/NrOfModulesOnline");
}

// Older velib claims its name before it adds its paths: the first GetItems finds no /Serial.
// The service is read again (every 5 s, a few times), and found by its serial then.
TEST_F(DbusSources, APackWhosePathsAppearAfterItsNameIsFoundByItsSerialLater) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  start_aggregator(kTwoPacks);
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90", "--late"});
  ASSERT_TRUE(wait_until([&] { return b->output().find("getitems 9") != std::string::npos; })) << b->output();
  ASSERT_TRUE(b->command(R"({"add_paths": true})"));
  EXPECT_TRUE(becomes("/System/NrOfModulesOnline", 2, 15s)) << describe("/System/NrOfModulesOnline");
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 140.0)) << describe("/Info/MaxChargeCurrent");
}

// A hung driver (a service that never answers) never blocks our bus thread or our service.
TEST_F(DbusSources, APackThatNeverAnswersLeavesTheServiceAndTheOtherPackServing) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70", "--silent"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 90.0)) << describe("/Info/MaxChargeCurrent");
  EXPECT_EQ(value("/System/NrOfModulesOnline"), 1);
  ASSERT_TRUE(b->set("/Info/MaxChargeCurrent", "40.0"));
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 40.0)) << describe("/Info/MaxChargeCurrent");
  EXPECT_TRUE(wait_until([&] { return log().find("ttyUSB0 did not answer GetItems") != std::string::npos; })) << log();
}

// A battery service that publishes no charge limits (a SmartShunt) is not a pack.
TEST_F(DbusSources, AShuntIsRefusedAsABatteryUnlessAccepted) {
  auto shunt = pack(kUsb0, {"--serial", "HQ-SHUNT", "--shunt"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  start_aggregator(kTwoPacks);
  ASSERT_TRUE(becomes("/System/NrOfModulesOnline", 1)) << describe("/System/NrOfModulesOnline");
  EXPECT_TRUE(wait_until([&] {
    return log().find("refused com.victronenergy.battery.ttyUSB0 as battery A") != std::string::npos;
  })) << log();
  EXPECT_EQ(value("/System/NrOfModulesOffline"), 1);
  process.reset();
  std::string accepted = kTwoPacks;
  accepted.replace(accepted.find("capacity_ah = 280"), 17,
                   "capacity_ah = 280\naccept_non_bms = true\nmax_charge_current = 30");
  start_aggregator(accepted);
  // Taken as a battery without limits of its own: its configured 30 A, N x min = 60 A.
  EXPECT_TRUE(becomes("/Info/MaxChargeCurrent", 60.0)) << describe("/Info/MaxChargeCurrent");
  EXPECT_EQ(value("/System/NrOfModulesOnline"), 2);
}

// Our own service is never read as a battery, even when its custom name matches.
TEST_F(DbusSources, OurOwnServiceIsNeverReadAsABattery) {
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  std::string config = kTwoPacks;
  config.replace(config.find("service = \"com.victronenergy.battery.ttyUSB0\""), 45, "custom_name = \"Bank\"");
  config.replace(config.find("update_interval_ms = 100"), 24, "update_interval_ms = 100\ncustom_name = \"Bank\"");
  start_aggregator(config);
  ASSERT_EQ(as_string(client.get_value("/CustomName")), "Bank");
  ASSERT_TRUE(becomes("/Info/MaxChargeCurrent", 90.0, 5s)) << describe("/Info/MaxChargeCurrent");
  EXPECT_EQ(value("/System/NrOfModulesOffline"), 1);
  EXPECT_EQ(log().find("battery A is"), std::string::npos) << log();
}

TEST_F(DbusSources, NamingOurOwnServiceAsABatteryIsAConfigError) {
  std::string config = kTwoPacks;
  config.replace(config.find("com.victronenergy.battery.ttyUSB0"), 33, "com.victronenergy.battery.aggregator_di280");
  const fs::path path = bus.dir() / "own.toml";
  std::ofstream(path) << config;
  const CommandResult r = run_command({kBinary, "--check-config", path.string()}, bus.address());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(
      r.out.find(path.string() + ":14: battery[0].service: \"com.victronenergy.battery.aggregator_di280\" is this "
                                 "aggregator's own service"),
      std::string::npos)
      << r.out;
}

// [bank] current_source: the bank's current and power come from the shunt.
TEST_F(DbusSources, TheBankCurrentComesFromTheConfiguredShunt) {
  auto a = pack(kUsb0, {"--serial", "JK-A", "--ccl", "70"});
  auto b = pack(kUsb1, {"--serial", "JK-B", "--ccl", "90"});
  auto shunt = pack("com.victronenergy.battery.ttyUSB7", {"--shunt"});
  ASSERT_TRUE(shunt->command(R"({"set": {"/Dc/0/Current": -12.5, "/Dc/0/Power": -665.0}})"));
  start_aggregator(kTwoPacks + "\n[bank]\ncurrent_source = \"com.victronenergy.battery.ttyUSB7\"\n");
  EXPECT_TRUE(becomes("/Dc/0/Current", -12.5)) << describe("/Dc/0/Current");
  EXPECT_EQ(value("/Dc/0/Power"), -665.0);
  EXPECT_EQ(value("/System/NrOfModulesOnline"), 2);  // the shunt is not a module
}

// A bank of four D-Bus packs and one CAN pack (a replayed capture, paced in real time so the
// live packs share its clock), one policy: N_online x min(CCL_i) over all five.
TEST_F(DbusSources, FourDbusPacksAndACanPackAreOneBank) {
  std::vector<std::unique_ptr<FakeBattery>> packs;
  std::string config = R"([service]
dbus = "session"
update_interval_ms = 100

[charge]
nominal_charge_current = 150.0
max_charge_voltage = 55.2
max_discharge_current = 200.0
battery_low_voltage = 46.0

[[battery]]
name = "A"
interface = "can0"
capacity_ah = 100.0
)";
  for (int i = 1; i <= 4; ++i) {
    const std::string n = std::to_string(i);
    packs.push_back(pack("com.victronenergy.battery.ttyUSB" + n,
                         {"--serial", "JK-" + n, "--soc", "95", "--ccl", i == 3 ? "20" : "100", "--instance", n}));
    config +=
        "\n[[battery]]\nname = \"D" + n + "\"\nprotocol = \"dbus\"\nserial = \"JK-" + n + "\"\ncapacity_ah = 100.0\n";
  }
  const fs::path path = bus.dir() / "mixed.toml";
  std::ofstream(path) << config;
  process = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{kBinary, "--config", path.string(), "--replay", kData + "/three-batteries-10s.log",
                               "--speed", "4", "--keep-running"},
      bus.address(), bus.dir() / "aggregator.log");
  ASSERT_TRUE(wait_until([&] { return log().find("D-Bus: final state published") != std::string::npos; }, 20s))
      << log();
  EXPECT_EQ(value("/System/NrOfModulesOnline"), 5);
  EXPECT_EQ(value("/Info/MaxChargeCurrent"), 100.0);     // 5 x D3's 20 A (A's 59.2 A is not the least)
  EXPECT_EQ(value("/Info/MaxDischargeCurrent"), 200.0);  // 5 x min(148, 120) capped at 200
  EXPECT_EQ(value("/Info/MaxChargeVoltage"), 53.2);      // pack A's CVL
  EXPECT_EQ(value("/Soc"), 95.0);
  EXPECT_EQ(as_string(client.get_value("/System/MinVoltageCellId")), "D1:C3");  // only the D-Bus packs know cells
  EXPECT_NE(log().find("battery D4 is com.victronenergy.battery.ttyUSB4"), std::string::npos) << log();
}

}  // namespace
}  // namespace bms::dbus::testing
