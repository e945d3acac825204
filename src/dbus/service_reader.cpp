#include "dbus/service_reader.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>

#include "core/dbus_names.hpp"
#include "dbus/variant_convert.hpp"

namespace bms::dbus {

struct ServiceReader::Impl {
  std::unique_ptr<sdbus::IConnection> connection;
  std::chrono::microseconds timeout;
};

namespace {
constexpr const char* kBusItem = "com.victronenergy.BusItem";
}  // namespace

ServiceReader::ServiceReader(const BusTarget& target, std::chrono::milliseconds call_timeout)
    : impl_(std::make_unique<Impl>()), description_(target.describe()) {
  impl_->timeout = call_timeout;
  try {
    impl_->connection = open_bus(target);
  } catch (const std::exception& e) {
    throw ServiceUnavailable("cannot connect to the " + description_ + ": " + e.what());
  }
}

ServiceReader::~ServiceReader() = default;

std::vector<std::string> ServiceReader::find_aggregators() {
  std::vector<std::string> names;
  try {
    auto bus = sdbus::createProxy(*impl_->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    bus->callMethod("ListNames").onInterface("org.freedesktop.DBus").withTimeout(impl_->timeout).storeResultsTo(names);
  } catch (const sdbus::Error& e) {
    throw ServiceUnavailable("cannot list the names on the " + description_ + ": " + e.getMessage());
  }
  std::vector<std::string> ours;
  for (const std::string& name : names) {
    if (!name.starts_with(kBatteryServicePrefix)) continue;
    try {
      sdbus::Variant v;
      sdbus::createProxy(*impl_->connection, name, "/Mgmt/ProcessName")
          ->callMethod("GetValue")
          .onInterface(kBusItem)
          .withTimeout(impl_->timeout)
          .storeResultsTo(v);
      if (v.containsValueOfType<std::string>() && v.get<std::string>() == "bms-aggregator") ours.push_back(name);
    } catch (const sdbus::Error&) {
      // A battery service that does not answer is not one of ours to show.
    }
  }
  std::sort(ours.begin(), ours.end());
  return ours;
}

std::map<std::string, BusValue> ServiceReader::read_items(const std::string& service) {
  std::map<std::string, std::map<std::string, sdbus::Variant>> raw;
  try {
    sdbus::createProxy(*impl_->connection, service, "/")
        ->callMethod("GetItems")
        .onInterface(kBusItem)
        .withTimeout(impl_->timeout)
        .storeResultsTo(raw);
  } catch (const sdbus::Error& e) {
    throw ServiceUnavailable(service + " on the " + description_ + " does not answer: " + e.getMessage());
  }
  std::map<std::string, BusValue> items;
  for (const auto& [path, fields] : raw) {
    const auto value = fields.find("Value");
    if (value == fields.end()) continue;
    items[path] = from_variant(value->second).value_or(BusValue{});
  }
  return items;
}

}  // namespace bms::dbus
