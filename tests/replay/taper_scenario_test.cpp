// Replays of the taper and share scenarios of bms-sim through the real binary. Every
// emitted 0x351 must equal an independent model of the rules (written here from
// docs/POLICY.md, not from the code), and each scenario must show its rule acting.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

using test::read_file;
using test::run_process;

const std::string kBinary = BMS_BINARY_PATH;
const std::string kSim = BMS_SIM_PATH;
constexpr std::int64_t kStaleUs = 5'000'000;
constexpr int kBatteries = 3;

// The configuration below, in numbers.
constexpr double kNominal = 150.0, kMaxDischarge = 200.0, kMaxCvl = 56.0;
// [cells] chemistry = "lfp" defaults.
constexpr double kTaperStart = 3.45, kCellMax = 3.60, kDischargeStart = 3.00, kCellMin = 2.80, kCellHyst = 0.03;
constexpr double kCvlRise = 0.01;
constexpr double kChargeMinC = 0, kChargeFullC = 5, kChargeTaperC = 45, kChargeMaxC = 55;
constexpr double kDischargeMinC = -20, kDischargeFullC = -10, kDischargeTaperC = 50, kDischargeMaxC = 60;
constexpr double kTempHyst = 2.0;
constexpr double kShareThreshold = 10.0, kShareHyst = 0.05;

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

/// 1 below `start`, 0 from `end` on, a straight line between (either direction).
double ramp(double x, double start, double end) {
  const double f = (end - x) / (end - start);
  return f < 0 ? 0.0 : (f > 1 ? 1.0 : f);
}

struct Pack {
  std::int64_t last_frame_us = -1;
  std::map<SignalId, std::pair<double, std::int64_t>> v;
  std::optional<double> get(SignalId id, std::int64_t now) const {
    auto it = v.find(id);
    if (it == v.end() || now - it->second.second > kStaleUs) return std::nullopt;
    return it->second.first;
  }
  bool online(std::int64_t now) const { return last_frame_us >= 0 && now - last_frame_us <= kStaleUs; }
};

/// The model: bank values from the packs, held extremes updated at every input instant.
struct Model {
  std::vector<Pack> packs = std::vector<Pack>(kBatteries);
  std::optional<double> held_high, held_low, held_cold, held_warm, cap, share_c, share_d;
  std::int64_t cap_at = -1;

  struct Bank {
    int n = 0;
    double min_ccl = 1e9, min_dcl = 1e9, min_cvl = kMaxCvl, current = 0, voltage = 0;
    bool block_c = false, block_d = false, currents_known = true;
    std::optional<double> high, low, cold, warm, soc_min, soc_max;
    std::vector<std::pair<double, double>> ccl_current, dcl_current;
  };
  Bank bank(std::int64_t now) const {
    Bank b;
    for (const Pack& p : packs) {
      if (!p.online(now)) continue;
      ++b.n;
      const auto ccl = p.get(SignalId::ChargeCurrentLimitA, now), dcl = p.get(SignalId::DischargeCurrentLimitA, now);
      const auto ce = p.get(SignalId::ChargeEnable, now), de = p.get(SignalId::DischargeEnable, now);
      b.block_c |= !ccl || *ccl <= 0 || (ce && *ce == 0);
      b.block_d |= !dcl || *dcl <= 0 || (de && *de == 0);
      if (ccl) b.min_ccl = std::min(b.min_ccl, *ccl);
      if (dcl) b.min_dcl = std::min(b.min_dcl, *dcl);
      if (auto c = p.get(SignalId::ChargeVoltageLimitV, now)) b.min_cvl = std::min(b.min_cvl, *c);
      const auto i = p.get(SignalId::CurrentA, now);
      b.currents_known &= i.has_value();
      if (i) {
        b.current += *i;
        if (ccl) b.ccl_current.emplace_back(*ccl, *i);
        if (dcl) b.dcl_current.emplace_back(*dcl, -*i);
      }
      if (auto v = p.get(SignalId::VoltageV, now)) b.voltage += *v;
      const auto lo = [](std::optional<double>& a, double x) { a = a ? std::min(*a, x) : x; };
      const auto hi = [](std::optional<double>& a, double x) { a = a ? std::max(*a, x) : x; };
      if (auto x = p.get(SignalId::MaxCellVoltageV, now)) hi(b.high, *x);
      if (auto x = p.get(SignalId::MinCellVoltageV, now)) lo(b.low, *x);
      for (SignalId id : {SignalId::TemperatureC, SignalId::MinCellTemperatureC}) {
        if (auto x = p.get(id, now)) lo(b.cold, *x);
      }
      for (SignalId id : {SignalId::TemperatureC, SignalId::MaxCellTemperatureC}) {
        if (auto x = p.get(id, now)) hi(b.warm, *x);
      }
      if (auto s = p.get(SignalId::SocPct, now)) {
        lo(b.soc_min, *s);
        hi(b.soc_max, *s);
      }
    }
    if (b.n > 0) b.voltage /= b.n;
    return b;
  }

  /// The share cap of one direction: min of limit x I_bank / I_i over packs taking current.
  static std::optional<double> share(const std::vector<std::pair<double, double>>& packs, double bank_current,
                                     bool known) {
    if (!known || bank_current <= kShareThreshold) return std::nullopt;
    std::optional<double> c;
    for (auto [limit, i] : packs) {
      if (i > 0) c = std::min(c.value_or(1e18), limit * bank_current / i);
    }
    return c;
  }
  /// The held share factor: cap / (N x min), at most 1; falls at once, rises past 5 %.
  static std::optional<double> hold_share(std::optional<double> held, std::optional<double> cap, double n_min) {
    if (!cap || n_min <= 0) return std::nullopt;
    const double k = std::min(1.0, *cap / n_min);
    if (!held || k <= *held) return k;
    return k - *held > kShareHyst * k ? std::optional<double>(k * (1 - kShareHyst)) : held;
  }

  /// Advances the held values to `now` (called after every input instant).
  void settle(std::int64_t now) {
    const Bank b = bank(now);
    const double dt = cap_at < 0 ? 0.0 : static_cast<double>(now - cap_at) / 1e6;
    cap_at = now;
    if (b.n == 0) return;
    const auto up = [](std::optional<double>& h, std::optional<double> x, double hyst) {
      if (x) h = !h ? *x : std::min(std::max(*h, *x), *x + hyst);
    };
    const auto down = [](std::optional<double>& h, std::optional<double> x, double hyst) {
      if (x) h = !h ? *x : std::max(std::min(*h, *x), *x - hyst);
    };
    up(held_high, b.high, kCellHyst);
    down(held_low, b.low, kCellHyst);
    down(held_cold, b.cold, kTempHyst);
    up(held_warm, b.warm, kTempHyst);
    // Cell-voltage CVL cap.
    const double base_cvl = b.min_cvl;
    if (!cap) {
      if (b.high && *b.high >= kTaperStart && b.voltage + kCellMax - *b.high < base_cvl)
        cap = b.voltage + kCellMax - *b.high;
    } else if (b.high) {
      const double target = *b.high < kTaperStart - kCellHyst ? 1e9 : b.voltage + kCellMax - *b.high;
      double next = target <= *cap ? target : std::min(target, *cap + kCvlRise * dt);
      cap = next >= base_cvl ? std::nullopt : std::optional<double>(next);
    }
    share_c = b.block_c ? std::nullopt
                        : hold_share(share_c, share(b.ccl_current, b.current, b.currents_known), b.n * b.min_ccl);
    share_d = b.block_d ? std::nullopt
                        : hold_share(share_d, share(b.dcl_current, -b.current, b.currents_known), b.n * b.min_dcl);
  }

  struct Out {
    double ccl, dcl, cvl;
  };
  Out limits(std::int64_t now) const {
    const Bank b = bank(now);
    EXPECT_TRUE(b.soc_min && *b.soc_max - *b.soc_min < 5.0) << "the model assumes a balanced bank";
    Out o{0, 0, std::min(kMaxCvl, b.min_cvl)};
    if (cap) o.cvl = std::min(o.cvl, *cap);
    if (b.n == 0) return o;
    if (!b.block_c) {
      const double base = std::min(kNominal, b.n * b.min_ccl);
      double f = 1.0;
      if (held_high) f = std::min(f, ramp(*held_high, kTaperStart, kCellMax));
      if (held_cold)
        f = std::min({f, ramp(*held_cold, kChargeFullC, kChargeMinC), ramp(*held_warm, kChargeTaperC, kChargeMaxC)});
      o.ccl = base * f;
      if (share_c) o.ccl = std::min(o.ccl, *share_c * b.n * b.min_ccl);
    }
    if (!b.block_d) {
      const double base = std::min(kMaxDischarge, b.n * b.min_dcl);
      double f = 1.0;
      if (held_low) f = std::min(f, ramp(*held_low, kDischargeStart, kCellMin));
      if (held_cold) {
        f = std::min(
            {f, ramp(*held_cold, kDischargeFullC, kDischargeMinC), ramp(*held_warm, kDischargeTaperC, kDischargeMaxC)});
      }
      o.dcl = base * f;
      if (share_d) o.dcl = std::min(o.dcl, *share_d * b.n * b.min_dcl);
    }
    return o;
  }
};

struct Emitted {
  double t_s, ccl, dcl, cvl;
  std::optional<double> high, cold, share0;  // the model's inputs at that instant, for the checks
};

class TaperScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string batteries;
    for (int i = 0; i < kBatteries; ++i) {
      batteries += "[[battery]]\nname = \"" + std::string(1, static_cast<char>('A' + i)) + "\"\ninterface = \"can" +
                   std::to_string(i) + "\"\ncapacity_ah = 100.0\n\n";
    }
    config_ = scratch_.write("bank.toml",
                             "[charge]\nnominal_charge_current = 150.0\nreduced_charge_current = 50.0\n"
                             "max_charge_voltage = 56.0\nmax_discharge_current = 200.0\n"
                             "battery_low_voltage = 46.0\n\n[cells]\nchemistry = \"lfp\"\n\n" +
                                 batteries + "[output]\ninterface = \"can9\"\nprofile = \"pylon\"\n");
  }

  /// Simulates, replays, checks every emitted 0x351 against the model; returns them.
  std::vector<Emitted> replay_and_check(const std::string& sim_args) {
    const std::string in_path = scratch_.path("in.log");
    const std::string out_path = scratch_.path("out.log");
    const auto sim =
        run_process(kSim + " --batteries 3 --capacity 100 --profile victron " + sim_args + " --out " + in_path);
    EXPECT_EQ(sim.exit_code, 0) << sim.err;
    const auto r = run_process(kBinary + " --config " + config_ + " --replay " + in_path +
                               " --speed max --no-dbus --emit-log " + out_path);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto in = read_log(in_path);
    const auto out = read_log(out_path);
    Model m;
    std::vector<Emitted> emitted;
    std::size_t next = 0;
    for (const CanFrame& f : out) {
      while (next < in.size() && in[next].time_us <= f.time_us) {
        const std::int64_t t = in[next].time_us;
        for (; next < in.size() && in[next].time_us == t; ++next) {
          const CanFrame& x = in[next];
          const DecodedFrame d = pylon::decode(x);
          if (d.status != DecodeStatus::Ok) continue;
          Pack& p = m.packs[static_cast<std::size_t>(x.iface_name().back() - '0')];
          p.last_frame_us = t;
          for (const SignalValue& v : d.values()) p.v[v.id] = {v.value, t};
        }
        m.settle(t);
      }
      if (f.id != 0x351) continue;
      const DecodedFrame d = pylon::decode(f);
      const Model::Out e = m.limits(f.time_us);
      EXPECT_NEAR(d.signals[0].value, e.cvl, 0.051) << format_candump_log_line(f);
      EXPECT_NEAR(d.signals[1].value, e.ccl, 0.051) << format_candump_log_line(f);
      EXPECT_NEAR(d.signals[2].value, e.dcl, 0.051) << format_candump_log_line(f);
      const Model::Bank b = m.bank(f.time_us);
      std::optional<double> share0;
      if (auto i = m.packs[0].get(SignalId::CurrentA, f.time_us); i && b.current != 0) share0 = *i / b.current;
      emitted.push_back({static_cast<double>(f.time_us) / 1e6, d.signals[1].value, d.signals[2].value,
                         d.signals[0].value, b.high, b.cold, share0});
    }
    EXPECT_GT(emitted.size(), 80U);
    return emitted;
  }

  test::ScratchDir scratch_{"bms-taper"};
  std::string config_;
};

TEST_F(TaperScenario, ACellRunningHighTapersTheBankChargeLimitToZeroBeforeCellMax) {
  const auto e = replay_and_check("--scenario cell-high --duration 300");
  // Charging phase (the sim's cycle charges in its first 300 s): while the highest cell is
  // below the taper start the limit is 3 x 50 A; it falls as the cell climbs; it is 0 at
  // and above cell_max_v, i.e. before the cell passes it.
  bool saw_full = false, saw_taper = false, saw_zero = false;
  for (const auto& x : e) {
    if (!x.high) continue;
    // Full: 3 x 50 A, less what the share rule trims for the +-0.2 A current noise.
    if (*x.high < kTaperStart - kCellHyst && x.ccl > 140.0) saw_full = true;
    if (*x.high > kTaperStart + 0.02 && *x.high < kCellMax - 0.02) {
      EXPECT_LT(x.ccl, 150.0) << x.t_s;
      saw_taper |= x.ccl > 0.0;
    }
    if (*x.high >= kCellMax) {
      EXPECT_EQ(x.ccl, 0.0) << x.t_s;
      EXPECT_LT(x.cvl, kMaxCvl) << x.t_s;
      saw_zero = true;
    }
  }
  EXPECT_TRUE(saw_full);
  EXPECT_TRUE(saw_taper);
  EXPECT_TRUE(saw_zero);
}

TEST_F(TaperScenario, AColdPackStopsTheBankCharging) {
  const auto e = replay_and_check("--scenario cold --duration 300");
  bool saw_stop = false;
  for (const auto& x : e) {
    if (x.cold && *x.cold <= kChargeMinC) {
      EXPECT_EQ(x.ccl, 0.0) << x.t_s;
      EXPECT_GT(x.dcl, 0.0) << x.t_s;  // discharging stays allowed at -5 degC
      saw_stop = true;
    }
  }
  EXPECT_TRUE(saw_stop);
}

TEST_F(TaperScenario, AnUnevenShareIsCappedSoTheBusyPackStaysWithinItsLimit) {
  const auto e = replay_and_check("--scenario uneven-share --duration 300");
  int capped = 0;
  for (const auto& x : e) {
    // Pack A takes 1.6/3 of the bank current: at most 50 A of it means a bank limit of
    // 50 / (1.6/3) = 93.75 A (+- the noise), well under 3 x 50 A.
    if (x.share0 && *x.share0 > 0.5 && x.ccl < 149.0 && x.ccl > 0.0) {
      EXPECT_LE(x.ccl * *x.share0, 50.0 * 1.06) << x.t_s;
      ++capped;
    }
  }
  EXPECT_GT(capped, 20);
}

TEST_F(TaperScenario, BlockingStillStopsTheBankWithTheTapersOn) {
  const auto e = replay_and_check("--scenario block-charge --duration 90 --event-start 20 --event-duration 30");
  int stopped = 0;
  for (const auto& x : e) stopped += (x.t_s > 1700000021.5 && x.t_s < 1700000049.0 && x.ccl == 0.0) ? 1 : 0;
  EXPECT_GT(stopped, 20);
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

// CANopen batteries report cells through their object map (here an example TPDO2 that
// bms-sim --canopen-cells sends): the cell taper acts on them as on the Victron set's 0x373.
TEST(CanopenCellTaper, CellsFromATpdoTaperTheChargeLimitToZeroAtCellMax) {
  test::ScratchDir scratch{"bms-canopen-cells"};
  const std::string map = std::string(BMS_TEST_DATA_DIR) + "/superb_with_cells_tpdo2.toml";
  std::string config = "[cells]\nchemistry = \"lfp\"\n\n";
  for (int node = 1; node <= 2; ++node) {
    config += "[[battery]]\nname = \"N" + std::to_string(node) +
              "\"\ninterface = \"can0\"\nprotocol = \"canopen\"\nnode_id = " + std::to_string(node) + "\nmap = \"" +
              map + "\"\nmax_charge_current = 50.0\nmax_discharge_current = 100.0\n\n";
  }
  const std::string cfg = scratch.write("bank.toml", config);
  const std::string in = scratch.path("in.log");
  const std::string report = scratch.path("report.csv");
  ASSERT_EQ(
      run_process(kSim +
                  " --batteries 2 --protocol canopen --canopen-cells --scenario cell-high --duration 300 --out " + in)
          .exit_code,
      0);
  const auto r =
      run_process(kBinary + " --config " + cfg + " --replay " + in + " --speed max --no-dbus --report " + report);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream csv(read_file(report));
  std::string line;
  std::getline(csv, line);
  std::vector<std::string> header;
  {
    std::stringstream h(line);
    for (std::string c; std::getline(h, c, ',');) header.push_back(c);
  }
  const auto col = [&](const char* name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t high_col = col("max_cell_voltage_v"), ccl_col = col("charge_current_limit_a");
  ASSERT_LT(high_col, header.size());
  int rows = 0, at_max = 0, tapering = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) c.push_back(cell);
    ASSERT_GT(c.size(), high_col) << line;
    if (c[high_col].empty()) continue;
    ++rows;
    const double high = std::stod(c[high_col]);
    const double ccl = std::stod(c[ccl_col]);
    // 2 x 50 A configured, times the taper at this cell (the held value is at least this high).
    EXPECT_LE(ccl, 100.0 * ramp(high, kTaperStart, kCellMax) + 0.05) << line;
    if (high >= kCellMax) {
      EXPECT_EQ(ccl, 0.0) << line;
      ++at_max;
    }
    if (high > kTaperStart + 0.02 && high < kCellMax - 0.02 && ccl > 0.0) ++tapering;
  }
  EXPECT_GT(rows, 250);
  EXPECT_GT(at_max, 10);
  EXPECT_GT(tapering, 10);
}

}  // namespace
}  // namespace bms
