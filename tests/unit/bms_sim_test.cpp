// The battery simulator: deterministic output, and each scenario does what its name says,
// checked by decoding the frames it writes with the project's decoders.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "frame_test_helpers.hpp"
#include "protocols/canopen/sdo.hpp"
#include "protocols/pylon/pylon_codec.hpp"
#include "sim_options.hpp"
#include "sim_test_helpers.hpp"
#include "simulator.hpp"

namespace bms::sim {
namespace {

using test::value;

using test::seconds;
using test::simulate;

TEST(BmsSim, SameSeedGivesIdenticalFramesAndAnotherSeedDiffers) {
  const auto a = simulate({"--batteries", "3", "--duration", "5", "--seed", "7"});
  const auto b = simulate({"--batteries", "3", "--duration", "5", "--seed", "7"});
  const auto c = simulate({"--batteries", "3", "--duration", "5", "--seed", "8"});
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(test::wire(a[i]), test::wire(b[i]));
  ASSERT_EQ(a.size(), c.size());
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) differs = differs || test::wire(a[i]) != test::wire(c[i]);
  EXPECT_TRUE(differs);
}

TEST(BmsSim, EachBatterySendsItsSetOncePerIntervalWith351FirstInTimeOrder) {
  const auto frames = simulate({"--batteries", "2", "--duration", "3"});
  ASSERT_EQ(frames.size(), 2U * 3U * 6U);  // pylon profile: 6 frames per set
  for (std::size_t i = 1; i < frames.size(); ++i) EXPECT_LE(frames[i - 1].time_us, frames[i].time_us);
  EXPECT_EQ(frames[0].id, 0x351U);
  EXPECT_EQ(frames[0].iface_name(), "can0");
  EXPECT_EQ(frames[0].dlc, 6);
  EXPECT_EQ(frames[6].id, 0x351U);
  EXPECT_EQ(frames[6].iface_name(), "can1");
  for (const auto& f : frames) EXPECT_EQ(pylon::decode(f).status, DecodeStatus::Ok) << test::wire(f);
}

TEST(BmsSim, VictronProfileSendsTheExtendedSetThatDecodesCleanly) {
  const auto frames = simulate({"--batteries", "1", "--duration", "1", "--profile", "victron"});
  std::vector<std::uint32_t> ids;
  for (const auto& f : frames) {
    ids.push_back(f.id);
    EXPECT_EQ(pylon::decode(f).status, DecodeStatus::Ok) << test::wire(f);
  }
  const std::vector<std::uint32_t> expected{0x351, 0x355, 0x356, 0x35A, 0x35C, 0x35E, 0x35F, 0x370, 0x371,
                                            0x372, 0x373, 0x374, 0x375, 0x376, 0x377, 0x378, 0x379};
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(frames[0].dlc, 8);
}

TEST(BmsSim, ImbalanceScenarioCrossesEveryTierAndRecovers) {
  const auto frames = simulate({"--batteries", "2", "--duration", "200", "--scenario", "imbalance"});
  std::map<std::string, double> soc;
  double max_diff = 0;
  double last_diff = 0;
  bool crossed5 = false, crossed15 = false, crossed20 = false;
  for (const auto& f : frames) {
    const auto v = value(pylon::decode(f), SignalId::SocPct);
    if (!v) continue;
    soc[std::string(f.iface_name())] = *v;
    if (soc.size() < 2) continue;
    last_diff = std::abs(soc["can0"] - soc["can1"]);
    max_diff = std::max(max_diff, last_diff);
    crossed5 = crossed5 || last_diff > 5;
    crossed15 = crossed15 || last_diff > 15;
    crossed20 = crossed20 || last_diff > 20;
  }
  EXPECT_TRUE(crossed5 && crossed15 && crossed20);
  EXPECT_GE(max_diff, 24.0);
  EXPECT_LE(max_diff, 26.0);
  EXPECT_LT(last_diff, 2.0);
}

TEST(BmsSim, SilentScenarioLeavesAGapOf47SecondsOnTheLastBattery) {
  const auto frames = simulate({"--batteries", "2", "--duration", "90", "--scenario", "silent"});
  double last_can1 = -1;
  double longest_gap = 0;
  double gap_start = 0;
  for (const auto& f : frames) {
    if (f.iface_name() != "can1" || f.id != 0x351) continue;
    const double t = seconds(f);
    if (last_can1 >= 0 && t - last_can1 > longest_gap) {
      longest_gap = t - last_can1;
      gap_start = last_can1;
    }
    last_can1 = t;
  }
  EXPECT_NEAR(longest_gap, 48.0, 0.1);  // last set at 19 s, next at 67 s: 47 s of silence
  EXPECT_NEAR(gap_start, 19.3, 0.1);
  EXPECT_GT(last_can1, 89.0);
}

TEST(BmsSim, BlockChargeScenarioSendsZeroCclAndChargeDisabledInItsWindow) {
  const auto frames = simulate({"--batteries", "2", "--duration", "60", "--scenario", "block-charge", "--event-start",
                                "20", "--event-duration", "30"});
  int blocked_sets = 0;
  for (const auto& f : frames) {
    if (f.iface_name() != "can0") continue;
    const auto d = pylon::decode(f);
    const double tick = std::floor(seconds(f));
    const bool blocked = tick >= 20 && tick < 50;
    if (const auto ccl = value(d, SignalId::ChargeCurrentLimitA)) {
      EXPECT_EQ(*ccl == 0.0, blocked) << tick;
      blocked_sets += blocked ? 1 : 0;
    }
    if (const auto enable = value(d, SignalId::ChargeEnable)) {
      EXPECT_EQ(*enable, blocked ? 0.0 : 1.0) << tick;
    }
  }
  EXPECT_EQ(blocked_sets, 30);
}

TEST(BmsSim, AlarmScenarioRaisesWarningThenProtectionThenClears) {
  const auto frames = simulate({"--batteries", "1", "--duration", "60", "--scenario", "alarm"});
  double first_warning = -1, first_protection = -1, last_protection = -1;
  for (const auto& f : frames) {
    const auto d = pylon::decode(f);
    const double t = seconds(f);
    if (value(d, SignalId::AlarmHighTemperature) == 1.0 && first_warning < 0) first_warning = t;
    if (value(d, SignalId::ProtectionHighTemperature) == 1.0) {
      if (first_protection < 0) first_protection = t;
      last_protection = t;
    }
  }
  ASSERT_GT(first_warning, 15.0);
  EXPECT_LT(first_warning, first_protection);
  EXPECT_LT(last_protection, 45.0);
}

TEST(BmsSim, CanopenSdoScenarioAnswersEveryPollRightAfterIt) {
  const auto frames = simulate({"--batteries", "2", "--duration", "2", "--scenario", "canopen-sdo"});
  int requests = 0, answers = 0, aborts = 0, heartbeats = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& f = frames[i];
    EXPECT_EQ(f.iface_name(), "can0");
    if ((f.id & 0x780U) == 0x700U) ++heartbeats;
    if ((f.id & 0x780U) != 0x600U) continue;
    ++requests;
    ASSERT_LT(i + 1, frames.size());
    const auto& answer = frames[i + 1];
    EXPECT_EQ(answer.id, f.id - 0x80U);
    EXPECT_EQ(answer.time_us - f.time_us, 1000);
    const auto r = canopen::parse_sdo_response(answer);
    if (r.kind == canopen::SdoResponseKind::Upload) ++answers;
    if (r.kind == canopen::SdoResponseKind::Abort) ++aborts;
  }
  EXPECT_EQ(heartbeats, 4);
  EXPECT_EQ(requests, 2 * 2 * 5 + 2);
  EXPECT_EQ(answers, 20);
  EXPECT_EQ(aborts, 2);
}

TEST(BmsSimOptions, RejectsUnknownOptionsAndBadValues) {
  const char* unknown[] = {"bms-sim", "--frobnicate", "1"};
  EXPECT_EQ(parse_sim_options(3, unknown).error, "unknown option: --frobnicate");
  const char* bad[] = {"bms-sim", "--batteries", "0"};
  EXPECT_EQ(parse_sim_options(3, bad).error, "bad value for --batteries: 0");
  const char* clash[] = {"bms-sim", "--scenario", "canopen-sdo", "--protocol", "pylontech"};
  EXPECT_EQ(parse_sim_options(5, clash).error, "--scenario canopen-sdo needs --protocol canopen");
}

TEST(BmsSimOptions, CapacityListRepeatsItsLastValue) {
  const char* argv[] = {"bms-sim", "--capacity", "100,200"};
  const auto p = parse_sim_options(3, argv);
  EXPECT_EQ(p.options.capacity_ah(0), 100.0);
  EXPECT_EQ(p.options.capacity_ah(1), 200.0);
  EXPECT_EQ(p.options.capacity_ah(5), 200.0);
}

}  // namespace
}  // namespace bms::sim
