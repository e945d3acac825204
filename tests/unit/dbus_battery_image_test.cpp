// The mapping of a Venus OS battery service's items onto the signals a CAN BMS produces
// (src/core/dbus_battery_image.*): every mapped path, invalid values, alarm levels, refresh.
#include "core/dbus_battery_image.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace bms {
namespace {

constexpr std::int64_t kT = 42'000'000;
constexpr std::uint16_t kSource = 3;

struct Expect {
  const char* path;
  SignalId signal;
};

TEST(DbusBatteryImage, EveryNumericPathBecomesItsSignalWithTimeAndSource) {
  const Expect table[] = {
      {"/Soc", SignalId::SocPct},
      {"/Soh", SignalId::SohPct},
      {"/Dc/0/Voltage", SignalId::VoltageV},
      {"/Dc/0/Current", SignalId::CurrentA},
      {"/Dc/0/Power", SignalId::PowerW},
      {"/Dc/0/Temperature", SignalId::TemperatureC},
      {"/Info/MaxChargeVoltage", SignalId::ChargeVoltageLimitV},
      {"/Info/MaxChargeCurrent", SignalId::ChargeCurrentLimitA},
      {"/Info/MaxDischargeCurrent", SignalId::DischargeCurrentLimitA},
      {"/Info/BatteryLowVoltage", SignalId::DischargeVoltageLimitV},
      {"/Io/AllowToCharge", SignalId::ChargeEnable},
      {"/Io/AllowToDischarge", SignalId::DischargeEnable},
      {"/System/MinCellVoltage", SignalId::MinCellVoltageV},
      {"/System/MaxCellVoltage", SignalId::MaxCellVoltageV},
      {"/System/MinCellTemperature", SignalId::MinCellTemperatureC},
      {"/System/MaxCellTemperature", SignalId::MaxCellTemperatureC},
      {"/System/NrOfModulesOnline", SignalId::ModulesOnline},
      {"/System/NrOfModulesOffline", SignalId::ModulesOffline},
      {"/System/NrOfModulesBlockingCharge", SignalId::ModulesBlockingCharge},
      {"/System/NrOfModulesBlockingDischarge", SignalId::ModulesBlockingDischarge},
      {"/InstalledCapacity", SignalId::InstalledCapacityAh},
      {"/Capacity", SignalId::AvailableCapacityAh},
  };
  DbusBatteryImage image;
  double v = 1.5;
  for (const Expect& e : table) {
    const MappedItem m = image.apply(e.path, ItemValue::of(v), kT, kSource);
    ASSERT_EQ(m.outcome, ItemOutcome::Mapped) << e.path;
    ASSERT_EQ(m.count, 1) << e.path;
    EXPECT_EQ(m.readings[0].kind, ReadingKind::Signal) << e.path;
    EXPECT_EQ(m.readings[0].signal, e.signal) << e.path;
    EXPECT_EQ(m.readings[0].value, v) << e.path;
    EXPECT_EQ(m.readings[0].time_us, kT) << e.path;
    EXPECT_EQ(m.readings[0].source, kSource) << e.path;
    v += 1.0;
  }
}

TEST(DbusBatteryImage, CellIdsAreTextCutToEightBytes) {
  DbusBatteryImage image;
  MappedItem m = image.apply("/System/MinVoltageCellId", ItemValue::of_text("C16"), kT, kSource);
  ASSERT_EQ(m.count, 1);
  EXPECT_EQ(m.readings[0].signal, SignalId::MinCellVoltageId);
  EXPECT_EQ(std::string(m.readings[0].text.data(), 3), "C16");
  EXPECT_EQ(m.readings[0].text[3], '\0');
  m = image.apply("/System/MaxTemperatureCellId", ItemValue::of_text("Module12-T4"), kT, kSource);
  EXPECT_EQ(std::string(m.readings[0].text.data(), 8), "Module12");
}

TEST(DbusBatteryImage, AnInvalidValueIsUnknownNotZero) {
  DbusBatteryImage image;
  const MappedItem m = image.apply("/Info/MaxChargeCurrent", ItemValue::invalid(), kT, kSource);
  EXPECT_EQ(m.outcome, ItemOutcome::Mapped);
  ASSERT_EQ(m.count, 1);
  EXPECT_EQ(m.readings[0].kind, ReadingKind::SignalInvalid);
  EXPECT_EQ(m.readings[0].signal, SignalId::ChargeCurrentLimitA);
}

TEST(DbusBatteryImage, TextWhereANumberBelongsIsAWrongTypeTakenAsUnknown) {
  DbusBatteryImage image;
  MappedItem m = image.apply("/Soc", ItemValue::of_text("60"), kT, kSource);
  EXPECT_EQ(m.outcome, ItemOutcome::WrongType);
  ASSERT_EQ(m.count, 1);
  EXPECT_EQ(m.readings[0].kind, ReadingKind::SignalInvalid);
  m = image.apply("/Soc", ItemValue::of(std::numeric_limits<double>::quiet_NaN()), kT, kSource);
  EXPECT_EQ(m.outcome, ItemOutcome::WrongType);
  EXPECT_EQ(m.readings[0].kind, ReadingKind::SignalInvalid);
  m = image.apply("/System/MinVoltageCellId", ItemValue::of(3), kT, kSource);
  EXPECT_EQ(m.outcome, ItemOutcome::WrongType);
  EXPECT_EQ(m.readings[0].kind, ReadingKind::SignalInvalid);
}

TEST(DbusBatteryImage, PathsTheAggregateDoesNotUseAreIgnored) {
  DbusBatteryImage image;
  for (const char* path :
       {"/Voltages/Cell1", "/Mgmt/Connection", "/History/ChargeCycles", "/Alarms/LowSoc", "/TimeToGo"}) {
    const MappedItem m = image.apply(path, ItemValue::of(1), kT, kSource);
    EXPECT_EQ(m.outcome, ItemOutcome::Ignored) << path;
    EXPECT_EQ(m.count, 0) << path;
  }
}

/// (protection, warning) values of an alarm pair reading list, -1 for invalid.
std::pair<int, int> pair_of(const MappedItem& m) {
  EXPECT_EQ(m.count, 2);
  const auto v = [](const Reading& r) { return r.kind == ReadingKind::SignalInvalid ? -1 : static_cast<int>(r.value); };
  return {v(m.readings[0]), v(m.readings[1])};
}

TEST(DbusBatteryImage, AlarmLevelsBecomeTheProtectionAndWarningPairOfACanBms) {
  DbusBatteryImage image;
  MappedItem m = image.apply("/Alarms/HighChargeTemperature", ItemValue::of(2), kT, kSource);
  EXPECT_EQ(m.readings[0].signal, SignalId::ProtectionHighChargeTemperature);
  EXPECT_EQ(m.readings[1].signal, SignalId::AlarmHighChargeTemperature);
  EXPECT_EQ(pair_of(m), std::make_pair(1, 0));
  EXPECT_EQ(pair_of(image.apply("/Alarms/HighChargeTemperature", ItemValue::of(1), kT, kSource)), std::make_pair(0, 1));
  EXPECT_EQ(pair_of(image.apply("/Alarms/HighChargeTemperature", ItemValue::of(0), kT, kSource)), std::make_pair(0, 0));
  EXPECT_EQ(pair_of(image.apply("/Alarms/HighChargeTemperature", ItemValue::invalid(), kT, kSource)),
            std::make_pair(-1, -1));
  m = image.apply("/Alarms/HighChargeTemperature", ItemValue::of(3), kT, kSource);
  EXPECT_EQ(m.outcome, ItemOutcome::WrongType);
  EXPECT_EQ(pair_of(m), std::make_pair(-1, -1));
}

TEST(DbusBatteryImage, AlarmPathsSharingAPairTakeTheWorstKnownLevel) {
  DbusBatteryImage image;
  EXPECT_EQ(pair_of(image.apply("/Alarms/LowVoltage", ItemValue::of(0), kT, kSource)), std::make_pair(0, 0));
  MappedItem m = image.apply("/Alarms/LowCellVoltage", ItemValue::of(2), kT, kSource);
  EXPECT_EQ(m.readings[0].signal, SignalId::ProtectionLowVoltage);
  EXPECT_EQ(pair_of(m), std::make_pair(1, 0));
  // The pack-level path clearing does not clear what the cell-level path still says.
  EXPECT_EQ(pair_of(image.apply("/Alarms/LowVoltage", ItemValue::of(1), kT, kSource)), std::make_pair(1, 0));
  EXPECT_EQ(pair_of(image.apply("/Alarms/LowCellVoltage", ItemValue::invalid(), kT, kSource)), std::make_pair(0, 1));
  EXPECT_EQ(pair_of(image.apply("/Alarms/LowVoltage", ItemValue::invalid(), kT, kSource)), std::make_pair(-1, -1));
}

TEST(DbusBatteryImage, EveryVictronAlarmReachesTheCanCategory) {
  const std::pair<const char*, SignalId> table[] = {
      {"/Alarms/HighVoltage", SignalId::ProtectionHighVoltage},
      {"/Alarms/HighCellVoltage", SignalId::ProtectionHighVoltage},
      {"/Alarms/HighTemperature", SignalId::ProtectionHighTemperature},
      {"/Alarms/LowTemperature", SignalId::ProtectionLowTemperature},
      {"/Alarms/LowChargeTemperature", SignalId::ProtectionLowChargeTemperature},
      {"/Alarms/HighChargeCurrent", SignalId::ProtectionHighChargeCurrent},
      {"/Alarms/HighDischargeCurrent", SignalId::ProtectionHighDischargeCurrent},
      {"/Alarms/CellImbalance", SignalId::ProtectionCellImbalance},
      {"/Alarms/InternalFailure", SignalId::ProtectionGeneral},
      {"/Alarms/FuseBlown", SignalId::ProtectionGeneral},
      {"/Alarms/BmsCable", SignalId::ProtectionSystemError},
  };
  for (const auto& [path, protection] : table) {
    DbusBatteryImage image;
    const MappedItem m = image.apply(path, ItemValue::of(2), kT, kSource);
    ASSERT_EQ(m.count, 2) << path;
    EXPECT_EQ(m.readings[0].signal, protection) << path;
    EXPECT_EQ(m.readings[0].value, 1.0) << path;
  }
}

TEST(DbusBatteryImage, RefreshReissuesWhatItHoldsAtTheNewTimeButNotWhatWentInvalid) {
  DbusBatteryImage image;
  (void)image.apply("/Info/MaxChargeCurrent", ItemValue::of(70), kT, kSource);
  (void)image.apply("/Soc", ItemValue::of(55), kT, kSource);
  (void)image.apply("/Soc", ItemValue::invalid(), kT, kSource);
  (void)image.apply("/System/MinVoltageCellId", ItemValue::of_text("C3"), kT, kSource);
  std::vector<Reading> out;
  image.refresh(kT + 5, 9, [&](const Reading& r) { out.push_back(r); });
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].signal, SignalId::ChargeCurrentLimitA);
  EXPECT_EQ(out[0].value, 70.0);
  EXPECT_EQ(out[0].time_us, kT + 5);
  EXPECT_EQ(out[0].source, 9);
  EXPECT_EQ(out[1].signal, SignalId::MinCellVoltageId);
  EXPECT_EQ(std::string(out[1].text.data()), "C3");
  image.clear();
  out.clear();
  image.refresh(kT, kSource, [&](const Reading& r) { out.push_back(r); });
  EXPECT_TRUE(out.empty());
}

TEST(DbusBatteryImage, ABmsIsAServiceThatPublishesChargeLimits) {
  EXPECT_TRUE(is_bms_limit_path("/Info/MaxChargeCurrent"));
  EXPECT_TRUE(is_bms_limit_path("/Info/MaxDischargeCurrent"));
  EXPECT_TRUE(is_bms_limit_path("/Info/MaxChargeVoltage"));
  EXPECT_FALSE(is_bms_limit_path("/Info/BatteryLowVoltage"));
  EXPECT_FALSE(is_bms_limit_path("/Dc/0/Current"));
}

}  // namespace
}  // namespace bms
