// The export on its own connection: what happens when a signal cannot be sent.
#include "dbus/busitem_export.hpp"

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "private_bus.hpp"

namespace bms::dbus::testing {
namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ABusItemExport, LogsSignalsItCannotSendOnceAndNeverThrows) {
  PrivateBus bus;
  ItemTree tree;
  tree.add("/Soc", ItemSpec{});
  (void)tree.set("/Soc", 50.0);
  auto connection = sdbus::createSessionBusConnectionWithAddress(bus.address());
  BusItemExport exported(*connection, tree,
                         [](const std::string&, const BusValue&) { return SetResult::NotWriteable; });
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  spdlog::default_logger()->sinks().push_back(sink);

  bus.stop();  // every write on the connection now fails
  EXPECT_NO_THROW(exported.emit_items_changed({"/Soc"}));
  EXPECT_NO_THROW(exported.emit_properties_changed("/Soc"));
  EXPECT_NO_THROW(exported.emit_items_changed({"/Soc"}));

  spdlog::default_logger()->sinks().pop_back();
  const std::string text = log.str();
  EXPECT_EQ(count_of(text, "D-Bus: cannot send"), 1u) << text;
  EXPECT_EQ(count_of(text, "D-Bus: cannot send ItemsChanged on /:"), 1u) << text;
}

}  // namespace
}  // namespace bms::dbus::testing
