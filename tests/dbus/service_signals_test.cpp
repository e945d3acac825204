// Publishing: one batched ItemsChanged per update with only what changed, cadence, at once on a
// protective change, PropertiesChanged where Venus's clients need it.
#include "service_fixture.hpp"

namespace bms::dbus::testing {
namespace {

std::vector<std::string> keys_of(const ItemsMap& items) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : items) keys.push_back(k);
  return keys;
}

TEST_F(ServiceOnPrivateBus, SendsOneItemsChangedWithOnlyTheChangedItems) {
  start_service();
  SignalRecorder recorder(bus.address());
  publish_and_wait(discharging_snapshot());
  ASSERT_TRUE(wait_until([&] { return recorder.items_changed().size() == 1; }));
  EXPECT_EQ(recorder.items_changed()[0].size(), 44u);  // every snapshot path went from invalid to valid
  publish_and_wait(one_offline_snapshot());
  ASSERT_TRUE(wait_until([&] { return recorder.items_changed().size() == 2; }));
  const ItemsMap batch = recorder.items_changed()[1];
  EXPECT_EQ(keys_of(batch),
            (std::vector<std::string>{
                "/Alarms/BmsCable", "/Alarms/CellImbalance", "/ConsumedAmphours", "/Info/MaxChargeCurrent",
                "/Io/AllowToCharge", "/Soc", "/System/MinCellTemperature", "/System/MinTemperatureCellId",
                "/System/NrOfModulesBlockingCharge", "/System/NrOfModulesOffline", "/System/NrOfModulesOnline"}));
  EXPECT_EQ(as_int(batch.at("/Alarms/BmsCable").at("Value")), 1);
  EXPECT_EQ(as_string(batch.at("/Alarms/BmsCable").at("Text")), "1");
  EXPECT_EQ(as_double(batch.at("/Info/MaxChargeCurrent").at("Value")), 0.0);
  EXPECT_EQ(as_string(batch.at("/Info/MaxChargeCurrent").at("Text")), "0.0A");
  EXPECT_EQ(as_double(batch.at("/Soc").at("Value")), 61.5);
  EXPECT_TRUE(is_invalid(batch.at("/System/MinCellTemperature").at("Value")));
  EXPECT_EQ(as_string(batch.at("/System/MinCellTemperature").at("Text")), "---");
  EXPECT_TRUE(recorder.properties_changed().empty()) << "batches go out as ItemsChanged only by default";
}

TEST_F(ServiceOnPrivateBus, SendsNothingWhenNothingChanged) {
  start_service();
  SignalRecorder recorder(bus.address());
  publish_and_wait(discharging_snapshot());
  ASSERT_TRUE(wait_until([&] { return recorder.items_changed().size() == 1; }));
  publish_and_wait(discharging_snapshot());
  publish_and_wait(one_offline_snapshot());  // a later signal proves the quiet one was processed
  ASSERT_TRUE(wait_until([&] { return recorder.items_changed().size() == 2; }));
  EXPECT_EQ(recorder.items_changed()[1].size(), 11u);
}

TEST_F(ServiceOnPrivateBus, CoalescesPeriodicUpdatesAndSendsProtectiveOnesAtOnce) {
  settings.service.update_interval_ms = 60000;
  start_service();
  SignalRecorder recorder(bus.address());
  publish_and_wait(discharging_snapshot(), PublishReason::Periodic);  // the first one is due at once
  Snapshot later = discharging_snapshot();
  later.soc_pct = 70.0;
  service->publish(later, PublishReason::Periodic);  // not due for another minute
  EXPECT_FALSE(wait_until([&] { return service->stats().flushes == 2; }, 300ms));
  EXPECT_EQ(as_double(client().get_value("/Soc")), 67.3);
  publish_and_wait(one_offline_snapshot(), PublishReason::Protective);  // replaces the pending one, sent now
  EXPECT_EQ(service->stats().flushes, 2u);
  EXPECT_EQ(as_double(client().get_value("/Soc")), 61.5);
  EXPECT_EQ(as_double(client().get_value("/Info/MaxChargeCurrent")), 0.0);
  ASSERT_TRUE(wait_until([&] { return recorder.items_changed().size() == 2; }));
}

TEST_F(ServiceOnPrivateBus, SendsTheFinalSnapshotAtOnce) {
  settings.service.update_interval_ms = 60000;
  start_service();
  publish_and_wait(discharging_snapshot(), PublishReason::Periodic);
  publish_and_wait(one_offline_snapshot(), PublishReason::Final);
  EXPECT_EQ(as_int(client().get_value("/System/NrOfModulesOffline")), 1);
}

TEST_F(ServiceOnPrivateBus, AnswersAWriteWithPropertiesChangedAndItemsChanged) {
  start_service();
  SignalRecorder recorder(bus.address());
  ASSERT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string("Shed"))), 0);
  ASSERT_TRUE(
      wait_until([&] { return recorder.properties_changed().size() == 1 && recorder.items_changed().size() == 1; }));
  const auto p = recorder.properties_changed()[0];
  EXPECT_EQ(p.path, "/CustomName");
  EXPECT_EQ(as_string(p.changes.at("Value")), "Shed");
  EXPECT_EQ(as_string(p.changes.at("Text")), "Shed");
  EXPECT_EQ(keys_of(recorder.items_changed()[0]), (std::vector<std::string>{"/CustomName"}));
  ASSERT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string("Shed"))), 0);  // unchanged: no signal
  ASSERT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string("Barn"))), 0);
  ASSERT_TRUE(wait_until([&] { return recorder.properties_changed().size() == 2; }));
  EXPECT_EQ(as_string(recorder.properties_changed()[1].changes.at("Value")), "Barn");
}

TEST_F(ServiceOnPrivateBus, CanAlsoSendPropertiesChangedPerItemForLegacyClients) {
  settings.service.properties_changed = true;
  start_service();
  SignalRecorder recorder(bus.address());
  publish_and_wait(discharging_snapshot());
  ASSERT_TRUE(
      wait_until([&] { return recorder.properties_changed().size() == 44 && recorder.items_changed().size() == 1; }));
  std::map<std::string, ItemMap> by_path;
  for (const auto& p : recorder.properties_changed()) by_path[p.path] = p.changes;
  EXPECT_EQ(as_double(by_path.at("/Soc").at("Value")), 67.3);
  EXPECT_EQ(as_string(by_path.at("/Soc").at("Text")), "67.3%");
  EXPECT_EQ(service->stats().properties_changed_signals, 44u);
}

}  // namespace
}  // namespace bms::dbus::testing
