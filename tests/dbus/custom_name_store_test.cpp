// The state file that keeps /CustomName across restarts.
#include "dbus/custom_name_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace bms::dbus {
namespace {

class ACustomNameStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("bms-name-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

TEST_F(ACustomNameStore, RoundTripsANameWithQuotesAndUnicode) {
  CustomNameStore store((dir / "state.toml").string());
  const std::string name = "Shed \"North\" \xC3\xA9t\xC3\xA9";
  ASSERT_TRUE(store.save(name));
  EXPECT_EQ(CustomNameStore((dir / "state.toml").string()).load(), name);
  EXPECT_FALSE(std::filesystem::exists(dir / "state.toml.tmp"));
}

TEST_F(ACustomNameStore, HasNothingWhenTheFileIsMissing) {
  std::string error;
  EXPECT_EQ(CustomNameStore((dir / "none.toml").string()).load(&error), std::nullopt);
  EXPECT_EQ(error, "");
}

TEST_F(ACustomNameStore, ReportsAMalformedFile) {
  std::ofstream(dir / "bad.toml") << "custom_name = [1, 2";
  std::string error;
  EXPECT_EQ(CustomNameStore((dir / "bad.toml").string()).load(&error), std::nullopt);
  EXPECT_NE(error.find("bad.toml"), std::string::npos);
}

TEST_F(ACustomNameStore, ReportsAnUnwritableDirectory) {
  CustomNameStore store((dir / "missing-dir" / "state.toml").string());
  std::string error;
  EXPECT_FALSE(store.save("x", &error));
  EXPECT_NE(error.find("cannot create"), std::string::npos);
}

TEST_F(ACustomNameStore, WithoutAPathKeepsNothingAndDoesNotFail) {
  CustomNameStore store("");
  EXPECT_TRUE(store.save("x"));
  EXPECT_EQ(store.load(), std::nullopt);
}

// Issue 14, item 13: a state_file that is a device node or FIFO is never replaced by a rename.
TEST_F(ACustomNameStore, RefusesToReplaceATargetThatIsNotARegularFile) {
  const std::string fifo = (dir / "state.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  CustomNameStore store(fifo);
  std::string error;
  EXPECT_FALSE(store.save("Shed", &error));
  EXPECT_EQ(error, fifo + ": not a regular file; refusing to replace it");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  EXPECT_FALSE(std::filesystem::exists(dir / "state.toml.tmp"));
  EXPECT_EQ(store.load(&error), std::nullopt);  // and never opened for reading (it would block)
  EXPECT_EQ(error, fifo + ": not a regular file");
}

}  // namespace
}  // namespace bms::dbus
