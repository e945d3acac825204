// The BusItem model without a bus: paths, nodes, relative keys, changes, SetValue results.
#include "dbus/item_tree.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bms::dbus {
namespace {

ItemSpec volts() {
  ItemSpec s;
  s.kind = ValueKind::Double;
  s.text = [](const BusValue& v) { return format_number(v, 2, "V"); };
  return s;
}

ItemSpec writeable_name() {
  ItemSpec s;
  s.kind = ValueKind::String;
  s.writeable = true;
  s.validate = [](const BusValue& v) {
    return std::holds_alternative<std::string>(v) && std::get<std::string>(v) != "bad";
  };
  return s;
}

TEST(AnItemTree, DerivesEveryNodeAboveItsLeavesRootFirst) {
  ItemTree tree;
  tree.add("/Dc/0/Voltage", volts());
  tree.add("/Dc/0/Current", volts());
  tree.add("/Soc", volts());
  EXPECT_EQ(tree.nodes(), (std::vector<std::string>{"/", "/Dc", "/Dc/0"}));
  EXPECT_TRUE(tree.is_node("/Dc"));
  EXPECT_FALSE(tree.is_node("/Soc"));
  EXPECT_TRUE(tree.find("/Soc") != nullptr);
  EXPECT_FALSE(tree.find("/Dc") != nullptr);
}

TEST(AnItemTree, RefusesMalformedDuplicateAndLeafOverLeafPaths) {
  ItemTree tree;
  tree.add("/Dc/0/Voltage", volts());
  EXPECT_THROW(tree.add("/Dc/0/Voltage", volts()), std::invalid_argument);
  EXPECT_THROW(tree.add("/Dc/0", volts()), std::invalid_argument);            // already a node
  EXPECT_THROW(tree.add("/Dc/0/Voltage/X", volts()), std::invalid_argument);  // below a leaf
  EXPECT_THROW(tree.add("Soc", volts()), std::invalid_argument);
  EXPECT_THROW(tree.add("/Soc/", volts()), std::invalid_argument);
  EXPECT_THROW(tree.add("/A//B", volts()), std::invalid_argument);
  EXPECT_THROW(tree.add("/A-B", volts()), std::invalid_argument);
  EXPECT_THROW(tree.add("/", volts()), std::invalid_argument);
}

TEST(AnItemTree, StartsInvalidWithThreeDashes) {
  ItemTree tree;
  tree.add("/Soc", volts());
  EXPECT_FALSE(is_valid(tree.find("/Soc")->value));
  EXPECT_EQ(tree.find("/Soc")->text, "---");
}

TEST(AnItemTree, ReportsOnlyChangedItemsSortedAndOnce) {
  ItemTree tree;
  tree.add("/B", volts());
  tree.add("/A", volts());
  EXPECT_TRUE(tree.set("/B", 53.2));
  EXPECT_TRUE(tree.set("/A", 1.0));
  EXPECT_TRUE(tree.set("/B", 53.25));
  EXPECT_EQ(tree.take_changes(), (std::vector<std::string>{"/A", "/B"}));
  EXPECT_FALSE(tree.set("/B", 53.25));
  EXPECT_TRUE(tree.take_changes().empty());
  EXPECT_EQ(tree.find("/B")->text, "53.25V");
  EXPECT_TRUE(tree.set("/B", BusValue{}));
  EXPECT_EQ(tree.find("/B")->text, "---");
  EXPECT_EQ(tree.take_changes(), (std::vector<std::string>{"/B"}));
}

TEST(AnItemTree, RejectsALocalValueOfTheWrongKind) {
  ItemTree tree;
  tree.add("/Soc", volts());
  EXPECT_THROW(tree.set("/Soc", std::string("x")), std::invalid_argument);
  EXPECT_THROW(tree.set("/Nope", 1.0), std::invalid_argument);
}

TEST(AnItemTree, GivesKeysRelativeToTheNodeWithoutLeadingSlash) {
  ItemTree tree;
  tree.add("/Dc/0/Voltage", volts());
  tree.add("/Dc/0/Current", volts());
  tree.add("/Dcx", volts());  // shares the prefix "/Dc" but is not below the node /Dc
  tree.add("/Soc", volts());
  std::vector<std::string> keys;
  const auto collect = [&](std::string_view k, const Item&) { keys.emplace_back(k); };
  tree.for_each_below("/", collect);
  EXPECT_EQ(keys, (std::vector<std::string>{"Dc/0/Current", "Dc/0/Voltage", "Dcx", "Soc"}));
  keys.clear();
  tree.for_each_below("/Dc", collect);
  EXPECT_EQ(keys, (std::vector<std::string>{"0/Current", "0/Voltage"}));
  keys.clear();
  tree.for_each_below("/Dc/0", collect);
  EXPECT_EQ(keys, (std::vector<std::string>{"Current", "Voltage"}));
}

TEST(AnItemTree, AnswersSetValueZeroOneOrTwo) {
  ItemTree tree;
  tree.add("/Soc", volts());
  tree.add("/CustomName", writeable_name());
  EXPECT_EQ(tree.set_from_bus("/Soc", 1.0), SetResult::NotWriteable);
  EXPECT_EQ(tree.set_from_bus("/Missing", 1.0), SetResult::NotWriteable);
  EXPECT_EQ(tree.set_from_bus("/CustomName", std::int32_t{5}), SetResult::NotWriteable);  // wrong type
  EXPECT_EQ(tree.set_from_bus("/CustomName", std::string("bad")), SetResult::Rejected);
  EXPECT_TRUE(tree.take_changes().empty());
  EXPECT_EQ(tree.set_from_bus("/CustomName", std::string("House")), SetResult::Accepted);
  EXPECT_EQ(std::get<std::string>(tree.find("/CustomName")->value), "House");
  EXPECT_EQ(tree.take_changes(), (std::vector<std::string>{"/CustomName"}));
  EXPECT_EQ(tree.set_from_bus("/CustomName", BusValue{}), SetResult::Rejected);  // invalid: validation says no
  EXPECT_EQ(tree.set_from_bus("/CustomName", std::string("House")), SetResult::Accepted);  // unchanged is fine
  EXPECT_TRUE(tree.take_changes().empty());
}

TEST(AnItemTree, AcceptsAnIntForAWriteableDouble) {
  ItemTree tree;
  ItemSpec spec = volts();
  spec.writeable = true;
  tree.add("/Setpoint", spec);
  EXPECT_EQ(tree.set_from_bus("/Setpoint", std::int32_t{5}), SetResult::Accepted);
  EXPECT_EQ(std::get<double>(tree.find("/Setpoint")->value), 5.0);
  EXPECT_EQ(tree.find("/Setpoint")->text, "5.00V");
}

TEST(ABusValueText, FormatsNumbersWithUnitsAndInvalidAsDashes) {
  EXPECT_EQ(format_number(53.2, 2, "V"), "53.20V");
  EXPECT_EQ(format_number(-0.04, 1, "A"), "0.0A");  // no "-0.0A"
  EXPECT_EQ(format_number(std::int32_t{7}, 2, "s"), "7s");
  EXPECT_EQ(format_number(BusValue{}, 2, "V"), "---");
  EXPECT_EQ(format_hex(std::int32_t{0xBA90}), "0xBA90");
  EXPECT_EQ(format_plain(std::int32_t{-3}), "-3");
  EXPECT_EQ(format_plain(std::string("x")), "x");
  EXPECT_EQ(round_to(12.345, 1), 12.3);
  EXPECT_EQ(round_to(-0.004, 2), 0.0);
}

}  // namespace
}  // namespace bms::dbus
