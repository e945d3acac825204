// The binary as users and scripts call it: exit codes, messages, replay output.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "io/candump_format.hpp"
#include "process.hpp"
#include "protocols/pylon/pylon_codec.hpp"
#include "support/scratch_dir.hpp"
#include "support/three_battery_bank.hpp"
#include "support/vendor_receivers.hpp"

namespace bms {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::run_process;

const std::string kBinary = BMS_BINARY_PATH;
const std::string kData = BMS_TEST_DATA_DIR;

class ReplayProcess : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return scratch_.path(name); }
  std::string write(const std::string& name, const std::string& text) const { return scratch_.write(name, text); }
  std::string three_battery_config() const { return write("bank.toml", test::kThreeBatteryBank); }
  test::ScratchDir scratch_{"bms-replay"};
};

std::vector<CanFrame> read_frames(const std::string& file) {
  std::vector<CanFrame> frames;
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    const ParsedLine p = parse_candump_line(line);
    EXPECT_EQ(p.status, LineStatus::Frame) << line;
    frames.push_back(p.frame);
  }
  return frames;
}

TEST_F(ReplayProcess, MisspeltConfigKeyExitsTwoNamingKeyAndLine) {
  const std::string cfg =
      write("bad.toml", "[charge]\nnominal_charge_curent = 100.0\n[[battery]]\nname = \"A\"\ninterface = \"can0\"\n");
  const auto r = run_process(kBinary + " --check-config " + cfg);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, cfg + ":2: charge.nominal_charge_curent: unknown key\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(ReplayProcess, CheckConfigPrintsTheEffectiveConfiguration) {
  const auto r = run_process(kBinary + " --check-config " + three_battery_config());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nominal_charge_current = 150.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("alarm_threshold = 20.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stale_after_ms = 5000"), std::string::npos) << r.out;
}

TEST_F(ReplayProcess, ReplayOfThreeBatteriesEmitsTheAggregateEverySecond) {
  const std::string out = path("emitted.log");
  const auto r = run_process(kBinary + " --config " + three_battery_config() + " --replay " + kData +
                             "/three-batteries-10s.log --speed max --emit-log " + out + " --no-dbus");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<CanFrame> frames = read_frames(out);
  // Outputs open at 20.2 ms (when C has reported), then 9 periodic sets, then the final set;
  // profile pylon: 351 (DLC 8), 355 (4), 356 (6), 359 (7), 35C (2), 35E (8).
  ASSERT_EQ(frames.size(), 11U * 6U);
  EXPECT_EQ(format_candump_log_line(frames[0]), "(1700000000.020200) can9 351#1202FB04D007CC01");
  EXPECT_EQ(format_candump_log_line(frames[3]),
            "(1700000000.020200) can9 359#0000000009504E");  // 4 + 4 + 1: C's 0x359 comes at 20.6 ms
  EXPECT_EQ(format_candump_log_line(frames[9]), "(1700000001.020200) can9 359#000000000C504E");  // 3 x 4 modules
  EXPECT_EQ(format_candump_log_line(frames[4]), "(1700000000.020200) can9 35C#C000");
  EXPECT_EQ(format_candump_log_line(frames[5]), "(1700000000.020200) can9 35E#50594C4F4E202020");
  EXPECT_EQ(format_candump_log_line(frames[6]), "(1700000001.020200) can9 351#1202FB04D007CC01");
  const std::uint32_t ids[] = {0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E};
  const std::uint8_t dlcs[] = {8, 4, 6, 7, 2, 8};
  for (std::size_t i = 0; i < frames.size(); i += 6) {
    for (std::size_t k = 0; k < 6; ++k) {
      EXPECT_EQ(frames[i + k].id, ids[k]);
      EXPECT_EQ(frames[i + k].dlc, dlcs[k]);
      EXPECT_EQ(frames[i + k].time_us, frames[i].time_us);
    }
    const DecodedFrame limits = pylon::decode(frames[i]);
    ASSERT_EQ(limits.status, DecodeStatus::Ok);
    EXPECT_DOUBLE_EQ(limits.signals[0].value, 53.0);   // min CVL of the packs
    EXPECT_DOUBLE_EQ(limits.signals[1].value, 127.5);  // soc_diff 10 %: 0.85 x 150
    EXPECT_DOUBLE_EQ(limits.signals[2].value, 200.0);  // 3 x 140 capped at 200
    const DecodedFrame soc = pylon::decode(frames[i + 1]);
    EXPECT_DOUBLE_EQ(soc.signals[0].value, 91.0);  // (95*100 + 90*100 + 85*50) / 250
  }
  EXPECT_NE(r.err.find("180 frames"), std::string::npos) << r.err;
}

TEST_F(ReplayProcess, EmittedLogIsReadByCanUtils) {
  const std::string out = path("emitted.log");
  ASSERT_EQ(run_process(kBinary + " --config " + three_battery_config() + " --replay " + kData +
                        "/three-batteries-10s.log --speed max --emit-log " + out + " --no-dbus")
                .exit_code,
            0);
  // log2asc parses logs with canplayer's parser; it rejects what canplayer would reject.
  const auto r = run_process("log2asc -I " + out + " can9");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1  351             Rx   d 8 12 02 FB 04 D0 07 CC 01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1  355             Rx   d 4 5B 00 63 00"), std::string::npos) << r.out;
}

/// The emitted frames grouped by set (one timestamp each).
std::vector<std::vector<CanFrame>> frame_sets(const std::vector<CanFrame>& frames) {
  std::vector<std::vector<CanFrame>> sets;
  for (const CanFrame& f : frames) {
    if (sets.empty() || sets.back().front().time_us != f.time_us) sets.emplace_back();
    sets.back().push_back(f);
  }
  return sets;
}

TEST_F(ReplayProcess, EveryInverterProfileIsReadFieldByFieldByItsDocumentReceiver) {
  for (const char* profile : {"pylon", "sma", "victron", "luxpower", "solark"}) {
    SCOPED_TRACE(profile);
    const std::string cfg =
        write(std::string(profile) + ".toml",
              test::kThreeBatteryBank + "\n[output]\ninterface = \"can9\"\nprofile = \"" + profile + "\"\n");
    const std::string out = path(std::string(profile) + ".log");
    const auto r = run_process(kBinary + " --config " + cfg + " --replay " + kData +
                               "/three-batteries-10s.log --speed max --emit-log " + out + " --no-dbus");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto sets = frame_sets(read_frames(out));
    ASSERT_EQ(sets.size(), 11U);
    for (std::size_t n = 0; n < sets.size(); ++n) {
      const auto& set = sets[n];
      const std::string p = profile;
      test::vendor::Received got;
      if (p == "pylon") got = test::vendor::receive_pylon(set);
      if (p == "sma") got = test::vendor::receive_sma(set);
      if (p == "victron") got = test::vendor::receive_victron(set);
      if (p == "luxpower") got = test::vendor::receive_luxpower(set);
      if (p == "solark") got = test::vendor::receive_solark(set);
      ASSERT_TRUE(got.errors.empty()) << got.errors.front();
      EXPECT_DOUBLE_EQ(*got.charge_voltage_v, 53.0);
      EXPECT_DOUBLE_EQ(*got.charge_current_a, 127.5);
      EXPECT_DOUBLE_EQ(*got.discharge_current_a, 200.0);
      EXPECT_DOUBLE_EQ(*got.discharge_voltage_v, 46.0);
      EXPECT_EQ(*got.soc_pct, 91.0);
      // Three 4-module stacks; in the first set (20.2 ms) C has not sent its 0x359 yet: 1 module.
      if (p == "pylon" || p == "luxpower" || p == "solark") {
        EXPECT_EQ(*got.modules, n == 0 ? 9 : 12);
      }
      if (p == "sma" || p == "luxpower") {
        EXPECT_EQ(*got.capacity_ah, 250);  // installed
      }
      if (p == "solark" || p == "victron") {
        EXPECT_EQ(*got.installed_ah, 250);
      }
    }
  }
}

TEST_F(ReplayProcess, MalformedLogLineStopsWithFileAndLine) {
  const std::string log =
      write("broken.log", "(1700000000.000000) can0 351#14025002C805\n(1700000000.1) can0 355#5F00\n");
  const auto r =
      run_process(kBinary + " --config " + three_battery_config() + " --replay " + log + " --speed max --no-dbus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(log + ":2: timestamp fraction must have 6 or 9 digits"), std::string::npos) << r.err;
}

TEST_F(ReplayProcess, SkipMalformedCountsAndContinues) {
  const std::string log = write(
      "broken.log", "(1700000000.000000) can0 351#14025002C805\nnot a frame\n(1700000000.000200) can0 355#5F006300\n");
  const auto r = run_process(kBinary + " --config " + three_battery_config() + " --replay " + log +
                             " --speed max --no-dbus --skip-malformed");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 frames"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped lines 1"), std::string::npos) << r.err;
}

TEST_F(ReplayProcess, MissingReplayFileIsABadInput) {
  const auto r =
      run_process(kBinary + " --config " + three_battery_config() + " --replay " + path("nope.log") + " --no-dbus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.log: cannot open: No such file or directory"), std::string::npos) << r.err;
}

TEST_F(ReplayProcess, UnreadableReplayInputIsABadInputNotACrash) {
  const auto r = run_process(kBinary + " --config " + three_battery_config() + " --replay /tmp --speed max --no-dbus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/tmp: read error: Is a directory"), std::string::npos) << r.err;
}

TEST_F(ReplayProcess, UsageErrorsExitTwo) {
  const auto r = run_process(kBinary + " --bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "bms-aggregator: unknown argument \"--bogus\" (see --help)\n");
}

TEST_F(ReplayProcess, HelpDescribesEveryOptionTheParserKnows) {
  const auto r = run_process(kBinary + " --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--config", "--replay", "--speed", "--emit-log", "--no-dbus", "--keep-running",
                             "--skip-malformed", "--status-interval", "--check-config", "--version", "decode"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

TEST_F(ReplayProcess, StatusIntervalPrintsCompactLines) {
  const auto r = run_process(kBinary + " --config " + three_battery_config() + " --replay " + kData +
                             "/three-batteries-10s.log --speed max --no-dbus --status-interval 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("22:13:20 SOC  91.0% d10.0% minor"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("online 3/3 | A:95% B:90% C:85%"), std::string::npos) << r.out;
}

TEST_F(ReplayProcess, InverterKeepAliveIsWatchedAndReported) {
  // Battery frames from the bundled capture, plus an inverter answering on the output port
  // (can9) for 3 s and then falling silent.
  std::string log = read_file(kData + "/three-batteries-10s.log");
  std::string merged;
  std::istringstream in(log);
  std::string line;
  int second = 0;
  while (std::getline(in, line)) {
    merged += line + "\n";
    if (line.find("can2 35E") != std::string::npos && second < 3) {
      merged += "(170000000" + std::to_string(second) + ".500000) can9 305#0000000000000000\n";
      ++second;
    }
  }
  const std::string input = write("with-inverter.log", merged);
  const std::string cfg = write("inv.toml", read_file(three_battery_config()) + "[output]\ninterface = \"can9\"\n");
  const std::string report = path("report.csv");
  const auto r =
      run_process(kBinary + " --config " + cfg + " --replay " + input + " --speed max --no-dbus --report " + report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("[22:13:21.020] inverter keep-alive (0x305) present"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("inverter keep-alive (0x305) lost"), std::string::npos) << r.err;
  const std::string csv = read_file(report);
  EXPECT_NE(csv.find(",3,1,periodic"), std::string::npos) << csv;  // 3 online, inverter present
  EXPECT_NE(csv.find(",3,0,periodic"), std::string::npos) << csv;  // later: lost (5 s timeout)
}

TEST_F(ReplayProcess, PlotIsDrawnFromTheReport) {
  const std::string png = path("replay.png");
  const auto r = run_process(kBinary + " --config " + three_battery_config() + " --replay " + kData +
                             "/three-batteries-10s.log --speed max --no-dbus --plot " + png);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = read_file(png);
  ASSERT_GT(bytes.size(), 1000U);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_TRUE(fs::exists(png + ".csv"));
}

}  // namespace
}  // namespace bms
