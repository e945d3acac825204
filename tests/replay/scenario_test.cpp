// Replay end to end with tools/bms-sim scenarios. The emitted frame set, decoded, must equal
// what an independent, deliberately simple model of the policy computes from the input log
// at each emitted instant; and protective changes must be emitted at the timestamp of the
// input frame that caused them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "io/candump_format.hpp"
#include "process.hpp"
#include "protocols/pylon/pylon_codec.hpp"
#include "support/scratch_dir.hpp"

namespace bms {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::run_process;

const std::string kBinary = BMS_BINARY_PATH;
const std::string kSim = BMS_SIM_PATH;
constexpr std::int64_t kStaleUs = 5'000'000;

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

/// The oracle: latest decoded values per battery, applied in log order.
struct OracleBattery {
  std::int64_t last_frame_us = -1;
  std::int64_t online_since_us = -1;  // first frame after a silence longer than the stale timeout
  std::map<SignalId, double> value;
  std::map<SignalId, std::int64_t> at;
  std::optional<double> fresh(SignalId id, std::int64_t now) const {
    auto it = value.find(id);
    if (it == value.end() || now - at.at(id) > kStaleUs) return std::nullopt;
    return it->second;
  }
  /// Enable flags hold, whatever their age, until the battery goes offline.
  std::optional<double> latched(SignalId id) const {
    auto it = value.find(id);
    if (it == value.end() || at.at(id) < online_since_us) return std::nullopt;
    return it->second;
  }
};

struct Expected {
  double ccl = 0, dcl = 0, cvl = 0;
  std::optional<double> soc;
  int online = 0;
  int modules = 0;  ///< each online battery's own module count (0x359 byte 4), 1 without one
};

/// Policy for a balanced bank (soc_diff below 5 %): N x min(limit), capped, 0 if blocked.
Expected oracle(const std::vector<OracleBattery>& bats, std::int64_t now, double nominal, double max_dcl,
                double max_cvl, const std::vector<double>& capacity) {
  Expected e;
  double min_ccl = 1e9, min_dcl = 1e9, cvl = max_cvl, soc_w = 0, w = 0;
  bool block_c = false, block_d = false;
  for (std::size_t i = 0; i < bats.size(); ++i) {
    const auto& b = bats[i];
    if (b.last_frame_us < 0 || now - b.last_frame_us > kStaleUs) continue;
    ++e.online;
    const auto modules = b.fresh(SignalId::ModuleCount, now);
    e.modules += modules && *modules >= 1 ? static_cast<int>(*modules) : 1;
    const auto ccl = b.fresh(SignalId::ChargeCurrentLimitA, now);
    const auto dcl = b.fresh(SignalId::DischargeCurrentLimitA, now);
    const auto ce = b.latched(SignalId::ChargeEnable);
    const auto de = b.latched(SignalId::DischargeEnable);
    block_c |= !ccl || *ccl <= 0 || (ce && *ce == 0);
    block_d |= !dcl || *dcl <= 0 || (de && *de == 0);
    if (ccl) min_ccl = std::min(min_ccl, *ccl);
    if (dcl) min_dcl = std::min(min_dcl, *dcl);
    if (auto v = b.fresh(SignalId::ChargeVoltageLimitV, now)) cvl = std::min(cvl, *v);
    if (auto s = b.fresh(SignalId::SocPct, now)) {
      soc_w += *s * capacity[i];
      w += capacity[i];
    }
  }
  e.cvl = cvl;
  if (e.online > 0) {
    e.ccl = block_c ? 0.0 : std::min(nominal, e.online * min_ccl);
    e.dcl = block_d ? 0.0 : std::min(max_dcl, e.online * min_dcl);
  }
  if (w > 0) e.soc = soc_w / w;
  return e;
}

class Scenario : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = scratch_.write("bank.toml", R"([charge]
nominal_charge_current = 150.0
reduced_charge_current = 50.0
max_charge_voltage = 56.0
max_discharge_current = 200.0
battery_low_voltage = 46.0
# This file's model is N x min with blocking; the measured share rule (on by default) and
# the tapers are modelled in taper_scenario_test.cpp.
share_threshold_a = 0.0

[[battery]]
name = "A"
interface = "can0"
capacity_ah = 100.0

[[battery]]
name = "B"
interface = "can1"
capacity_ah = 100.0

[[battery]]
name = "C"
interface = "can2"
capacity_ah = 100.0

[output]
interface = "can9"
profile = "pylon"
)");
  }

  /// Simulates, replays, and returns (input frames, emitted frames).
  std::pair<std::vector<CanFrame>, std::vector<CanFrame>> run(const std::string& sim_args) {
    const std::string in = scratch_.path("in.log");
    const std::string out = scratch_.path("out.log");
    const auto sim = run_process(kSim + " --batteries 3 --capacity 100 " + sim_args + " --out " + in);
    EXPECT_EQ(sim.exit_code, 0) << sim.err;
    const auto r =
        run_process(kBinary + " --config " + config_ + " --replay " + in + " --speed max --no-dbus --emit-log " + out);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {read_log(in), read_log(out)};
  }

  /// Checks every emitted 0x351/0x355 against the oracle fed with the input up to that instant.
  void expect_matches_oracle(const std::vector<CanFrame>& in, const std::vector<CanFrame>& out) {
    std::vector<OracleBattery> bats(3);
    std::size_t next_in = 0;
    int checked = 0;
    for (const CanFrame& f : out) {
      while (next_in < in.size() && in[next_in].time_us <= f.time_us) {
        const CanFrame& x = in[next_in++];
        const int b = x.iface_name().back() - '0';
        const DecodedFrame d = pylon::decode(x);
        if (d.status != DecodeStatus::Ok) continue;
        if (bats[b].last_frame_us < 0 || x.time_us - bats[b].last_frame_us > kStaleUs)
          bats[b].online_since_us = x.time_us;
        bats[b].last_frame_us = x.time_us;
        for (const SignalValue& v : d.values()) {
          bats[b].value[v.id] = v.value;
          bats[b].at[v.id] = x.time_us;
        }
      }
      const Expected e = oracle(bats, f.time_us, 150.0, 200.0, 56.0, {100, 100, 100});
      const DecodedFrame d = pylon::decode(f);
      ASSERT_EQ(d.status, DecodeStatus::Ok) << format_candump_log_line(f);
      if (f.id == 0x351) {
        EXPECT_NEAR(d.signals[0].value, e.cvl, 0.05) << format_candump_log_line(f);
        EXPECT_NEAR(d.signals[1].value, e.ccl, 0.05) << format_candump_log_line(f);
        EXPECT_NEAR(d.signals[2].value, e.dcl, 0.05) << format_candump_log_line(f);
        ++checked;
      } else if (f.id == 0x355) {
        ASSERT_TRUE(e.soc) << format_candump_log_line(f);
        EXPECT_NEAR(d.signals[0].value, std::round(*e.soc), 0.5) << format_candump_log_line(f);
      } else if (f.id == 0x359) {
        EXPECT_EQ(f.data[4], e.modules) << format_candump_log_line(f);
      }
    }
    EXPECT_GT(checked, 50);
  }

  test::ScratchDir scratch_{"bms-scenario"};
  std::string config_;
};

TEST_F(Scenario, SteadyBankMatchesTheModelEverySecond) {
  auto [in, out] = run("--scenario steady --duration 120");
  expect_matches_oracle(in, out);
}

TEST_F(Scenario, SilentBatteryIsDroppedAfterItsTimeoutAndCountedBack) {
  auto [in, out] = run("--scenario silent --duration 120 --event-start 30 --event-duration 47");
  expect_matches_oracle(in, out);
  // During the silence the bank runs on two batteries of two modules each (bms-sim: one
  // module per 50 Ah): some 0x359 says 4 modules, the others 6.
  bool saw_two_stacks = false;
  for (const auto& f : out) saw_two_stacks |= f.id == 0x359 && f.data[4] == 4;
  EXPECT_TRUE(saw_two_stacks);
}

TEST_F(Scenario, BlockedChargeIsEmittedAtTheInputFrameTimestamp) {
  auto [in, out] = run("--scenario block-charge --duration 90 --event-start 20 --event-duration 30");
  expect_matches_oracle(in, out);
  // The first input frame that blocks charging on battery 0 ...
  std::int64_t blocked_at = -1;
  for (const auto& f : in) {
    const DecodedFrame d = pylon::decode(f);
    if (f.iface_name() != "can0" || d.status != DecodeStatus::Ok) continue;
    for (const auto& v : d.values()) {
      if ((v.id == SignalId::ChargeCurrentLimitA && v.value == 0.0) ||
          (v.id == SignalId::ChargeEnable && v.value == 0.0)) {
        blocked_at = f.time_us;
        break;
      }
    }
    if (blocked_at >= 0) break;
  }
  ASSERT_GE(blocked_at, 0);
  // ... has a 0x351 with a zero charge current limit at exactly its timestamp.
  bool emitted_at_once = false;
  for (const auto& f : out) {
    if (f.id == 0x351 && f.time_us == blocked_at) {
      emitted_at_once = true;
      EXPECT_EQ(pylon::decode(f).signals[1].value, 0.0);
    }
  }
  EXPECT_TRUE(emitted_at_once) << "no frame set at " << blocked_at;
}

TEST_F(Scenario, ReportShowsEachPacksOwnLimitsAndCellsAsItsBmsSentThem) {
  // The victron profile (0x373/0x374..) carries cell extremes; a pack going silent shows empty columns.
  const std::string in = scratch_.path("in.log");
  const std::string report = scratch_.path("report.csv");
  const std::string png = scratch_.path("report.png");
  ASSERT_EQ(run_process(kSim +
                        " --batteries 3 --capacity 100 --profile victron --scenario silent --duration 60 "
                        "--event-start 20 --event-duration 15 --out " +
                        in)
                .exit_code,
            0);
  const auto r = run_process(kBinary + " --config " + config_ + " --replay " + in + " --speed max --no-dbus --report " +
                             report + " --plot " + png);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = read_file(png);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  const std::vector<CanFrame> frames = read_log(in);
  std::vector<OracleBattery> bats(3);
  std::size_t next_in = 0;
  std::istringstream csv(read_file(report));
  std::string line;
  std::getline(csv, line);  // header: checked in ImbalanceWalksThroughTheTiersWithHysteresis
  int rows = 0, offline_rows = 0;
  const auto shown = [](const std::optional<double>& v, int decimals) {
    if (!v) return std::string();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
    return std::string(buf);
  };
  while (std::getline(csv, line)) {
    std::vector<std::string> c(1);
    for (char ch : line) {
      if (ch == ',')
        c.emplace_back();
      else
        c.back() += ch;
    }
    ASSERT_EQ(c.size(), 34U) << line;
    const auto t_us = static_cast<std::int64_t>(std::llround(std::stod(c[0]) * 1e6));
    while (next_in < frames.size() && frames[next_in].time_us <= t_us) {
      const CanFrame& x = frames[next_in++];
      const int b = x.iface_name().back() - '0';
      const DecodedFrame d = pylon::decode(x);
      if (d.status != DecodeStatus::Ok) continue;
      bats[b].last_frame_us = x.time_us;
      for (const SignalValue& v : d.values()) {
        bats[b].value[v.id] = v.value;
        bats[b].at[v.id] = x.time_us;
      }
    }
    for (int b = 0; b < 3; ++b) {
      const bool online = bats[b].last_frame_us >= 0 && t_us - bats[b].last_frame_us <= kStaleUs;
      const auto fresh = [&](SignalId id) { return online ? bats[b].fresh(id, t_us) : std::nullopt; };
      const std::size_t col = 22 + 4 * static_cast<std::size_t>(b);
      EXPECT_EQ(c[col], shown(fresh(SignalId::ChargeCurrentLimitA), 1)) << "battery " << b << ": " << line;
      EXPECT_EQ(c[col + 1], shown(fresh(SignalId::DischargeCurrentLimitA), 1)) << "battery " << b << ": " << line;
      EXPECT_EQ(c[col + 2], shown(fresh(SignalId::MinCellVoltageV), 3)) << "battery " << b << ": " << line;
      EXPECT_EQ(c[col + 3], shown(fresh(SignalId::MaxCellVoltageV), 3)) << "battery " << b << ": " << line;
      if (!online) ++offline_rows;
    }
    ++rows;
  }
  EXPECT_GT(rows, 50);
  EXPECT_GT(offline_rows, 0);  // the silent pack's columns went empty
}

TEST_F(Scenario, ImbalanceWalksThroughTheTiersWithHysteresis) {
  const std::string in = scratch_.path("in.log");
  const std::string report = scratch_.path("report.csv");
  ASSERT_EQ(run_process(kSim +
                        " --batteries 3 --capacity 100 --scenario imbalance --duration 330 --event-start 15 "
                        "--event-duration 300 --out " +
                        in)
                .exit_code,
            0);
  const auto r =
      run_process(kBinary + " --config " + config_ + " --replay " + in + " --speed max --no-dbus --report " + report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream csv(read_file(report));
  std::string line;
  std::getline(csv, line);
  ASSERT_EQ(line,
            "time_s,A_soc_pct,A_online,B_soc_pct,B_online,C_soc_pct,C_online,soc_pct,soc_diff_pct,tier,"
            "charge_current_limit_a,discharge_current_limit_a,charge_voltage_limit_v,batteries_online,inverter_present,"
            "reason,max_cell_voltage_v,min_cell_voltage_v,coldest_temperature_c,charge_limited_by,discharge_limited_by,"
            "charge_voltage_limited_by,"
            "A_charge_current_limit_a,A_discharge_current_limit_a,A_min_cell_voltage_v,A_max_cell_voltage_v,"
            "B_charge_current_limit_a,B_discharge_current_limit_a,B_min_cell_voltage_v,B_max_cell_voltage_v,"
            "C_charge_current_limit_a,C_discharge_current_limit_a,C_min_cell_voltage_v,C_max_cell_voltage_v");
  int previous_tier = 0;
  std::vector<int> tiers_seen;
  while (std::getline(csv, line)) {
    std::vector<std::string> c(1);
    for (char ch : line) {  // keeps empty fields, also trailing ones
      if (ch == ',')
        c.emplace_back();
      else
        c.back() += ch;
    }
    ASSERT_EQ(c.size(), 34U) << line;
    // bms-sim packs send no cell voltages: their columns stay empty, never 0.
    for (std::size_t col : {24U, 25U, 28U, 29U, 32U, 33U}) EXPECT_EQ(c[col], "") << line;
    const double diff = std::stod(c[8]);
    const int tier = std::stoi(c[9]);
    const double ccl = std::stod(c[10]);
    const double thresholds[] = {0, 5, 15, 20};
    // Entering: strictly above the threshold. Leaving: only below threshold - 2.
    // Staying needs at least threshold - 2.
    if (tier > previous_tier) {
      EXPECT_GT(diff, thresholds[tier]) << line;
    }
    if (tier < previous_tier) {
      EXPECT_LT(diff, thresholds[previous_tier] - 2.0) << line;
    }
    if (tier > 0) {
      EXPECT_GE(diff, thresholds[tier] - 2.0) << line;
    }
    const double tier_limit[] = {150.0, 127.5, 99.0, 50.0};
    EXPECT_LE(ccl, tier_limit[tier] + 1e-9) << line;
    if (tiers_seen.empty() || tiers_seen.back() != tier) tiers_seen.push_back(tier);
    previous_tier = tier;
  }
  EXPECT_EQ(tiers_seen, (std::vector<int>{0, 1, 2, 3, 2, 1, 0}));
}

}  // namespace
}  // namespace bms
