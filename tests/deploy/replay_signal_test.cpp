// SIGTERM ends a replay at once, whatever the replay is waiting for (issue 14, item 6).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "child_process.hpp"
#include "support/scratch_dir.hpp"
#include "support/three_battery_bank.hpp"

namespace bms {
namespace {

using namespace std::chrono_literals;
using test::ChildProcess;

class AReplayUnderSigterm : public ::testing::Test {
 protected:
  std::string config() const { return scratch_.write("bank.toml", test::kThreeBatteryBank); }
  test::ScratchDir scratch_{"bms-replay-signal"};
};

TEST_F(AReplayUnderSigterm, EndsAtOnceWhileItsInputPipeStaysOpenAndSilent) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ChildProcess child({BMS_BINARY_PATH, "--config", config(), "--replay", "-", "--speed", "max", "--no-dbus"},
                     scratch_.path("stderr.log"), {}, pipe_fds[0]);
  ::close(pipe_fds[0]);
  // One frame, so the replay is known to be reading; then the writer stays silent.
  const std::string line = "(1700000000.000000) can0 351#14025002C805\n";
  ASSERT_EQ(::write(pipe_fds[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
  ASSERT_FALSE(child.wait_exit(300ms)) << child.err();  // still replaying: its input has not ended
  const auto before = std::chrono::steady_clock::now();
  child.signal(SIGTERM);
  const auto status = child.wait_exit(5s);
  const auto took = std::chrono::steady_clock::now() - before;
  ::close(pipe_fds[1]);
  ASSERT_TRUE(status.has_value()) << "SIGTERM did not end the replay: " << child.err();
  EXPECT_EQ(*status, 0) << child.err();
  EXPECT_LT(took, 1s);
  EXPECT_NE(child.err().find("stopped on request"), std::string::npos) << child.err();
}

TEST_F(AReplayUnderSigterm, EndsAtOnceWhilePacingTowardsAFarTimestamp) {
  // At --speed 1 the second frame is due 50 s later: the replay waits, and SIGTERM ends the wait.
  const std::string log = scratch_.write("slow.log",
                                         "(1700000000.000000) can0 351#14025002C805\n"
                                         "(1700000050.000000) can0 351#14025002C805\n");
  ChildProcess child({BMS_BINARY_PATH, "--config", config(), "--replay", log, "--speed", "1", "--no-dbus"},
                     scratch_.path("stderr.log"));
  ASSERT_FALSE(child.wait_exit(300ms)) << child.err();
  const auto before = std::chrono::steady_clock::now();
  child.signal(SIGTERM);
  const auto status = child.wait_exit(5s);
  ASSERT_TRUE(status.has_value()) << child.err();
  EXPECT_EQ(*status, 0) << child.err();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
}

}  // namespace
}  // namespace bms
