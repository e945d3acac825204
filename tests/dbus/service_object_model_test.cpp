// What each path is on the bus, pinned call by call: the BusItem members a leaf, a node and
// "/" declare in Introspect (with their signatures) and the children they list; the errors
// for a member a path does not have, for wrong arguments and for paths that do not exist;
// org.freedesktop.DBus.Properties on our paths. These hold whatever serves the tree (one
// object per path or one fallback for all of them).
#include <regex>
#include <set>

#include "service_fixture.hpp"

namespace bms::dbus::testing {
namespace {

/// The com.victronenergy.BusItem part of an Introspect answer, one line per member in name
/// order: "GetDescription(si) -> s", "signal PropertiesChanged(a{sv})".
std::vector<std::string> busitem_members(const std::string& xml) {
  const std::string open = "<interface name=\"com.victronenergy.BusItem\">";
  const auto begin = xml.find(open);
  if (begin == std::string::npos) return {};
  const auto end = xml.find("</interface>", begin);
  const std::string body = xml.substr(begin + open.size(), end - begin - open.size());
  std::set<std::string> members;
  static const std::regex member(R"re(<(method|signal) name="(\w+)"(/>|>([\s\S]*?)</(method|signal)>))re");
  static const std::regex arg(R"re(<arg type="([^"]+)"( direction="(in|out)")?/>)re");
  for (auto m = std::sregex_iterator(body.begin(), body.end(), member); m != std::sregex_iterator(); ++m) {
    const std::string args = (*m)[4];
    std::string in;
    std::string out;
    for (auto a = std::sregex_iterator(args.begin(), args.end(), arg); a != std::sregex_iterator(); ++a) {
      ((*a)[3] == "out" ? out : in) += (*a)[1];
    }
    members.insert((*m)[1] == "signal" ? "signal " + std::string((*m)[2]) + "(" + in + ")"
                                       : std::string((*m)[2]) + "(" + in + ") -> " + out);
  }
  return {members.begin(), members.end()};
}

/// The <node name="..."/> children of an Introspect answer, sorted.
std::vector<std::string> children(const std::string& xml) {
  static const std::regex node(R"re(<node name="([^"]+)"/>)re");
  std::set<std::string> names;
  for (auto m = std::sregex_iterator(xml.begin(), xml.end(), node); m != std::sregex_iterator(); ++m) {
    names.insert((*m)[1]);
  }
  return {names.begin(), names.end()};
}

/// Every interface an Introspect answer declares, in order.
std::vector<std::string> interfaces(const std::string& xml) {
  static const std::regex iface(R"re(<interface name="([^"]+)">)re");
  std::vector<std::string> names;
  for (auto m = std::sregex_iterator(xml.begin(), xml.end(), iface); m != std::sregex_iterator(); ++m) {
    names.push_back((*m)[1]);
  }
  return names;
}

/// Calls `method` on `interface` at `path` with the arguments `add` appends; returns the D-Bus
/// error name, "" when it succeeded.
template <typename Add>
std::string error_of_call(const std::string& address, const std::string& path, const std::string& interface,
                          const std::string& method, Add add) {
  auto connection = sdbus::createSessionBusConnectionWithAddress(address);
  auto proxy = sdbus::createProxy(*connection, kService, path);
  try {
    auto call = proxy->createMethodCall(interface, method);
    add(call);
    (void)proxy->callMethod(call);
  } catch (const sdbus::Error& e) {
    return e.getName();
  }
  return "";
}

const std::vector<std::string> kLeafMembers{"GetDescription(si) -> s", "GetText() -> s", "GetValue() -> v",
                                            "SetValue(v) -> i", "signal PropertiesChanged(a{sv})"};
const std::vector<std::string> kNodeMembers{"GetText() -> v", "GetValue() -> v"};
const std::vector<std::string> kRootMembers{"GetItems() -> a{sa{sv}}", "GetText() -> v", "GetValue() -> v",
                                            "signal ItemsChanged(a{sa{sv}})"};

TEST_F(ServiceOnPrivateBus, IntrospectDeclaresExactlyTheMembersOfALeafANodeAndTheRoot) {
  start_service();
  EXPECT_EQ(busitem_members(client().introspect("/Dc/0/Voltage")), kLeafMembers);
  EXPECT_EQ(busitem_members(client().introspect("/CustomName")), kLeafMembers);
  EXPECT_EQ(busitem_members(client().introspect("/Batteries/2/System/MinVoltageCellId")), kLeafMembers);
  EXPECT_EQ(busitem_members(client().introspect("/Dc")), kNodeMembers);
  EXPECT_EQ(busitem_members(client().introspect("/Batteries/1")), kNodeMembers);
  EXPECT_EQ(busitem_members(client().introspect("/History")), kNodeMembers);
  EXPECT_EQ(busitem_members(client().introspect("/")), kRootMembers);
}

TEST_F(ServiceOnPrivateBus, IntrospectDeclaresTheStandardInterfacesOnEveryPath) {
  start_service();
  const std::vector<std::string> expected{"org.freedesktop.DBus.Peer", "org.freedesktop.DBus.Introspectable",
                                          "org.freedesktop.DBus.Properties", "com.victronenergy.BusItem"};
  for (const char* path : {"/", "/Dc/0", "/Soc"}) EXPECT_EQ(interfaces(client().introspect(path)), expected) << path;
}

TEST_F(ServiceOnPrivateBus, IntrospectListsExactlyTheDirectChildren) {
  start_service();
  EXPECT_EQ(children(client().introspect("/")), (std::vector<std::string>{"Alarms",
                                                                          "Batteries",
                                                                          "Capacity",
                                                                          "Connected",
                                                                          "ConsumedAmphours",
                                                                          "CustomName",
                                                                          "Dc",
                                                                          "DeviceInstance",
                                                                          "FirmwareVersion",
                                                                          "HardwareVersion",
                                                                          "History",
                                                                          "Info",
                                                                          "InstalledCapacity",
                                                                          "Io",
                                                                          "Mgmt",
                                                                          "ProductId",
                                                                          "ProductName",
                                                                          "Serial",
                                                                          "Soc",
                                                                          "Soh",
                                                                          "System",
                                                                          "TimeToGo"}));
  EXPECT_EQ(children(client().introspect("/Dc")), (std::vector<std::string>{"0"}));
  EXPECT_EQ(children(client().introspect("/Dc/0")),
            (std::vector<std::string>{"Current", "Power", "Temperature", "Voltage"}));
  EXPECT_EQ(children(client().introspect("/Batteries")), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(children(client().introspect("/Batteries/0")),
            (std::vector<std::string>{"Alarms", "BlockingCharge", "BlockingDischarge", "Dc", "Info",
                                      "InstalledCapacity", "Name", "Online", "Soc", "Source", "System"}));
  EXPECT_EQ(children(client().introspect("/Soc")), std::vector<std::string>{});
}

TEST_F(ServiceOnPrivateBus, AnswersUnknownMethodForAMemberThePathDoesNotHave) {
  start_service();
  const std::string unknown_method = "org.freedesktop.DBus.Error.UnknownMethod";
  const auto none = [](sdbus::MethodCall&) {};
  EXPECT_EQ(error_of_call(bus.address(), "/Dc", kBusItem, "SetValue", [](sdbus::MethodCall& c) { c << 1.0; }),
            unknown_method);
  EXPECT_EQ(error_of_call(bus.address(), "/", kBusItem, "GetDescription",
                          [](sdbus::MethodCall& c) { c << std::string("en") << std::int32_t{0}; }),
            unknown_method);
  EXPECT_EQ(error_of_call(bus.address(), "/Dc", kBusItem, "GetItems", none), unknown_method);
  EXPECT_EQ(error_of_call(bus.address(), "/Soc", kBusItem, "GetItems", none), unknown_method);
  EXPECT_EQ(error_of_call(bus.address(), "/Soc", kBusItem, "Frobnicate", none), unknown_method);
  EXPECT_EQ(error_of_call(bus.address(), "/Soc", "com.example.Other", "GetValue", none), unknown_method);
}

TEST_F(ServiceOnPrivateBus, AnswersInvalidArgsForWrongArguments) {
  start_service();
  const std::string invalid_args = "org.freedesktop.DBus.Error.InvalidArgs";
  EXPECT_EQ(error_of_call(bus.address(), "/Soc", kBusItem, "GetValue", [](sdbus::MethodCall& c) { c << 1.0; }),
            invalid_args);
  EXPECT_EQ(error_of_call(bus.address(), "/CustomName", kBusItem, "SetValue",
                          [](sdbus::MethodCall& c) { c << std::string("not in a variant"); }),
            invalid_args);
  EXPECT_EQ(error_of_call(bus.address(), "/Soc", kBusItem, "GetDescription",
                          [](sdbus::MethodCall& c) { c << std::string("en"); }),
            invalid_args);
  EXPECT_EQ(error_of_call(bus.address(), "/Soc", kBusItem, "GetDescription",
                          [](sdbus::MethodCall& c) { c << std::string("en") << std::int32_t{0}; }),
            "");
}

TEST_F(ServiceOnPrivateBus, TakesAnEmptyArrayOfAnyTypeInSetValueAsInvalid) {
  start_service();
  // /CustomName refuses invalid (2); a value it cannot read at all would be 1.
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::vector<std::int32_t>{})), 2);
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::vector<std::string>{})), 2);
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::map<std::string, sdbus::Variant>{})), 2);
  EXPECT_EQ(client().set_value("/CustomName", sdbus::Variant(std::vector<std::string>{"x"})), 1);
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "House Batteries");
}

TEST_F(ServiceOnPrivateBus, AnswersUnknownObjectForEveryCallOnAPathOutsideTheTree) {
  start_service();
  const std::string unknown_object = "org.freedesktop.DBus.Error.UnknownObject";
  const auto none = [](sdbus::MethodCall&) {};
  for (const char* path : {"/Nope", "/Dc/1", "/Dc/0/Voltage/Deeper", "/Batteries/3/Soc", "/soc"}) {
    EXPECT_EQ(error_of_call(bus.address(), path, kBusItem, "GetValue", none), unknown_object) << path;
    EXPECT_EQ(error_of_call(bus.address(), path, "org.freedesktop.DBus.Introspectable", "Introspect", none),
              unknown_object)
        << path;
  }
}

TEST_F(ServiceOnPrivateBus, AnswersPropertiesGetAllWithNoPropertiesOnEveryPath) {
  start_service();
  auto connection = sdbus::createSessionBusConnectionWithAddress(bus.address());
  for (const char* path : {"/", "/Dc", "/Soc"}) {
    auto proxy = sdbus::createProxy(*connection, kService, path);
    std::map<std::string, sdbus::Variant> properties;
    proxy->callMethod("GetAll")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(std::string(kBusItem))
        .storeResultsTo(properties);
    EXPECT_TRUE(properties.empty()) << path;
  }
}

}  // namespace
}  // namespace bms::dbus::testing
