// The binary under the faults a hostile review found (issue 14): a reader that goes away,
// a full disk, a configuration that is a device, a log whose time jumps years ahead. Every
// command runs under `timeout` and writes its data to files, so no test can hang or flood.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "process.hpp"
#include "support/scratch_dir.hpp"
#include "support/three_battery_bank.hpp"

namespace bms {
namespace {

using test::read_file;
using test::run_process;

const std::string kBinary = BMS_BINARY_PATH;
const std::string kData = BMS_TEST_DATA_DIR;
const std::string kTenSeconds = kData + "/three-batteries-10s.log";

/// The lines of `text`.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// The 10 s capture `copies` times in a row, each copy `step_s` seconds after the previous.
std::string repeated_capture(int copies, long long step_s) {
  const std::vector<std::string> base = lines_of(read_file(kTenSeconds));
  std::string out;
  for (int c = 0; c < copies; ++c) {
    for (const std::string& line : base) {
      // "(1700000000.000000) ..." -> seconds shifted by c * step_s
      const long long seconds = std::stoll(line.substr(1, 10)) + c * step_s;
      out += "(" + std::to_string(seconds) + line.substr(11) + "\n";
    }
  }
  return out;
}

class HardenedReplay : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return scratch_.path(name); }
  std::string write(const std::string& name, const std::string& text) const { return scratch_.write(name, text); }
  std::string config() const { return write("bank.toml", test::kThreeBatteryBank); }
  std::string replay_command(const std::string& log) const {
    return "timeout -k 5 60 " + kBinary + " --config " + config() + " --replay " + log + " --speed max --no-dbus";
  }
  test::ScratchDir scratch_{"bms-hardening"};
};

// Item 4: runit's log pipe or `| head` going away must not kill the service (SIGPIPE, 141),
// and what it writes to files is still complete.
TEST_F(HardenedReplay, ReaderOfStdoutAndStderrGoingAwayDoesNotStopTheReplay) {
  const std::string reference = path("reference.log");
  ASSERT_EQ(run_process(replay_command(kTenSeconds) + " --emit-log " + reference).exit_code, 0);

  const std::string emitted = path("emitted.log");
  const std::string status = path("status");
  // 10,000 status lines (about 1 MB) into a pipe whose reader exits after one byte.
  const auto r = run_process("(" + replay_command(kTenSeconds) + " --status-interval 0.001 --emit-log " + emitted +
                             " 2>&1; echo $? > " + status + ") | head -c 1 > /dev/null");
  EXPECT_EQ(read_file(status), "0\n");
  EXPECT_EQ(read_file(emitted), read_file(reference));
}

// Item 5: a configuration that is a device would be read without end.
TEST_F(HardenedReplay, CheckConfigRefusesADeviceAtOnce) {
  const auto r = run_process("ulimit -v 1000000; timeout -k 5 10 " + kBinary + " --check-config /dev/zero");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "/dev/zero: not a regular file\n");
  EXPECT_EQ(r.out, "");
}

// Item 6: a forward jump of three years is a gap: logged, the periodic grid resumes at the
// new time, nothing is published for every tick in between.
TEST_F(HardenedReplay, ForwardTimeJumpIsReplayedAsAGap) {
  const long long three_years_s = 94'608'000;
  const std::string log = write("jump.log", repeated_capture(2, three_years_s));
  const std::string emitted = path("emitted.log");
  const auto r = run_process(replay_command(log) + " --emit-log " + emitted);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(log + ":181: time jumps forward by 94607990.979000 s; replayed as a gap (periodic outputs "
                             "resume at the new time)"),
            std::string::npos)
      << r.err;
  const std::vector<std::string> lines = lines_of(read_file(emitted));
  std::size_t in_gap = 0;
  std::size_t after = 0;
  for (const std::string& line : lines) {
    const long long seconds = std::stoll(line.substr(1, 10));
    if (seconds > 1'700'000'009 && seconds < 1'794'608'000) ++in_gap;
    if (seconds >= 1'794'608'000) ++after;
  }
  // In the gap only what the batteries going stale change is published, each at its instant:
  // at 14.000001 A's limits (0x351) expire, charging and discharging are blocked (a set of 6
  // frames); at 14.200001 (the 200 ms gap later) all three are offline: fail-safe, a set of
  // 4 frames (no SOC, no 0x355/0x356).
  EXPECT_EQ(in_gap, 6U + 4U);
  // After it the grid restarts at the first frame: at .000000 only A's 0x351 is known (4
  // frames), at .200000 B and C are back and the charge voltage limit drops (protective, 6),
  // then 1.000000 .. 9.000000 (9 x 6) and the final set (6).
  EXPECT_EQ(after, 4U + 6U + 9U * 6U + 6U);
  EXPECT_NE(read_file(emitted).find("(1794608000.000000) can9 351#"), std::string::npos);
  EXPECT_NE(read_file(emitted).find("(1794608009.000000) can9 351#"), std::string::npos);
}

// Item 6: pacing (--speed) across a 12-digit timestamp: no overflow, no wait of centuries.
TEST_F(HardenedReplay, PacedReplayCrossesATwelveDigitTimestampWithoutWaiting) {
  std::string text = read_file(kTenSeconds);
  text += "(999999999999.000000) can0 351#14025002C805\n";
  const std::string log = write("far.log", text);
  const auto r = run_process("timeout -k 5 30 " + kBinary + " --config " + config() + " --replay " + log +
                             " --speed 100 --no-dbus");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(log + ":181: time jumps forward by 998299999989.979000 s; replayed as a gap"), std::string::npos)
      << r.err;
}

// Item 8: a full disk is an error, not a report of frames emitted.
TEST_F(HardenedReplay, EmitLogOnAFullDeviceExitsOneNamingTheError) {
  const auto r = run_process(replay_command(kTenSeconds) + " --emit-log /dev/full");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/dev/full: cannot write: No space left on device"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("emitted 66 frames"), std::string::npos) << r.err;
}

TEST_F(HardenedReplay, ReportOnAFullDeviceExitsOneNamingTheError) {
  const auto r = run_process(replay_command(kTenSeconds) + " --report /dev/full");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/dev/full: cannot write: No space left on device"), std::string::npos) << r.err;
}

// Item 8: a small tmpfs (in a private user and mount namespace) that fills up mid-replay.
// The files keep only whole lines: the emit log is a prefix of the full one.
TEST_F(HardenedReplay, FullTmpfsStopsTheOutputsAtAWholeLineAndExitsOne) {
  const std::string log = write("long.log", repeated_capture(30, 10));  // 300 s: ~45 KB emitted
  const std::string reference = path("reference.log");
  ASSERT_EQ(run_process(replay_command(log) + " --emit-log " + reference).exit_code, 0);
  const std::string mnt = path("mnt");
  std::filesystem::create_directories(mnt);
  const std::string status = path("status");
  // The files are copied out before the namespace (and its mount) goes away.
  const auto r =
      run_process("unshare -rm sh -c 'mount -t tmpfs -o size=16k tmpfs " + mnt + " && " + replay_command(log) +
                  " --emit-log " + mnt + "/out.log --report " + mnt + "/report.csv; echo $? > " + status + "; cp " +
                  mnt + "/out.log " + mnt + "/report.csv " + path("") + "'");
  EXPECT_EQ(read_file(status), "1\n") << r.err;
  EXPECT_NE(r.err.find(mnt + "/out.log: cannot write: No space left on device"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(mnt + "/report.csv: cannot write: No space left on device"), std::string::npos) << r.err;
  const std::string emitted = read_file(path("out.log"));
  const std::string report = read_file(path("report.csv"));
  ASSERT_GT(emitted.size(), 8000U);
  EXPECT_EQ(emitted.back(), '\n');
  EXPECT_EQ(read_file(reference).substr(0, emitted.size()), emitted);
  EXPECT_TRUE(report.empty() || report.back() == '\n') << report.substr(report.size() > 80 ? report.size() - 80 : 0);
}

}  // namespace
}  // namespace bms
