#pragma once
/// @file service_reader.hpp
/// The client side of our battery service, for `bms-aggregator status`: find the service on
/// a bus and read all its items with one GetItems call, as Venus's own clients do.

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dbus/bus_target.hpp"
#include "dbus/bus_value.hpp"

namespace bms::dbus {

/// Thrown when the bus cannot be reached or the service does not answer; what() says which.
struct ServiceUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ServiceReader {
 public:
  /// Connects to `target`. @throws ServiceUnavailable naming the bus when it cannot connect.
  explicit ServiceReader(const BusTarget& target, std::chrono::milliseconds call_timeout = std::chrono::seconds(2));
  ~ServiceReader();
  ServiceReader(const ServiceReader&) = delete;
  ServiceReader& operator=(const ServiceReader&) = delete;

  /// Names `com.victronenergy.battery.*` on the bus whose /Mgmt/ProcessName is
  /// "bms-aggregator", sorted. Other battery services (Venus's own BMS drivers) are skipped.
  [[nodiscard]] std::vector<std::string> find_aggregators();

  /// Every item of `service` (GetItems on "/"): path -> value, invalid as monostate.
  /// @throws ServiceUnavailable when the name has no owner or the call fails.
  [[nodiscard]] std::map<std::string, BusValue> read_items(const std::string& service);

  [[nodiscard]] const std::string& bus_description() const noexcept { return description_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string description_;
};

}  // namespace bms::dbus
