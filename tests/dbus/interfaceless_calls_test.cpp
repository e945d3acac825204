// Method calls without an interface name, as velib's VeDbusItemImport and DbusMonitor (in
// dbus-systemcalc-py) make them, sent here with sd-bus directly (sdbus-c++ always names one).
#include <systemd/sd-bus.h>

#include "service_fixture.hpp"

namespace bms::dbus::testing {
namespace {

/// A raw sd-bus client on the private bus.
class RawClient {
 public:
  explicit RawClient(const std::string& address) {
    EXPECT_GE(sd_bus_new(&bus_), 0);
    EXPECT_GE(sd_bus_set_address(bus_, address.c_str()), 0);
    EXPECT_GE(sd_bus_set_bus_client(bus_, 1), 0);
    EXPECT_GE(sd_bus_start(bus_), 0);
  }
  ~RawClient() { sd_bus_flush_close_unref(bus_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  /// Calls `member` on `path` with no interface. @return the reply (caller unrefs) or nullptr
  /// with the error name in `error_name`.
  sd_bus_message* call(const char* path, const char* member, std::string* error_name = nullptr,
                       sd_bus_message* args = nullptr) {
    sd_bus_message* m = args;
    if (m == nullptr) {
      EXPECT_GE(sd_bus_message_new_method_call(bus_, &m, kService, path, nullptr, member), 0);
    }
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    const int r = sd_bus_call(bus_, m, 5'000'000, &error, &reply);
    if (r < 0 && error_name != nullptr) *error_name = error.name != nullptr ? error.name : "";
    sd_bus_error_free(&error);
    sd_bus_message_unref(m);
    return r < 0 ? nullptr : reply;
  }
  sd_bus* bus() { return bus_; }

 private:
  sd_bus* bus_ = nullptr;
};

TEST_F(ServiceOnPrivateBus, AnswersGetValueAndGetTextWithoutAnInterface) {
  start_service();
  publish_and_wait(discharging_snapshot());
  RawClient raw(bus.address());
  sd_bus_message* reply = raw.call("/Soc", "GetValue");
  ASSERT_NE(reply, nullptr);
  double soc = 0;
  ASSERT_GE(sd_bus_message_read(reply, "v", "d", &soc), 0);
  EXPECT_EQ(soc, 67.3);
  sd_bus_message_unref(reply);

  reply = raw.call("/DeviceInstance", "GetValue");  // DbusMonitor's first call on a new service
  ASSERT_NE(reply, nullptr);
  std::int32_t instance = 0;
  ASSERT_GE(sd_bus_message_read(reply, "v", "i", &instance), 0);
  EXPECT_EQ(instance, 280);
  sd_bus_message_unref(reply);

  reply = raw.call("/Soc", "GetText");
  ASSERT_NE(reply, nullptr);
  const char* text = nullptr;
  ASSERT_GE(sd_bus_message_read(reply, "s", &text), 0);
  EXPECT_STREQ(text, "67.3%");
  sd_bus_message_unref(reply);
}

TEST_F(ServiceOnPrivateBus, AnswersTreeCallsWithoutAnInterface) {
  start_service();
  publish_and_wait(discharging_snapshot());
  RawClient raw(bus.address());
  sd_bus_message* reply = raw.call("/Dc/0", "GetValue");
  ASSERT_NE(reply, nullptr);
  EXPECT_STREQ(sd_bus_message_get_signature(reply, true), "v");
  ASSERT_GE(sd_bus_message_enter_container(reply, 'v', "a{sv}"), 0);
  ASSERT_GE(sd_bus_message_enter_container(reply, 'a', "{sv}"), 0);
  std::vector<std::string> keys;
  while (sd_bus_message_enter_container(reply, 'e', "sv") > 0) {
    const char* key = nullptr;
    ASSERT_GE(sd_bus_message_read(reply, "s", &key), 0);
    keys.emplace_back(key);
    ASSERT_GE(sd_bus_message_skip(reply, "v"), 0);
    ASSERT_GE(sd_bus_message_exit_container(reply), 0);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"Current", "Power", "Temperature", "Voltage"}));
  sd_bus_message_unref(reply);

  reply = raw.call("/", "GetItems");
  ASSERT_NE(reply, nullptr);
  EXPECT_STREQ(sd_bus_message_get_signature(reply, true), "a{sa{sv}}");
  sd_bus_message_unref(reply);

  reply = raw.call("/System", "GetText");
  ASSERT_NE(reply, nullptr);
  ASSERT_GE(sd_bus_message_enter_container(reply, 'v', "a{ss}"), 0);
  sd_bus_message_unref(reply);
}

TEST_F(ServiceOnPrivateBus, AcceptsSetValueWithoutAnInterfaceLikeVeDbusItemImport) {
  start_service();
  RawClient raw(bus.address());
  const auto set = [&](const char* path, auto append) {
    sd_bus_message* m = nullptr;
    EXPECT_GE(sd_bus_message_new_method_call(raw.bus(), &m, kService, path, nullptr, "SetValue"), 0);
    append(m);
    sd_bus_message* reply = raw.call(path, "SetValue", nullptr, m);
    std::int32_t result = -1;
    if (reply != nullptr) {
      EXPECT_GE(sd_bus_message_read(reply, "i", &result), 0);
    }
    sd_bus_message_unref(reply);
    return result;
  };
  EXPECT_EQ(set("/CustomName", [](sd_bus_message* m) { sd_bus_message_append(m, "v", "s", "Loft"); }), 0);
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "Loft");
  EXPECT_EQ(set("/CustomName", [](sd_bus_message* m) { sd_bus_message_append(m, "v", "i", 7); }), 1);
  EXPECT_EQ(set("/CustomName",
                [](sd_bus_message* m) {
                  sd_bus_message_open_container(m, 'v', "ai");
                  sd_bus_message_append_array(m, 'i', nullptr, 0);
                  sd_bus_message_close_container(m);
                }),
            2);
  EXPECT_EQ(set("/Soc", [](sd_bus_message* m) { sd_bus_message_append(m, "v", "d", 1.0); }), 1);
}

TEST_F(ServiceOnPrivateBus, StillAnswersUnknownObjectWithoutAnInterface) {
  start_service();
  RawClient raw(bus.address());
  std::string error;
  EXPECT_EQ(raw.call("/Nope", "GetValue", &error), nullptr);
  EXPECT_EQ(error, "org.freedesktop.DBus.Error.UnknownObject");
  error.clear();
  EXPECT_EQ(raw.call("/Soc", "Frobnicate", &error), nullptr);
  EXPECT_EQ(
      error,
      "org.freedesktop.DBus.Error.UnknownObject");  // what sd-bus says for any interface-less call it cannot place
}

}  // namespace
}  // namespace bms::dbus::testing
