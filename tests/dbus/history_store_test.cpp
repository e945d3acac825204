// /History counters in the state file: round trip, the downtime, other keys kept, bad tables.
#include "app/history_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "dbus/state_file.hpp"

namespace bms {
namespace {

namespace fs = std::filesystem;

class AHistoryStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("bms-history-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string file() const { return (dir / "state.toml").string(); }
  fs::path dir;
};

HistoryCounters sample() {
  HistoryCounters c;
  c.deepest_discharge_ah = -150.5;
  c.last_discharge_ah = -20.25;
  c.completed_discharges = 3;
  c.completed_depth_sum_ah = -300.0;
  c.full_discharges = 1;
  c.total_ah_drawn = -1234.5;
  c.discharged_energy_kwh = 61.7;
  c.charged_energy_kwh = 63.1;
  c.min_voltage_v = 47.9;
  c.max_voltage_v = 56.4;
  c.min_cell_voltage_v = 2.95;
  c.max_cell_voltage_v = 3.55;
  c.seconds_since_full_charge = 3600.0;
  c.at_full = false;
  c.at_empty = true;
  return c;
}

TEST_F(AHistoryStore, RoundTripsEveryCounterAndAddsTheTimeTheServiceWasDown) {
  {
    HistoryWriter writer(file());
    writer.save(sample(), 1'000'000);
    writer.wait_idle();
    EXPECT_EQ(writer.writes(), 1U);
  }
  EXPECT_FALSE(fs::exists(file() + ".tmp"));
  std::string error;
  const auto loaded = load_history(file(), 1'000'600, &error);  // 10 minutes later
  ASSERT_TRUE(loaded) << error;
  HistoryCounters expected = sample();
  expected.seconds_since_full_charge = 3600.0 + 600.0;
  EXPECT_EQ(*loaded, expected);
}

TEST_F(AHistoryStore, TheDestructorWritesWhatIsPending) {
  {
    HistoryWriter writer(file());
    writer.save(sample(), 5);
  }
  EXPECT_EQ(load_history(file(), 5, nullptr), sample());
}

TEST_F(AHistoryStore, KeepsTheCustomNameBesideIt) {
  ASSERT_TRUE(dbus::update_state_file(file(), [](toml::table& t) { t.insert_or_assign("custom_name", "Shed"); }));
  {
    HistoryWriter writer(file());
    writer.save(sample(), 5);
  }
  const auto state = dbus::read_state_file(file());
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["custom_name"].value<std::string>(), "Shed");
  EXPECT_TRUE((*state)["history"].is_table());
}

TEST_F(AHistoryStore, HasNothingBeforeTheFirstSave) {
  std::string error;
  EXPECT_FALSE(load_history(file(), 0, &error));
  EXPECT_EQ(error, "");
  ASSERT_TRUE(dbus::update_state_file(file(), [](toml::table& t) { t.insert_or_assign("custom_name", "Shed"); }));
  EXPECT_FALSE(load_history(file(), 0, &error));
  EXPECT_EQ(error, "");
}

TEST_F(AHistoryStore, RefusesATableOfTheWrongTypesOrSigns) {
  std::string error;
  std::ofstream(file()) << "[history]\ntotal_ah_drawn = \"lots\"\n";
  EXPECT_FALSE(load_history(file(), 0, &error));
  EXPECT_EQ(error, file() + ": [history]: total_ah_drawn is not a number");
  std::ofstream(file()) << "[history]\ntotal_ah_drawn = 12.0\n";
  EXPECT_FALSE(load_history(file(), 0, &error));
  EXPECT_EQ(error, file() + ": [history]: a counter has the wrong sign");
}

TEST_F(AHistoryStore, NamesTheLineOfAMalformedFile) {
  std::ofstream(file()) << "[history]\ntotal_ah_drawn = [1,\n";
  std::string error;
  EXPECT_FALSE(load_history(file(), 0, &error));
  EXPECT_EQ(error.rfind(file() + ":", 0), 0U) << error;
}

TEST_F(AHistoryStore, ReportsAFileItCannotWrite) {
  std::string error;
  EXPECT_FALSE(dbus::update_state_file((dir / "missing" / "state.toml").string(), [](toml::table&) {}, &error));
  EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST_F(AHistoryStore, TwoOwnersWritingAtOnceKeepEachOthersKeys) {
  // The bus thread saves /CustomName while the history writer saves [history]: the shared
  // lock makes each read-modify-write whole, so neither erases the other.
  std::thread names([&] {
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(dbus::update_state_file(
          file(), [&](toml::table& t) { t.insert_or_assign("custom_name", "n" + std::to_string(i)); }));
    }
  });
  HistoryCounters c = sample();
  for (int i = 0; i < 20; ++i) {
    c.full_discharges = static_cast<std::uint32_t>(i);
    ASSERT_TRUE(dbus::update_state_file(
        file(), [&](toml::table& t) { t.insert_or_assign("history", history_to_table(c, 5)); }));
  }
  names.join();
  const auto state = dbus::read_state_file(file());
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["custom_name"].value<std::string>(), "n19");
  EXPECT_EQ((*state)["history"]["full_discharges"].value<std::int64_t>(), 19);
}

}  // namespace
}  // namespace bms
