// The [service] keys the D-Bus service adds: product_id, state_file, properties_changed, and
// the checks on dbus and custom_name.
#include <gtest/gtest.h>

#include "app/config_loader.hpp"

namespace bms {
namespace {

constexpr const char* kBattery = R"(
[[battery]]
name = "A"
interface = "can0"
)";

std::vector<std::string> errors_of(const std::string& service) {
  return load_config_text("[service]\n" + service + kBattery, "t.toml").errors;
}

TEST(ServiceConfig, DefaultsToAProductIdOutsideDvccQuirksAndNoStateFile) {
  const ConfigResult r = load_config_text(kBattery, "t.toml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.settings.service.product_id, 0xBA90);
  EXPECT_EQ(r.settings.service.state_file, "");
  EXPECT_FALSE(r.settings.service.properties_changed);
  EXPECT_EQ(r.settings.service.dbus, "system");
}

TEST(ServiceConfig, ReadsTheDbusServiceKeys) {
  const ConfigResult r = load_config_text(
      "[service]\nproduct_id = 0xBA91\nstate_file = \"/data/bms/state.toml\"\nproperties_changed = true\n"
      "dbus = \"unix:path=/tmp/bus\"\n" +
          std::string(kBattery),
      "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.service.product_id, 0xBA91);
  EXPECT_EQ(r.settings.service.state_file, "/data/bms/state.toml");
  EXPECT_TRUE(r.settings.service.properties_changed);
  EXPECT_EQ(r.settings.service.dbus, "unix:path=/tmp/bus");
}

TEST(ServiceConfig, RefusesProductIdsDvccTreatsSpeciallyOrOthersUse) {
  for (const char* id :
       {"0xB004", "0xB009", "0xB00A", "0xB015", "0xB019", "0xB029", "0xA3E3", "0xA3E5", "0xA3E7", "0xBA77"}) {
    const auto e = errors_of(std::string("product_id = ") + id + "\n");
    ASSERT_EQ(e.size(), 1U) << id;
    EXPECT_EQ(e[0],
              "t.toml:2: service.product_id: reserved: DVCC applies vendor quirks to this id or another driver uses it "
              "(choose another, e.g. 0xBA90)");
  }
  EXPECT_TRUE(errors_of("product_id = 0xA3E8\n").empty());
  EXPECT_EQ(errors_of("product_id = 0x10000\n")[0],
            "t.toml:2: service.product_id: out of range: 65536 (allowed 1 .. 65535)");
}

TEST(ServiceConfig, NamesABadBusWithItsLine) {
  const auto e = errors_of("device_instance = 1\ndbus = \"sytem\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:3: service.dbus: expected \"system\", \"session\" or a bus address such as "
            "unix:path=/run/dbus/system_bus_socket");
}

TEST(ServiceConfig, RefusesATooLongCustomNameAndAWrongTypedFlag) {
  EXPECT_EQ(errors_of("custom_name = \"" + std::string(65, 'x') + "\"\n")[0],
            "t.toml:2: service.custom_name: longer than 64 bytes");
  EXPECT_EQ(errors_of("properties_changed = 1\n")[0],
            "t.toml:2: service.properties_changed: wrong type: expected a boolean, got an integer");
}

TEST(ServiceConfig, RendersTheNewKeysSoTheyLoadBack) {
  const ConfigResult a = load_config_text(
      "[service]\nproduct_id = 0xBA92\nstate_file = \"/x/s.toml\"\n" + std::string(kBattery), "t.toml");
  ASSERT_TRUE(a.ok());
  const std::string text = render_config(a.settings);
  EXPECT_NE(text.find("product_id = 0xBA92"), std::string::npos) << text;
  const ConfigResult b = load_config_text(text, "rendered");
  ASSERT_TRUE(b.ok()) << b.errors.front();
  EXPECT_EQ(b.settings.service.product_id, 0xBA92);
  EXPECT_EQ(b.settings.service.state_file, "/x/s.toml");
}

}  // namespace
}  // namespace bms
