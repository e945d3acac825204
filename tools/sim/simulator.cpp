#include "simulator.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "battery_frames.hpp"
#include "battery_model.hpp"

namespace bms::sim {

std::uint64_t run_simulation(const SimOptions& o, const std::function<void(const CanFrame&)>& sink) {
  std::vector<BatteryModel> models;
  models.reserve(static_cast<std::size_t>(o.batteries));
  for (int i = 0; i < o.batteries; ++i) models.emplace_back(o, i);
  Noise jitter(o.seed ^ 0xC0FFEEULL);

  const std::int64_t interval_us = static_cast<std::int64_t>(o.interval_ms) * 1000;
  const std::int64_t start_us = o.start_epoch_s * 1000000;
  // Each battery owns a slot of the interval so sets from different batteries interleave
  // the way independent BMSes do, without spilling into the next period.
  const std::int64_t slot_us = interval_us / (o.batteries + 1);

  std::vector<CanFrame> tick_frames;
  std::vector<CanFrame> battery_frames;
  std::uint64_t produced = 0;
  bool was_hot = false;
  for (std::int64_t tick = 0;; ++tick) {
    const std::int64_t tick_us = tick * interval_us;
    const double t_s = static_cast<double>(tick_us) / 1e6;
    if (t_s >= o.duration_s) break;
    tick_frames.clear();
    for (int i = 0; i < o.batteries; ++i) {
      const BatteryReport report = models[static_cast<std::size_t>(i)].step(t_s);
      const std::int64_t slot_start =
          tick_us + i * slot_us + static_cast<std::int64_t>(jitter.uniform(0.0, 0.1) * static_cast<double>(slot_us));
      battery_frames.clear();
      std::string iface;
      if (o.protocol == SimProtocol::Canopen) {
        CanopenCycle cycle;
        cycle.first_cycle = tick == 0;
        cycle.cells = o.canopen_cells;
        if (i == 0) {
          cycle.emcy_raise = report.high_temperature_protection && !was_hot;
          cycle.emcy_clear = !report.high_temperature_protection && was_hot;
          was_hot = report.high_temperature_protection;
        }
        canopen_frames(report, static_cast<std::uint8_t>(o.first_node + i), cycle, battery_frames);
        iface = o.iface_prefix + "0";
      } else {
        if (!report.silent) pylon_frames(report, o.profile, i, battery_frames);
        iface = o.iface_prefix + std::to_string(i);
      }
      for (CanFrame& f : battery_frames) {
        f.time_us += start_us + slot_start;
        f.set_iface(iface);
        tick_frames.push_back(f);
      }
    }
    std::stable_sort(tick_frames.begin(), tick_frames.end(),
                     [](const CanFrame& a, const CanFrame& b) { return a.time_us < b.time_us; });
    for (const CanFrame& f : tick_frames) sink(f);
    produced += tick_frames.size();
  }
  return produced;
}

}  // namespace bms::sim
