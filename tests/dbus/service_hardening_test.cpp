// The service under faults a hostile review found (issue 14): text from a BMS that is not
// UTF-8 (D-Bus refuses such strings: one in a batch made every ItemsChanged and GetItems
// fail), and a /CustomName write that blocks.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <future>

#include "service_fixture.hpp"

namespace bms::dbus::testing {
namespace {

TEST_F(ServiceOnPrivateBus, ACellIdThatIsNotUtf8IsServedEscapedAndTheServiceKeepsWorking) {
  start_service();
  SignalRecorder recorder(bus.address());
  Snapshot s = discharging_snapshot();
  s.min_cell_voltage = CellExtreme{3.2674, "B",
                                   std::string("B:\xFF"
                                               "1\xC3")};  // a 0x374 cell id "FF 31 C3"
  publish_and_wait(s);
  ASSERT_TRUE(wait_until([&] { return recorder.items_changed().size() == 1; })) << "no ItemsChanged";
  EXPECT_EQ(as_string(recorder.items_changed()[0].at("/System/MinVoltageCellId").at("Value")), "B:\\xFF1\\xC3");
  const ItemsMap items = client().get_items();
  EXPECT_EQ(as_string(items.at("/System/MinVoltageCellId").at("Value")), "B:\\xFF1\\xC3");
  EXPECT_EQ(as_string(items.at("/System/MinVoltageCellId").at("Text")), "B:\\xFF1\\xC3");
  EXPECT_EQ(as_double(items.at("/Soc").at("Value")), 67.3);
  EXPECT_EQ(service->stats().registrations, 1U) << "the service had to re-register";
}

// Item 13: the state file is written (fsync) off the bus thread, so a slow or stuck disk does
// not stop the service answering. Here the write blocks for good: its temporary file is a FIFO.
TEST_F(ServiceOnPrivateBus, SetValueOfCustomNameIsAnsweredWhileTheStateFileWriteBlocks) {
  start_service();
  publish_and_wait(discharging_snapshot());
  const std::string tmp = settings.service.state_file + ".tmp";
  ASSERT_EQ(::mkfifo(tmp.c_str(), 0600), 0);
  auto set = std::async(std::launch::async, [&] {
    BusClient setter(bus.address());
    return setter.set_value("/CustomName", sdbus::Variant(std::string("Shed")));
  });
  const bool answered = set.wait_for(3s) == std::future_status::ready;
  // Unblock a writer stuck opening the FIFO, whichever thread it is.
  const int unblock = ::open(tmp.c_str(), O_RDONLY | O_NONBLOCK);
  EXPECT_TRUE(answered) << "SetValue /CustomName was not answered: the bus thread waits for the disk";
  EXPECT_EQ(set.get(), 0);
  EXPECT_EQ(as_string(client().get_value("/CustomName")), "Shed");
  if (unblock >= 0) ::close(unblock);
}

}  // namespace
}  // namespace bms::dbus::testing
