// The Introspect answer made for each path of the tree: the members of its kind, each direct
// child once, nothing for a path off the tree.
#include "dbus/busitem_introspection.hpp"

#include <gtest/gtest.h>

namespace bms::dbus {
namespace {

ItemTree tree_with_look_alike_names() {
  ItemTree tree;
  // "/A0" and "/Ab" sort between and after the leaves under "/A": a child must still be
  // listed once, and "A0" is not part of "A".
  for (const char* path : {"/A/x", "/A/y", "/A0", "/Ab/z", "/B"}) tree.add(path, ItemSpec{});
  return tree;
}

std::string children_part(const std::string& xml) {
  const std::string last_interface_end = " </interface>\n";  // the children follow it
  const auto end = xml.rfind(last_interface_end);
  return end == std::string::npos ? "" : xml.substr(end + last_interface_end.size());
}

TEST(BusItemIntrospection, ListsEveryDirectChildOnceInPathOrder) {
  const ItemTree tree = tree_with_look_alike_names();
  EXPECT_EQ(children_part(introspection_xml(tree, "/")),
            " <node name=\"A\"/>\n <node name=\"A0\"/>\n <node name=\"Ab\"/>\n <node name=\"B\"/>\n</node>\n");
  EXPECT_EQ(children_part(introspection_xml(tree, "/A")), " <node name=\"x\"/>\n <node name=\"y\"/>\n</node>\n");
  EXPECT_EQ(children_part(introspection_xml(tree, "/Ab")), " <node name=\"z\"/>\n</node>\n");
  EXPECT_EQ(children_part(introspection_xml(tree, "/A0")), "</node>\n");
}

TEST(BusItemIntrospection, DeclaresTheLeafMembersOnALeafOnly) {
  const ItemTree tree = tree_with_look_alike_names();
  const std::string leaf = introspection_xml(tree, "/A/x");
  const std::string node = introspection_xml(tree, "/A");
  for (const char* member : {"<method name=\"SetValue\">", "<method name=\"GetDescription\">",
                             "<signal name=\"PropertiesChanged\">\n   <arg type=\"a{sv}\"/>"}) {
    EXPECT_NE(leaf.find(member), std::string::npos) << member;
    EXPECT_EQ(node.find(member), std::string::npos) << member;
  }
  EXPECT_NE(leaf.find("<method name=\"GetText\">\n   <arg type=\"s\" direction=\"out\"/>"), std::string::npos);
  EXPECT_NE(node.find("<method name=\"GetText\">\n   <arg type=\"v\" direction=\"out\"/>"), std::string::npos);
}

TEST(BusItemIntrospection, DeclaresGetItemsAndItemsChangedOnTheRootOnly) {
  const ItemTree tree = tree_with_look_alike_names();
  const std::string root = introspection_xml(tree, "/");
  EXPECT_NE(root.find("<method name=\"GetItems\">\n   <arg type=\"a{sa{sv}}\" direction=\"out\"/>"), std::string::npos);
  EXPECT_NE(root.find("<signal name=\"ItemsChanged\">"), std::string::npos);
  EXPECT_EQ(introspection_xml(tree, "/A").find("GetItems"), std::string::npos);
  EXPECT_EQ(introspection_xml(tree, "/B").find("ItemsChanged"), std::string::npos);
}

TEST(BusItemIntrospection, GivesNothingForAPathOffTheTree) {
  const ItemTree tree = tree_with_look_alike_names();
  EXPECT_EQ(introspection_xml(tree, "/C"), "");
  EXPECT_EQ(introspection_xml(tree, "/A/x/deeper"), "");
  EXPECT_EQ(introspection_xml(tree, "/A/"), "");
}

}  // namespace
}  // namespace bms::dbus
