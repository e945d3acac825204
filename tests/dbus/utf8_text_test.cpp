// Text made valid for D-Bus (issue 14, item 7): what sd-bus accepts passes unchanged, the rest
// is escaped byte by byte.
#include "dbus/utf8_text.hpp"

#include <gtest/gtest.h>

#include "dbus/item_tree.hpp"

namespace bms::dbus {
namespace {

TEST(BusText, ValidUtf8PassesUnchanged) {
  for (const char* text : {"", "A:12",
                           "B\xC2\xB0"
                           "C",
                           "\xE2\x82\xAC", "\xF0\x9F\x94\x8B", "a\\b"}) {
    EXPECT_TRUE(is_bus_text(text)) << text;
    EXPECT_EQ(bus_text(text), text);
  }
}

TEST(BusText, InvalidBytesAndControlCharactersAreEscapedAsHex) {
  EXPECT_EQ(bus_text("\xFF"
                     "1"),
            "\\xFF1");                                              // the reviewer's 0x374 cell id
  EXPECT_EQ(bus_text("B:\xC3"), "B:\\xC3");                         // a sequence cut short
  EXPECT_EQ(bus_text("\xC0\xAF"), "\\xC0\\xAF");                    // overlong '/'
  EXPECT_EQ(bus_text("\xED\xA0\x80"), "\\xED\\xA0\\x80");           // a UTF-16 surrogate
  EXPECT_EQ(bus_text("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // beyond U+10FFFF
  EXPECT_EQ(bus_text("\xEF\xBF\xBF"), "\\xEF\\xBF\\xBF");           // U+FFFF, a non-character
  EXPECT_EQ(bus_text(std::string("a\0b", 3)), "a\\x00b");           // NUL ends a D-Bus string
  EXPECT_EQ(bus_text("a\tb\x1F"), "a\\x09b\\x1F");
  EXPECT_FALSE(is_bus_text("\xFF"));
  EXPECT_FALSE(is_bus_text(std::string("\0", 1)));
}

TEST(BusText, EveryEscapedResultIsValid) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_TRUE(is_bus_text(bus_text(all)));
}

TEST(AnItemTree, StoresStringsThatAreNotUtf8Escaped) {
  ItemTree tree;
  tree.add("/System/MinVoltageCellId", ItemSpec{ValueKind::String, "cell", format_plain, false, {}});
  EXPECT_TRUE(tree.set("/System/MinVoltageCellId", BusValue(std::string("B:\xFF"
                                                                        "1"))));
  const Item* item = tree.find("/System/MinVoltageCellId");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(std::get<std::string>(item->value), "B:\\xFF1");
  EXPECT_EQ(item->text, "B:\\xFF1");
  EXPECT_FALSE(tree.set("/System/MinVoltageCellId", BusValue(std::string("B:\xFF"
                                                                         "1"))));  // the same value again
}

}  // namespace
}  // namespace bms::dbus
