#include "bus_client.hpp"

namespace bms::dbus::testing {

BusClient::BusClient(const std::string& address) : connection_(sdbus::createSessionBusConnectionWithAddress(address)) {}

std::unique_ptr<sdbus::IProxy> BusClient::proxy(const std::string& service, const std::string& path) {
  return sdbus::createProxy(*connection_, service, path);
}

sdbus::Variant BusClient::get_value(const std::string& path, const std::string& service) {
  sdbus::Variant v;
  proxy(service, path)->callMethod("GetValue").onInterface(kBusItem).storeResultsTo(v);
  return v;
}

std::string BusClient::get_text(const std::string& path, const std::string& service) {
  std::string s;
  proxy(service, path)->callMethod("GetText").onInterface(kBusItem).storeResultsTo(s);
  return s;
}

sdbus::Variant BusClient::get_node_text(const std::string& path, const std::string& service) {
  sdbus::Variant v;
  proxy(service, path)->callMethod("GetText").onInterface(kBusItem).storeResultsTo(v);
  return v;
}

std::int32_t BusClient::set_value(const std::string& path, const sdbus::Variant& value, const std::string& service) {
  std::int32_t r = -1;
  proxy(service, path)->callMethod("SetValue").onInterface(kBusItem).withArguments(value).storeResultsTo(r);
  return r;
}

std::string BusClient::get_description(const std::string& path, const std::string& service) {
  std::string s;
  proxy(service, path)
      ->callMethod("GetDescription")
      .onInterface(kBusItem)
      .withArguments(std::string("en"), std::int32_t{0})
      .storeResultsTo(s);
  return s;
}

ItemsMap BusClient::get_items(const std::string& service) {
  ItemsMap items;
  proxy(service, "/")->callMethod("GetItems").onInterface(kBusItem).storeResultsTo(items);
  return items;
}

std::string BusClient::introspect(const std::string& path, const std::string& service) {
  std::string xml;
  proxy(service, path)->callMethod("Introspect").onInterface("org.freedesktop.DBus.Introspectable").storeResultsTo(xml);
  return xml;
}

bool BusClient::name_has_owner(const std::string& name) {
  bool has = false;
  proxy("org.freedesktop.DBus", "/org/freedesktop/DBus")
      ->callMethod("NameHasOwner")
      .onInterface("org.freedesktop.DBus")
      .withArguments(name)
      .storeResultsTo(has);
  return has;
}

std::string BusClient::error_of(const std::string& path, const std::string& method, const std::string& service) {
  try {
    auto p = proxy(service, path);
    auto call = p->createMethodCall(kBusItem, method);
    (void)p->callMethod(call);
  } catch (const sdbus::Error& e) {
    return e.getName();
  }
  return "";
}

SignalRecorder::SignalRecorder(const std::string& address)
    : connection_(sdbus::createSessionBusConnectionWithAddress(address)) {
  items_slot_ = connection_->addMatch("type='signal',interface='com.victronenergy.BusItem',member='ItemsChanged'",
                                      [this](sdbus::Message& msg) {
                                        ItemsMap items;
                                        msg >> items;
                                        std::lock_guard lock(mutex_);
                                        items_.push_back(std::move(items));
                                      });
  properties_slot_ = connection_->addMatch(
      "type='signal',interface='com.victronenergy.BusItem',member='PropertiesChanged'", [this](sdbus::Message& msg) {
        Properties p;
        p.path = msg.getPath();
        msg >> p.changes;
        std::lock_guard lock(mutex_);
        properties_.push_back(std::move(p));
      });
  connection_->enterEventLoopAsync();
}

SignalRecorder::~SignalRecorder() {
  connection_->leaveEventLoop();
  items_slot_.reset();
  properties_slot_.reset();
}

std::vector<ItemsMap> SignalRecorder::items_changed() const {
  std::lock_guard lock(mutex_);
  return items_;
}

std::vector<SignalRecorder::Properties> SignalRecorder::properties_changed() const {
  std::lock_guard lock(mutex_);
  return properties_;
}

}  // namespace bms::dbus::testing
