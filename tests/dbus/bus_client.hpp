#pragma once
// A client that reads the service the way Venus OS does, over sdbus-c++ on the private bus.
#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bms::dbus::testing {

using ItemMap = std::map<std::string, sdbus::Variant>;
using ItemsMap = std::map<std::string, ItemMap>;

inline constexpr const char* kService = "com.victronenergy.battery.aggregator_di280";
inline constexpr const char* kBusItem = "com.victronenergy.BusItem";

/// Synchronous calls on its own connection.
class BusClient {
 public:
  explicit BusClient(const std::string& address);
  [[nodiscard]] sdbus::Variant get_value(const std::string& path, const std::string& service = kService);
  [[nodiscard]] std::string get_text(const std::string& path, const std::string& service = kService);
  [[nodiscard]] sdbus::Variant get_node_text(const std::string& path, const std::string& service = kService);
  [[nodiscard]] std::int32_t set_value(const std::string& path, const sdbus::Variant& value,
                                       const std::string& service = kService);
  [[nodiscard]] std::string get_description(const std::string& path, const std::string& service = kService);
  [[nodiscard]] ItemsMap get_items(const std::string& service = kService);
  [[nodiscard]] std::string introspect(const std::string& path, const std::string& service = kService);
  [[nodiscard]] bool name_has_owner(const std::string& name = kService);
  /// Calls `method` without arguments and returns the D-Bus error name ("" when it succeeded).
  [[nodiscard]] std::string error_of(const std::string& path, const std::string& method,
                                     const std::string& service = kService);

 private:
  std::unique_ptr<sdbus::IProxy> proxy(const std::string& service, const std::string& path);
  std::unique_ptr<sdbus::IConnection> connection_;
};

/// Records every ItemsChanged and BusItem PropertiesChanged on the bus, on its own thread.
class SignalRecorder {
 public:
  explicit SignalRecorder(const std::string& address);
  ~SignalRecorder();
  struct Properties {
    std::string path;
    ItemMap changes;
  };
  [[nodiscard]] std::vector<ItemsMap> items_changed() const;
  [[nodiscard]] std::vector<Properties> properties_changed() const;

 private:
  std::unique_ptr<sdbus::IConnection> connection_;
  sdbus::Slot items_slot_;
  sdbus::Slot properties_slot_;
  mutable std::mutex mutex_;
  std::vector<ItemsMap> items_;
  std::vector<Properties> properties_;
};

/// Helpers to read variants in assertions.
[[nodiscard]] inline double as_double(const sdbus::Variant& v) { return v.get<double>(); }
[[nodiscard]] inline std::int32_t as_int(const sdbus::Variant& v) { return v.get<std::int32_t>(); }
[[nodiscard]] inline std::string as_string(const sdbus::Variant& v) { return v.get<std::string>(); }
/// True for Venus's invalid: an empty int32 array.
[[nodiscard]] inline bool is_invalid(const sdbus::Variant& v) {
  return v.peekValueType() == "ai" && v.get<std::vector<std::int32_t>>().empty();
}

}  // namespace bms::dbus::testing
