// JSON lines: escaping, shortest number text, timestamps.

#include "app/json_line.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bms {
namespace {

TEST(JsonNumber, PrintsTheShortestTextThatReadsBackExactly) {
  EXPECT_EQ(json_number(53.2), "53.2");
  EXPECT_EQ(json_number(532 / 10.0), "53.2");
  EXPECT_EQ(json_number(95.0), "95");
  EXPECT_EQ(json_number(-34.3), "-34.3");
  EXPECT_EQ(json_number(0.1 + 0.2), "0.30000000000000004");
}

TEST(JsonNumber, NegativeZeroIsZeroAndNonFiniteIsNull) {
  EXPECT_EQ(json_number(-0.0), "0");
  EXPECT_EQ(json_number(std::nan("")), "null");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonSeconds, DropsTrailingZerosOfTheMicroseconds) {
  EXPECT_EQ(json_seconds(1700000000000200), "1700000000.0002");
  EXPECT_EQ(json_seconds(1700000000000000), "1700000000.0");
  EXPECT_EQ(json_seconds(1), "0.000001");
  EXPECT_EQ(json_seconds(-1500000), "-1.5");
}

TEST(JsonQuote, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_quote("\n\t\x01"), R"("\n\t\u0001")");
}

TEST(JsonQuote, PassesUtf8ThroughUnlessItIsBusText) {
  EXPECT_EQ(json_quote("S\xC3\xBC"
                       "d"),
            "\"S\xC3\xBC"
            "d\"");
  EXPECT_EQ(json_quote("S\xC3\xBC"
                       "d",
                       true),
            R"("S\u00c3\u00bcd")");
}

TEST(JsonLine, BuildsAFlatObjectInInsertionOrder) {
  JsonLine l;
  l.raw("t", "1.5").string("id", "0x351").number("soc_pct", 95).integer("node", 3);
  EXPECT_EQ(l.str(), R"({"t": 1.5, "id": "0x351", "soc_pct": 95, "node": 3})");
  EXPECT_EQ(JsonLine{}.str(), "{}");
}

}  // namespace
}  // namespace bms
