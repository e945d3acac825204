// protocol = "dbus" batteries and [bank] in the configuration: naming, refusals, errors.
#include <gtest/gtest.h>

#include "app/config_loader.hpp"

namespace bms {
namespace {

std::vector<std::string> errors_of(const std::string& text) { return load_config_text(text, "t.toml").errors; }

TEST(ConfigDbusBattery, APackIsNamedByServiceSerialOrCustomName) {
  const ConfigResult r = load_config_text(R"([[battery]]
name = "A"
protocol = "dbus"
service = "com.victronenergy.battery.ttyUSB0"

[[battery]]
name = "B"
protocol = "dbus"
serial = "JK-123"
accept_non_bms = true

[[battery]]
name = "C"
protocol = "dbus"
custom_name = "Shed pack"

[[battery]]
name = "D"
interface = "can0"

[bank]
current_source = "com.victronenergy.battery.ttyUSB7"
)",
                                          "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  const auto& b = r.settings.batteries;
  ASSERT_EQ(b.size(), 4U);
  EXPECT_EQ(b[0].protocol, BatteryProtocol::Dbus);
  EXPECT_EQ(b[0].dbus_service, "com.victronenergy.battery.ttyUSB0");
  EXPECT_TRUE(b[0].interface.empty());
  EXPECT_FALSE(b[0].accept_non_bms);
  EXPECT_EQ(b[1].dbus_serial, "JK-123");
  EXPECT_TRUE(b[1].accept_non_bms);
  EXPECT_EQ(b[2].dbus_custom_name, "Shed pack");
  EXPECT_EQ(b[3].protocol, BatteryProtocol::Pylontech);
  EXPECT_EQ(r.settings.bank.current_source, "com.victronenergy.battery.ttyUSB7");
  const std::string rendered = render_config(r.settings);
  EXPECT_NE(rendered.find("protocol = 'dbus'"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("serial = 'JK-123'"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("current_source = 'com.victronenergy.battery.ttyUSB7'"), std::string::npos) << rendered;
  // What --check-config prints loads again to the same settings.
  const ConfigResult again = load_config_text(rendered, "r.toml");
  ASSERT_TRUE(again.ok()) << again.errors.front();
  EXPECT_EQ(again.settings.batteries[2].dbus_custom_name, "Shed pack");
}

TEST(ConfigDbusBattery, APackNeedsExactlyOneName) {
  EXPECT_EQ(errors_of("[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\n"),
            std::vector<std::string>{
                "t.toml:1: battery[0].service: protocol \"dbus\" needs exactly one of service, serial or "
                "custom_name (which battery service it is)"});
  EXPECT_EQ(errors_of("[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\nserial = \"x\"\ncustom_name = \"y\"\n").size(),
            1U);
}

TEST(ConfigDbusBattery, CanKeysOnADbusPackAndDbusKeysOnACanPackAreErrors) {
  EXPECT_EQ(errors_of("[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\nserial = \"x\"\ninterface = \"can0\"\n"),
            std::vector<std::string>{
                "t.toml:5: battery[0].interface: not used with protocol \"dbus\" (the battery is a D-Bus service)"});
  EXPECT_EQ(errors_of("[[battery]]\nname = \"A\"\ninterface = \"can0\"\nserial = \"x\"\n"),
            std::vector<std::string>{"t.toml:4: battery[0].serial: only valid with protocol \"dbus\""});
}

TEST(ConfigDbusBattery, AServiceMustBeABatteryService) {
  EXPECT_EQ(
      errors_of("[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\nservice = \"com.victronenergy.solarcharger.ttyS0\"\n"),
      std::vector<std::string>{"t.toml:4: battery[0].service: must be a battery service name "
                               "(com.victronenergy.battery.<suffix>), got \"com.victronenergy.solarcharger.ttyS0\""});
}

TEST(ConfigDbusBattery, AServiceOrShuntMustBeAValidBusName) {
  // The prefix alone is not a name: the bus would never list such a service, and the pack
  // would stay offline for ever (the same rule as service.service_name).
  for (const char* name : {"com.victronenergy.battery.", "com.victronenergy.battery.1bad",
                           "com.victronenergy.battery.a b", "com.victronenergy.battery.a..b"}) {
    EXPECT_EQ(errors_of("[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\nservice = \"" + std::string(name) + "\"\n"),
              std::vector<std::string>{"t.toml:4: battery[0].service: must be a battery service name "
                                       "(com.victronenergy.battery.<suffix>), got \"" +
                                       std::string(name) + "\""});
    EXPECT_EQ(errors_of("[bank]\ncurrent_source = \"" + std::string(name) +
                        "\"\n[[battery]]\nname = \"A\"\ninterface = \"can0\"\n"),
              std::vector<std::string>{"t.toml:2: bank.current_source: must be a battery service name "
                                       "(com.victronenergy.battery.<suffix>), got \"" +
                                       std::string(name) + "\""});
  }
}

TEST(ConfigDbusBattery, OurOwnServiceCannotBeABatteryNorTheBankShunt) {
  EXPECT_EQ(
      errors_of(
          "[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\nservice = \"com.victronenergy.battery.aggregator_di280\"\n"),
      std::vector<std::string>{"t.toml:4: battery[0].service: \"com.victronenergy.battery.aggregator_di280\" is this "
                               "aggregator's own service (service.service_name); it cannot be one of its batteries"});
  EXPECT_EQ(
      errors_of(
          "[service]\nservice_name = \"com.victronenergy.battery.bank\"\n[bank]\n"
          "current_source = \"com.victronenergy.battery.bank\"\n[[battery]]\nname = \"A\"\ninterface = \"can0\"\n"),
      std::vector<std::string>{
          "t.toml:3: bank.current_source: \"com.victronenergy.battery.bank\" is this aggregator's own service"});
}

TEST(ConfigDbusBattery, TwoPacksCannotClaimOneSerial) {
  EXPECT_EQ(errors_of("[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\nserial = \"S1\"\n"
                      "[[battery]]\nname = \"B\"\nprotocol = \"dbus\"\nserial = \"S1\"\n"),
            std::vector<std::string>{"t.toml:8: battery[1].serial: \"S1\" already names battery \"A\" (battery[0])"});
}

TEST(ConfigDbusBattery, TheBankShuntIsNotAlsoAPack) {
  EXPECT_EQ(
      errors_of("[bank]\ncurrent_source = \"com.victronenergy.battery.ttyUSB0\"\n"
                "[[battery]]\nname = \"A\"\nprotocol = \"dbus\"\nservice = \"com.victronenergy.battery.ttyUSB0\"\n"),
      std::vector<std::string>{"t.toml:6: battery[0].service: \"com.victronenergy.battery.ttyUSB0\" is the bank's "
                               "current_source; a shunt is not a pack"});
  EXPECT_EQ(errors_of("[bank]\ncurrent = 1\n[[battery]]\nname = \"A\"\ninterface = \"can0\"\n"),
            std::vector<std::string>{"t.toml:2: bank.current: unknown key"});
}

}  // namespace
}  // namespace bms
