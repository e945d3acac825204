#pragma once
// The fixture of the D-Bus integration tests: a private bus, the service on it, a client.
#include <gtest/gtest.h>

#include <memory>

#include "bus_client.hpp"
#include "dbus/victron_battery_service.hpp"
#include "private_bus.hpp"
#include "test_snapshots.hpp"

namespace bms::dbus::testing {

using namespace std::chrono_literals;

class ServiceOnPrivateBus : public ::testing::Test {
 protected:
  void SetUp() override {
    settings = three_battery_settings(bus.address());
    settings.service.state_file = (bus.dir() / "state.toml").string();
  }
  void TearDown() override {
    if (service) service->stop();
  }

  /// Starts the service and waits until it owns its name.
  void start_service() {
    service = std::make_unique<VictronBatteryService>(settings, ServiceIdentity{}, RetryPolicy{20ms, 200ms});
    service->start();
    ASSERT_TRUE(wait_until([&] { return service->registered(); })) << "service never registered";
  }
  /// Publishes and waits until the bus thread has applied it.
  void publish_and_wait(const Snapshot& snapshot, PublishReason reason = PublishReason::Protective) {
    const auto before = service->stats().flushes;
    service->publish(snapshot, reason);
    ASSERT_TRUE(wait_until([&] { return service->stats().flushes > before; })) << "snapshot never applied";
  }
  BusClient& client() {
    if (!client_) client_ = std::make_unique<BusClient>(bus.address());
    return *client_;
  }

  PrivateBus bus;
  Settings settings;
  std::unique_ptr<VictronBatteryService> service;

 private:
  std::unique_ptr<BusClient> client_;
};

}  // namespace bms::dbus::testing
