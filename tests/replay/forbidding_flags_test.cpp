// Replay end to end: a value that forbids charging (or discharging) holds in the emitted
// frame set until a fresh value allows again, however long the BMS keeps sending other
// frames. Reproduces two faults a hostile review found: a 0x35C "charging forbidden" sent
// once expired after stale_after_ms while 0x351 kept arriving; a CANopen EMCY did too.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "io/candump_format.hpp"
#include "process.hpp"
#include "protocols/pylon/pylon_codec.hpp"
#include "support/scratch_dir.hpp"

namespace bms {
namespace {

using test::read_file;
using test::run_process;

const std::string kBinary = BMS_BINARY_PATH;
constexpr std::int64_t kSecondUs = 1'000'000;

std::vector<CanFrame> read_log(const std::string& path) {
  std::vector<CanFrame> frames;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    const ParsedLine p = parse_candump_line(line);
    if (p.status == LineStatus::Frame) frames.push_back(p.frame);
  }
  return frames;
}

std::string at(double t_s, const std::string& iface, const std::string& frame) {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "(%.6f) ", 1'700'000'000.0 + t_s);
  return stamp + iface + " " + frame + "\n";
}

std::optional<double> signal(const CanFrame& f, SignalId id) {
  const DecodedFrame d = pylon::decode(f);
  for (const SignalValue& v : d.values())
    if (v.id == id) return v.value;
  return std::nullopt;
}

/// Emitted 0x351 charge current limits (and 0x35C charge-enable bits) per time, seconds
/// from the log's start.
struct Emitted {
  std::vector<std::pair<double, double>> ccl;
  std::vector<std::pair<double, bool>> charge_enable;
  std::vector<std::pair<double, double>> dcl;
};

Emitted emitted(const std::string& out_log) {
  Emitted e;
  for (const CanFrame& f : read_log(out_log)) {
    const double t = static_cast<double>(f.time_us - 1'700'000'000LL * kSecondUs) / 1e6;
    if (f.id == 0x351) {
      e.ccl.emplace_back(t, *signal(f, SignalId::ChargeCurrentLimitA));
      e.dcl.emplace_back(t, *signal(f, SignalId::DischargeCurrentLimitA));
    }
    if (f.id == 0x35C) e.charge_enable.emplace_back(t, (f.data[0] & 0x80U) != 0);
  }
  return e;
}

class ForbiddingFlagReplay : public ::testing::Test {
 protected:
  std::string replay(const std::string& config, const std::string& log) {
    const std::string cfg = scratch_.write("bank.toml", config);
    const std::string in = scratch_.write("in.log", log);
    const std::string out = scratch_.path("out.log");
    const auto r = run_process("timeout 30 " + kBinary + " --config " + cfg + " --replay " + in +
                               " --speed max --no-dbus --emit-log " + out);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  test::ScratchDir scratch_{"bms-forbidding"};
};

constexpr const char* kPylonBank = R"([charge]
nominal_charge_current = 150.0
max_charge_voltage = 56.0
max_discharge_current = 200.0
battery_low_voltage = 46.0

[[battery]]
name = "A"
interface = "can0"
capacity_ah = 100.0
stale_after_ms = 5000

[output]
interface = "can9"
profile = "pylon"
)";

TEST_F(ForbiddingFlagReplay, ChargingForbiddenOnceHoldsUntilAFreshEnableThoughLimitsKeepComing) {
  std::string log;
  log += at(0.0, "can0", "35C#C0");  // both enabled
  for (int s = 0; s <= 14; ++s) {
    log += at(s, "can0", "351#3002E803E803");  // CVL 56.0 V, CCL 100 A, DCL 100 A
    log += at(s, "can0", "355#32006400");      // SOC 50 %, SOH 100 %
    log += at(s, "can0", "356#50146400FA00");  // 52.00 V, 10.0 A, 25.0 degC
  }
  log += at(1.5, "can0", "35C#40");   // charging forbidden, sent once
  log += at(12.5, "can0", "35C#C0");  // a fresh "enabled"
  // candump logs are in time order: sort the lines by their stamp.
  std::istringstream lines(log);
  std::vector<std::string> sorted;
  for (std::string l; std::getline(lines, l);) sorted.push_back(l);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const std::string& a, const std::string& b) { return a.substr(0, 19) < b.substr(0, 19); });
  std::string ordered;
  for (const auto& l : sorted) ordered += l + "\n";

  const Emitted e = emitted(replay(kPylonBank, ordered));
  int forbidden_sets = 0, allowed_after = 0;
  for (const auto& [t, ccl] : e.ccl) {
    if (t >= 1.5 && t < 12.5) {
      EXPECT_EQ(ccl, 0.0) << "charging allowed again at t=" << t << " s without a fresh enable";
      ++forbidden_sets;
    }
    if (t >= 13.0) {
      EXPECT_EQ(ccl, 100.0) << "t=" << t;
      ++allowed_after;
    }
  }
  for (const auto& [t, enabled] : e.charge_enable) {
    if (t >= 1.5 && t < 12.5) {
      EXPECT_FALSE(enabled) << "0x35C charge enable at t=" << t;
    }
  }
  EXPECT_GE(forbidden_sets, 10);  // one per second from 1.5 s to 12 s, and the protective one
  EXPECT_GE(allowed_after, 1);
}

TEST_F(ForbiddingFlagReplay, CanopenEmcyHoldsWhileTheNodeKeepsItsHeartbeatUntilErrorReset) {
  const std::string config = R"([charge]
nominal_charge_current = 150.0
max_charge_voltage = 56.0
max_discharge_current = 200.0
battery_low_voltage = 46.0

[[battery]]
name = "E"
interface = "can0"
protocol = "canopen"
node_id = 1
map = "superb_epsilon_v2"
capacity_ah = 100.0
max_charge_current = 50.0
max_discharge_current = 80.0
stale_after_ms = 5000

[output]
interface = "can9"
profile = "pylon"
)";
  std::string log;
  for (int s = 0; s <= 14; ++s) {
    log += at(s, "can0", "701#05");                                // heartbeat: operational
    log += at(s + 0.1, "can0", "581#4F81600032000000");            // SDO upload 0x6081: SOC 50 %
    if (s == 1) log += at(1.5, "can0", "081#1042080000000000");    // EMCY 0x4210, sent once
    if (s == 12) log += at(12.5, "can0", "081#0000000000000000");  // EMCY error reset
  }
  const Emitted e = emitted(replay(config, log));
  int blocked_sets = 0, allowed_after = 0;
  for (const auto& [t, ccl] : e.ccl) {
    if (t >= 1.5 && t < 12.5) {
      EXPECT_EQ(ccl, 0.0) << "charging allowed at t=" << t << " s with the EMCY still active";
      ++blocked_sets;
    }
    if (t >= 13.0) {
      EXPECT_EQ(ccl, 50.0) << "t=" << t;
      ++allowed_after;
    }
  }
  EXPECT_GE(blocked_sets, 10);
  EXPECT_GE(allowed_after, 1);
}

}  // namespace
}  // namespace bms
