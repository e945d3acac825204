#include "app/config_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace bms {
namespace {

constexpr const char* kMinimal = R"([[battery]]
name = "A"
interface = "can0"
)";

std::vector<std::string> errors_of(const std::string& text) { return load_config_text(text, "t.toml").errors; }

TEST(ConfigLoader, MinimalConfigGetsDocumentedDefaults) {
  const ConfigResult r = load_config_text(kMinimal, "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  const Settings& s = r.settings;
  EXPECT_EQ(s.service.device_instance, 280);
  EXPECT_EQ(s.service.service_name, "com.victronenergy.battery.aggregator_di280");
  EXPECT_EQ(s.charge.nominal_charge_current, 150.0);
  EXPECT_EQ(s.imbalance.minor_threshold, 5.0);
  EXPECT_EQ(s.imbalance.warning_threshold, 15.0);
  EXPECT_EQ(s.imbalance.alarm_threshold, 20.0);
  EXPECT_EQ(s.imbalance.hysteresis, 2.0);
  ASSERT_EQ(s.batteries.size(), 1U);
  EXPECT_EQ(s.batteries[0].protocol, BatteryProtocol::Pylontech);
  EXPECT_EQ(s.batteries[0].stale_after_ms, 5000);
  EXPECT_FALSE(s.output.enabled);
  EXPECT_EQ(s.log.level, "info");
}

TEST(ConfigLoader, MisspeltKeyIsNamedWithItsLine) {
  const auto e = errors_of("[charge]\nnominal_charge_curent = 100.0\n" + std::string(kMinimal));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0], "t.toml:2: charge.nominal_charge_curent: unknown key");
}

TEST(ConfigLoader, WrongTypeIsNamedWithItsLine) {
  const auto e = errors_of(std::string(kMinimal) + "capacity_ah = \"big\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0], "t.toml:4: battery[0].capacity_ah: wrong type: expected a number, got a string");
}

TEST(ConfigLoader, OutOfRangeValueSaysTheAllowedRange) {
  const auto e = errors_of("[output]\ninterval_ms = 50\n" + std::string(kMinimal));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0], "t.toml:2: output.interval_ms: out of range: 50 (allowed 200 .. 60000)");
}

TEST(ConfigLoader, IntegerIsAcceptedWhereANumberIsExpected) {
  const ConfigResult r = load_config_text("[charge]\nmax_charge_voltage = 56\n" + std::string(kMinimal), "t.toml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.settings.charge.max_charge_voltage, 56.0);
}

TEST(ConfigLoader, DuplicateBatteryNameIsAnError) {
  const auto e = errors_of(std::string(kMinimal) + "[[battery]]\nname = \"A\"\ninterface = \"can1\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0], "t.toml:4: battery[1].name: duplicate battery name \"A\" (also battery[0])");
}

TEST(ConfigLoader, TwoPylontechBatteriesOnOneInterfaceClash) {
  const auto e = errors_of(std::string(kMinimal) + "[[battery]]\nname = \"B\"\ninterface = \"can0\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:4: battery[1].interface: can0 already has Pylontech battery \"A\"; Pylontech frames carry no "
            "address, so one battery per interface");
}

TEST(ConfigLoader, MixedProtocolsOnOneInterfaceClash) {
  const auto e = errors_of(std::string(kMinimal) +
                           "[[battery]]\nname = \"B\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = 5\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:4: battery[1].protocol: interface can0 already carries pylontech (battery[0]); one protocol per "
            "interface");
}

TEST(ConfigLoader, CanopenNeedsANodeIdAndNodeIdsAreUniquePerInterface) {
  const auto missing = errors_of("[[battery]]\nname = \"S\"\ninterface = \"can1\"\nprotocol = \"canopen\"\n");
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0], "t.toml:1: battery[0].node_id: required for protocol \"canopen\"");
  const auto dup = errors_of(
      "[[battery]]\nname = \"S\"\ninterface = \"can1\"\nprotocol = \"canopen\"\nnode_id = 3\n"
      "[[battery]]\nname = \"T\"\ninterface = \"can1\"\nprotocol = \"canopen\"\nnode_id = 3\n");
  ASSERT_EQ(dup.size(), 1U);
  EXPECT_EQ(dup[0], "t.toml:6: battery[1].node_id: node 3 on can1 already used by battery \"S\"");
}

TEST(ConfigLoader, UnknownProtocolListsTheChoices) {
  const auto e = errors_of(std::string(kMinimal) + "protocol = \"modbus\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:4: battery[0].protocol: unknown value \"modbus\" (expected one of: pylontech, canopen, dbus)");
}

TEST(ConfigLoader, ThresholdsMustRise) {
  const auto e = errors_of("[imbalance]\nwarning_threshold = 25.0\n" + std::string(kMinimal));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:1: imbalance.warning_threshold: thresholds must rise: minor_threshold < warning_threshold < "
            "alarm_threshold");
}

TEST(ConfigLoader, OutputOnABatteryInterfaceClashes) {
  const auto e = errors_of(std::string(kMinimal) + "[output]\ninterface = \"can0\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:4: output.interface: can0 carries Pylontech battery \"A\"; the inverter frame set would collide "
            "with its frames");
}

TEST(ConfigLoader, UnknownSectionAndMissingBatteriesAreErrors) {
  const auto e = errors_of("[inverter]\nx = 1\n");
  ASSERT_EQ(e.size(), 2U);
  EXPECT_EQ(e[0], "t.toml:1: battery: at least one [[battery]] is required");
  EXPECT_EQ(e[1], "t.toml:1: inverter: unknown key");
}

TEST(ConfigLoader, SyntaxErrorNamesTheLine) {
  const auto e = errors_of("[charge]\nnominal_charge_current = = 3\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_TRUE(e[0].starts_with("t.toml:2: TOML syntax: ")) << e[0];
}

TEST(ConfigLoader, ManufacturerMustFitTheFrame) {
  const auto e = errors_of(std::string(kMinimal) + "[output]\nmanufacturer = \"PYLONTECH1\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0], "t.toml:5: output.manufacturer: longer than 8 characters (0x35E holds 8)");
}

TEST(ConfigLoader, RenderedConfigLoadsBackToTheSameSettings) {
  const ConfigResult a = load_config_file(std::string(BMS_SOURCE_DIR) + "/config/demo.toml");
  ASSERT_TRUE(a.ok()) << a.errors.front();
  const ConfigResult b = load_config_text(render_config(a.settings), "rendered");
  ASSERT_TRUE(b.ok()) << b.errors.front();
  EXPECT_EQ(render_config(b.settings), render_config(a.settings));
  EXPECT_EQ(b.settings.batteries.size(), 3U);
  EXPECT_EQ(b.settings.output.manufacturer, "PYLON");
}

TEST(ConfigLoader, ShippedExampleConfigurationsAreValid) {
  for (const char* name : {"demo.toml", "conservative-12v-2x150ah.toml", "aggressive-24v-4x200ah.toml"}) {
    const ConfigResult r = load_config_file(std::string(BMS_SOURCE_DIR) + "/config/" + name);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.errors.empty() ? "" : r.errors.front());
  }
}

TEST(ConfigLoader, UnreadableFileIsAnError) {
  const ConfigResult r = load_config_file("/nonexistent/bms.toml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0], "/nonexistent/bms.toml: cannot read: No such file or directory");
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST(ConfigPresets, ConservativeUsesTheOriginalThresholdsAndOneBatteryShare) {
  const ConfigResult r =
      load_config_text("[charge]\nnominal_charge_current = 100.0\n[imbalance]\npreset = \"conservative\"\n" +
                           std::string(kMinimal) + "[[battery]]\nname = \"B\"\ninterface = \"can1\"\n",
                       "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.imbalance.warning_threshold, 10.0);
  EXPECT_EQ(r.settings.imbalance.alarm_threshold, 15.0);
  EXPECT_EQ(r.settings.charge.reduced_charge_current, 50.0);  // 1 x 100 A / 2 batteries
}

TEST(ConfigPresets, AggressiveAllowsTwoBatterySharesAndExplicitKeysWin) {
  const ConfigResult r = load_config_text(
      "[charge]\nnominal_charge_current = 400.0\n[imbalance]\npreset = \"aggressive\"\nalarm_threshold = 25.0\n" +
          std::string(kMinimal) +
          "[[battery]]\nname = \"B\"\ninterface = \"can1\"\n[[battery]]\nname = \"C\"\n"
          "interface = \"can2\"\n[[battery]]\nname = \"D\"\ninterface = \"can3\"\n",
      "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.imbalance.warning_threshold, 15.0);
  EXPECT_EQ(r.settings.imbalance.alarm_threshold, 25.0);
  EXPECT_EQ(r.settings.charge.reduced_charge_current, 200.0);  // 2 x 400 A / 4 batteries
}

TEST(ConfigPresets, ExplicitReducedChargeCurrentIsKept) {
  const ConfigResult r = load_config_text(
      "[charge]\nreduced_charge_current = 30.0\n[imbalance]\npreset = \"aggressive\"\n" + std::string(kMinimal),
      "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.charge.reduced_charge_current, 30.0);
}

TEST(ConfigPresets, PresetNeverLetsTheAlarmTierAllowMoreThanTheWarningTier) {
  // 2 batteries, aggressive: 2 x 150/2 = 150 A would exceed 0.66 x 150 = 99 A.
  const ConfigResult r =
      load_config_text("[charge]\nnominal_charge_current = 150.0\n[imbalance]\npreset = \"aggressive\"\n" +
                           std::string(kMinimal) + "[[battery]]\nname = \"B\"\ninterface = \"can1\"\n",
                       "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.settings.charge.reduced_charge_current, 99.0);
}

TEST(ConfigLoader, ReducedChargeCurrentAboveTheWarningTierIsAnError) {
  const auto e = errors_of("[charge]\nreduced_charge_current = 120.0\n" + std::string(kMinimal));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:2: charge.reduced_charge_current: 120 A is more than the warning tier allows "
            "(warning_factor x nominal_charge_current = 99 A)");
}

TEST(ConfigLoader, NotANumberIsNotALimit) {
  for (const char* v : {"nan", "inf", "-inf"}) {
    const auto e = errors_of("[charge]\nmax_charge_voltage = " + std::string(v) + "\n" + std::string(kMinimal));
    ASSERT_FALSE(e.empty()) << v;
    EXPECT_EQ(e[0], "t.toml:2: charge.max_charge_voltage: must be a finite number (nan and inf are refused)") << v;
  }
}

TEST(ConfigLoader, OutputOnACanopenBusIsAnError) {
  const auto e = errors_of(
      "[[battery]]\nname = \"S\"\ninterface = \"can1\"\nprotocol = \"canopen\"\nnode_id = 1\n[output]\ninterface = "
      "\"can1\"\n");
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0],
            "t.toml:6: output.interface: can1 carries CANopen battery \"S\"; the inverter frame set uses COB-IDs "
            "of that bus (0x351.. are RPDOs)");
}

TEST(ConfigPresets, UnknownPresetIsAnError) {
  const auto e = errors_of("[imbalance]\npreset = \"yolo\"\n" + std::string(kMinimal));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0], "t.toml:2: imbalance.preset: unknown value \"yolo\" (expected one of: conservative, aggressive)");
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST(ConfigOutput, AcceptsEveryInverterProfileByName) {
  const std::pair<const char*, OutputProfile> profiles[] = {{"pylon", OutputProfile::Pylon},
                                                            {"sma", OutputProfile::Sma},
                                                            {"victron", OutputProfile::Victron},
                                                            {"luxpower", OutputProfile::Luxpower},
                                                            {"solark", OutputProfile::Solark}};
  for (const auto& [name, profile] : profiles) {
    const ConfigResult r = load_config_text(
        std::string(kMinimal) + "[output]\ninterface = \"can9\"\nprofile = \"" + name + "\"\n", "t.toml");
    ASSERT_TRUE(r.ok()) << name << ": " << r.errors.front();
    EXPECT_EQ(r.settings.output.profile, profile) << name;
    EXPECT_STREQ(to_string(profile), name);
  }
  EXPECT_EQ(errors_of(std::string(kMinimal) + "[output]\nprofile = \"deye\"\n"),
            (std::vector<std::string>{"t.toml:5: output.profile: unknown value \"deye\" (expected one of: pylon, sma, "
                                      "victron, luxpower, solark)"}));
}

TEST(ConfigOutput, ForceChargeAndSocWorkaroundHaveDocumentedDefaultsAndAreBooleans) {
  ConfigResult r = load_config_text(std::string(kMinimal) + "[output]\ninterface = \"can9\"\n", "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_TRUE(r.settings.output.pass_force_charge);
  EXPECT_FALSE(r.settings.output.soc_zero_limit_workaround);
  r = load_config_text(
      std::string(kMinimal) + "[output]\npass_force_charge = false\nsoc_zero_limit_workaround = true\n", "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_FALSE(r.settings.output.pass_force_charge);
  EXPECT_TRUE(r.settings.output.soc_zero_limit_workaround);
  EXPECT_EQ(errors_of(std::string(kMinimal) + "[output]\nsoc_zero_limit_workaround = 1\n"),
            (std::vector<std::string>{
                "t.toml:5: output.soc_zero_limit_workaround: wrong type: expected a boolean, got an integer"}));
}

TEST(ConfigOutput, RenderedOutputKeysLoadBack) {
  ConfigResult r = load_config_text(
      std::string(kMinimal) +
          "[output]\nprofile = \"solark\"\npass_force_charge = false\nsoc_zero_limit_workaround = true\n",
      "t.toml");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  const ConfigResult back = load_config_text(render_config(r.settings), "back.toml");
  ASSERT_TRUE(back.ok()) << back.errors.front();
  EXPECT_EQ(back.settings.output.profile, OutputProfile::Solark);
  EXPECT_FALSE(back.settings.output.pass_force_charge);
  EXPECT_TRUE(back.settings.output.soc_zero_limit_workaround);
}

}  // namespace
}  // namespace bms
