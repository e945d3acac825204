// The service and its bus over time: leaving, a bus that goes away and comes back, a bus that
// is not there yet, the custom name across restarts.
#include "service_fixture.hpp"

namespace bms::dbus::testing {
namespace {

TEST_F(ServiceOnPrivateBus, ReleasesItsNameWhenStopped) {
  start_service();
  EXPECT_TRUE(client().name_has_owner());
  service->stop();
  EXPECT_FALSE(service->registered());
  EXPECT_TRUE(wait_until([&] { return !client().name_has_owner(); }));
}

TEST_F(ServiceOnPrivateBus, KeepsTakingSnapshotsWithoutTheBusAndRegistersAgainWhenItIsBack) {
  start_service();
  publish_and_wait(discharging_snapshot());
  bus.stop();
  ASSERT_TRUE(wait_until([&] { return !service->registered(); }));
  // The aggregator side never waits for the bus.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) service->publish(one_offline_snapshot(), PublishReason::Protective);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  bus.start();
  ASSERT_TRUE(wait_until([&] { return service->stats().registrations == 2 && service->registered(); }));
  EXPECT_EQ(service->stats().bus_losses, 1u);
  BusClient fresh(bus.address());
  EXPECT_EQ(as_double(fresh.get_value("/Soc")), 61.5);
  EXPECT_EQ(as_int(fresh.get_value("/System/NrOfModulesOffline")), 1);
  EXPECT_EQ(fresh.get_items().size(), 167u);
}

TEST_F(ServiceOnPrivateBus, WaitsForABusThatIsNotUpYet) {
  bus.stop();
  service = std::make_unique<VictronBatteryService>(settings, ServiceIdentity{}, RetryPolicy{20ms, 100ms});
  service->start();
  service->publish(discharging_snapshot(), PublishReason::Periodic);
  ASSERT_TRUE(wait_until([&] { return service->stats().flushes == 1; }));
  EXPECT_FALSE(service->registered());
  bus.start();
  ASSERT_TRUE(wait_until([&] { return service->registered(); }));
  EXPECT_EQ(as_double(client().get_value("/Soc")), 67.3);
}

TEST_F(ServiceOnPrivateBus, KeepsTheCustomNameAcrossRestarts) {
  start_service();
  ASSERT_EQ(client().set_value("/CustomName", sdbus::Variant(std::string("Boat house"))), 0);
  service->stop();
  service.reset();
  start_service();
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "Boat house");
}

TEST_F(ServiceOnPrivateBus, UsesTheConfiguredIdentity) {
  settings.service.device_instance = 281;
  settings.service.product_id = 0xBA91;
  settings.service.product_name = "Bank aggregate";
  settings.service.state_file.clear();
  start_service();
  EXPECT_EQ(as_int(client().get_value("/DeviceInstance")), 281);
  EXPECT_EQ(as_int(client().get_value("/ProductId")), 0xBA91);
  EXPECT_EQ(as_string(client().get_value("/ProductName")), "Bank aggregate");
  EXPECT_EQ(as_string(client().get_value("/Serial")), "BMSAGG281");
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "House Batteries");
  EXPECT_EQ(as_string(client().get_value("/Mgmt/Connection")), "CAN can0, can2, can1");
}

}  // namespace
}  // namespace bms::dbus::testing
