// The simulator's taper scenarios: a cell running high, a cold pack, uneven sharing, and
// CANopen cells, checked by decoding the frames it writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "frame_test_helpers.hpp"
#include "protocols/pylon/pylon_codec.hpp"
#include "sim_options.hpp"
#include "sim_test_helpers.hpp"
#include "simulator.hpp"

namespace bms::sim {
namespace {

using test::value;

using test::seconds;
using test::simulate;

TEST(BmsSimTapers, CellHighClimbsBattery0sHighestCellTo370AndBack) {
  const auto frames =
      simulate({"--batteries", "2", "--profile", "victron", "--duration", "100", "--scenario", "cell-high"});
  double peak = 0, peak_at = 0, other_peak = 0, last = 0;
  for (const auto& f : frames) {
    if (f.id != 0x373) continue;
    const double v = value(pylon::decode(f), SignalId::MaxCellVoltageV).value();
    if (f.iface_name() == "can0") {
      if (v > peak) {
        peak = v;
        peak_at = seconds(f);
      }
      last = v;
    } else {
      other_peak = std::max(other_peak, v);
    }
  }
  EXPECT_NEAR(peak, 3.70, 0.011);  // mid-event: 10 + 80 / 2 s
  EXPECT_NEAR(peak_at, 50.0, 1.01);
  EXPECT_LT(last, 3.40);        // back after the event
  EXPECT_LT(other_peak, 3.40);  // the other battery is untouched
}

TEST(BmsSimTapers, ColdCoolsBattery0ToMinusFiveAtMidEvent) {
  const auto frames = simulate({"--batteries", "2", "--profile", "victron", "--duration", "100", "--scenario", "cold"});
  double coldest_pack = 100, coldest_cell = 100;
  for (const auto& f : frames) {
    if (f.iface_name() != "can0") continue;
    const auto d = pylon::decode(f);
    if (f.id == 0x356) coldest_pack = std::min(coldest_pack, value(d, SignalId::TemperatureC).value());
    if (f.id == 0x373) coldest_cell = std::min(coldest_cell, value(d, SignalId::MinCellTemperatureC).value());
  }
  EXPECT_NEAR(coldest_pack, -5.0, 0.11);
  EXPECT_NEAR(coldest_cell, -6.0, 0.2);  // whole kelvin in 0x373
}

TEST(BmsSimTapers, UnevenShareGivesBattery0OnePointSixTimesItsShare) {
  const auto frames = simulate({"--batteries", "3", "--duration", "100", "--scenario", "uneven-share"});
  double i0 = 0, total = 0;
  for (const auto& f : frames) {
    const double t = seconds(f);
    if (f.id != 0x356 || t < 40 || t >= 80) continue;  // inside the event, charging well above 0
    const double i = value(pylon::decode(f), SignalId::CurrentA).value();
    total += i;
    if (f.iface_name() == "can0") i0 += i;
  }
  EXPECT_NEAR(i0 / total, 1.6 / 3.0, 0.01);
}

TEST(BmsSimTapers, CanopenCellsSendsATpdo2PerBatteryAndInterval) {
  const auto frames = simulate({"--batteries", "2", "--protocol", "canopen", "--canopen-cells", "--duration", "3"});
  int pdos = 0;
  for (const auto& f : frames) {
    if (f.id != 0x281 && f.id != 0x282) continue;
    ++pdos;
    ASSERT_EQ(f.dlc, 8);
    const double min_v = (f.data[0] | (f.data[1] << 8)) / 1000.0;
    const double max_v = (f.data[2] | (f.data[3] << 8)) / 1000.0;
    const double min_t = static_cast<std::int16_t>(f.data[4] | (f.data[5] << 8)) / 10.0;
    EXPECT_GT(min_v, 3.0);
    EXPECT_LT(min_v, max_v);
    EXPECT_LT(max_v, 3.5);
    EXPECT_GT(min_t, 15.0);
  }
  EXPECT_EQ(pdos, 6);  // 2 batteries x 3 intervals
  const auto plain = simulate({"--batteries", "1", "--protocol", "canopen", "--duration", "2"});
  EXPECT_TRUE(std::none_of(plain.begin(), plain.end(), [](const CanFrame& f) { return f.id == 0x281; }));
}

}  // namespace
}  // namespace bms::sim
