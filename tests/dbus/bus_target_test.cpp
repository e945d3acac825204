// The config's `dbus` value and how values read from other services (sdbus::Variant) become BusValues.
#include "dbus/bus_target.hpp"

#include <gtest/gtest.h>
#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/Types.h>

#include "dbus/variant_convert.hpp"

namespace bms::dbus {
namespace {

TEST(ABusTarget, ParsesSystemSessionAndAddresses) {
  EXPECT_EQ(BusTarget::parse("system").kind, BusTarget::Kind::System);
  EXPECT_EQ(BusTarget::parse("session").kind, BusTarget::Kind::Session);
  const BusTarget a = BusTarget::parse("unix:path=/tmp/x/bus");
  EXPECT_EQ(a.kind, BusTarget::Kind::Address);
  EXPECT_EQ(a.address, "unix:path=/tmp/x/bus");
  EXPECT_EQ(a.describe(), "bus unix:path=/tmp/x/bus");
  EXPECT_THROW((void)BusTarget::parse("sytem"), std::invalid_argument);
  EXPECT_THROW((void)BusTarget::parse(""), std::invalid_argument);
}

TEST(ABusTarget, RefusesTheSessionBusWithoutAnAddress) {
  const char* saved = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  const std::string keep = saved != nullptr ? saved : "";
  ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
  EXPECT_THROW((void)open_bus(BusTarget::parse("session")), std::runtime_error);
  if (saved != nullptr) ::setenv("DBUS_SESSION_BUS_ADDRESS", keep.c_str(), 1);
}

TEST(AVariant, ReadsWhatClientsSend) {
  EXPECT_EQ(from_variant(sdbus::Variant(std::int32_t{7})), BusValue(std::int32_t{7}));
  EXPECT_EQ(from_variant(sdbus::Variant(std::uint32_t{7})), BusValue(std::int32_t{7}));
  EXPECT_EQ(from_variant(sdbus::Variant(std::uint8_t{1})), BusValue(std::int32_t{1}));
  EXPECT_EQ(from_variant(sdbus::Variant(true)), BusValue(std::int32_t{1}));
  EXPECT_EQ(from_variant(sdbus::Variant(2.5)), BusValue(2.5));
  EXPECT_EQ(from_variant(sdbus::Variant(std::string("n"))), BusValue(std::string("n")));
  EXPECT_EQ(from_variant(sdbus::Variant(std::vector<std::int32_t>{})), BusValue{});
  EXPECT_EQ(from_variant(sdbus::Variant(std::vector<std::uint8_t>{})), BusValue{});
  EXPECT_EQ(from_variant(sdbus::Variant(std::vector<std::int32_t>{1})), std::nullopt);
  EXPECT_EQ(from_variant(sdbus::Variant(std::uint32_t{0x80000000u})), std::nullopt);
  EXPECT_EQ(from_variant(sdbus::Variant(std::int64_t{-5})), BusValue(std::int32_t{-5}));
}

}  // namespace
}  // namespace bms::dbus
