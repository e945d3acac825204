// The service as Venus OS's Python services see it: a client written to velib_python's
// conventions (venus_client.py, Debian's python3-dbus) recognises it as a battery and a BMS.
#include <filesystem>
#include <future>

#include "service_fixture.hpp"

namespace bms::dbus::testing {
namespace {

const std::string kPython = BMS_DBUS_PYTHON;
const std::string kClient = std::string(BMS_DBUS_TEST_DIR) + "/venus_client.py";

TEST_F(ServiceOnPrivateBus, IsRecognisedAsABatteryWithAValidMaxChargeVoltage) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const CommandResult r =
      run_command({kPython, kClient, "recognise", "--expect", "/Info/MaxChargeVoltage=56.8", "--expect",
                   "/Info/MaxChargeCurrent=150.0", "--expect", "/Soc=67.3", "--expect", "/DeviceInstance=280",
                   "--expect", "/Connected=1", "--expect", "/System/MinVoltageCellId=\"B:7\""},
                  bus.address());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"is_bms\": true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"device_instance\": 280"), std::string::npos) << r.out;
}

TEST_F(ServiceOnPrivateBus, IsNotTakenForABmsBeforeItKnowsItsLimits) {
  start_service();  // no snapshot: /Info/MaxChargeVoltage is invalid
  const CommandResult r = run_command({kPython, kClient, "recognise"}, bus.address());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("\"is_bms\": false"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DVCC would not use it"), std::string::npos) << r.out;
}

TEST_F(ServiceOnPrivateBus, ShowsItsNameOnlyWhenEveryPathAnswers) {
  const std::string ready = (bus.dir() / "client-ready").string();
  auto client_run = std::async(std::launch::async, [&] {
    return run_command({kPython, kClient, "appear", "--ready-file", ready, "--min-items", "167"}, bus.address());
  });
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(ready); }, 15s)) << "client never got ready";
  start_service();
  const CommandResult r = client_run.get();
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"items_at_appearance\": 167"), std::string::npos) << r.out;
}

TEST_F(ServiceOnPrivateBus, SignalsAWriteTheWayVelibClientsListen) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const CommandResult r =
      run_command({kPython, kClient, "signals", "--set-custom-name", "Battery room"}, bus.address());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "Battery room");
}

}  // namespace
}  // namespace bms::dbus::testing
