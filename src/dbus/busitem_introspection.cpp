#include "dbus/busitem_introspection.hpp"

namespace bms::dbus {
namespace {

// sd-bus's own declaration of the interfaces it answers on every object.
constexpr std::string_view kHead =
    "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
    "\"https://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
    "<node>\n"
    " <interface name=\"org.freedesktop.DBus.Peer\">\n"
    "  <method name=\"Ping\"/>\n"
    "  <method name=\"GetMachineId\">\n"
    "   <arg type=\"s\" name=\"machine_uuid\" direction=\"out\"/>\n"
    "  </method>\n"
    " </interface>\n"
    " <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
    "  <method name=\"Introspect\">\n"
    "   <arg name=\"xml_data\" type=\"s\" direction=\"out\"/>\n"
    "  </method>\n"
    " </interface>\n"
    " <interface name=\"org.freedesktop.DBus.Properties\">\n"
    "  <method name=\"Get\">\n"
    "   <arg name=\"interface_name\" direction=\"in\" type=\"s\"/>\n"
    "   <arg name=\"property_name\" direction=\"in\" type=\"s\"/>\n"
    "   <arg name=\"value\" direction=\"out\" type=\"v\"/>\n"
    "  </method>\n"
    "  <method name=\"GetAll\">\n"
    "   <arg name=\"interface_name\" direction=\"in\" type=\"s\"/>\n"
    "   <arg name=\"props\" direction=\"out\" type=\"a{sv}\"/>\n"
    "  </method>\n"
    "  <method name=\"Set\">\n"
    "   <arg name=\"interface_name\" direction=\"in\" type=\"s\"/>\n"
    "   <arg name=\"property_name\" direction=\"in\" type=\"s\"/>\n"
    "   <arg name=\"value\" direction=\"in\" type=\"v\"/>\n"
    "  </method>\n"
    "  <signal name=\"PropertiesChanged\">\n"
    "   <arg type=\"s\" name=\"interface_name\"/>\n"
    "   <arg type=\"a{sv}\" name=\"changed_properties\"/>\n"
    "   <arg type=\"as\" name=\"invalidated_properties\"/>\n"
    "  </signal>\n"
    " </interface>\n"
    " <interface name=\"com.victronenergy.BusItem\">\n";

constexpr std::string_view kLeafMembers =
    "  <method name=\"GetDescription\">\n"
    "   <arg type=\"s\" direction=\"in\"/>\n"
    "   <arg type=\"i\" direction=\"in\"/>\n"
    "   <arg type=\"s\" direction=\"out\"/>\n"
    "  </method>\n"
    "  <method name=\"GetText\">\n"
    "   <arg type=\"s\" direction=\"out\"/>\n"
    "  </method>\n"
    "  <method name=\"GetValue\">\n"
    "   <arg type=\"v\" direction=\"out\"/>\n"
    "  </method>\n"
    "  <method name=\"SetValue\">\n"
    "   <arg type=\"v\" direction=\"in\"/>\n"
    "   <arg type=\"i\" direction=\"out\"/>\n"
    "  </method>\n"
    "  <signal name=\"PropertiesChanged\">\n"
    "   <arg type=\"a{sv}\"/>\n"
    "  </signal>\n";

constexpr std::string_view kGetItems =
    "  <method name=\"GetItems\">\n"
    "   <arg type=\"a{sa{sv}}\" direction=\"out\"/>\n"
    "  </method>\n";

constexpr std::string_view kNodeMembers =
    "  <method name=\"GetText\">\n"
    "   <arg type=\"v\" direction=\"out\"/>\n"
    "  </method>\n"
    "  <method name=\"GetValue\">\n"
    "   <arg type=\"v\" direction=\"out\"/>\n"
    "  </method>\n";

constexpr std::string_view kItemsChanged =
    "  <signal name=\"ItemsChanged\">\n"
    "   <arg type=\"a{sa{sv}}\"/>\n"
    "  </signal>\n";

}  // namespace

std::string introspection_xml(const ItemTree& tree, std::string_view path) {
  const bool leaf = tree.find(path) != nullptr;
  if (!leaf && !tree.is_node(path)) return {};
  const bool root = path == "/";
  std::string xml;
  xml.reserve(4096);
  xml += kHead;
  if (leaf) {
    xml += kLeafMembers;
  } else {
    if (root) xml += kGetItems;
    xml += kNodeMembers;
    if (root) xml += kItemsChanged;
  }
  xml += " </interface>\n";
  // Leaves below a node are in path order, and '/' sorts before every character a path
  // segment may hold, so the leaves under one child are adjacent: comparing with the last
  // child written is enough to list each once.
  std::string_view last;
  tree.for_each_below(path, [&](std::string_view relative, const Item&) {
    const std::string_view child = relative.substr(0, relative.find('/'));
    if (child == last) return;
    last = child;
    xml += " <node name=\"";
    xml += child;
    xml += "\"/>\n";
  });
  xml += "</node>\n";
  return xml;
}

}  // namespace bms::dbus
