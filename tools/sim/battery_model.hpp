#pragma once
/// @file battery_model.hpp
/// A simple, deterministic LiFePO4 battery (16 cells) and the scenario events acting on
/// it. No I/O: the simulator asks for a battery's state at a time and encodes it.

#include <cstdint>

#include "sim_options.hpp"

namespace bms::sim {

/// Deterministic noise (splitmix64): same seed, same sequence on every platform, unlike
/// the standard distributions whose algorithms are implementation-defined.
class Noise {
 public:
  explicit Noise(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept;
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) noexcept;

 private:
  std::uint64_t state_;
};

/// What one battery reports at one instant.
struct BatteryReport {
  bool silent = false;  ///< sends nothing (the `silent` scenario)
  double soc_pct = 0;
  double soh_pct = 100;
  double voltage_v = 0;
  double current_a = 0;  ///< + charging, - discharging
  double temperature_c = 25;
  double min_cell_voltage_v = 0;
  double max_cell_voltage_v = 0;
  double min_cell_temperature_c = 0;
  double max_cell_temperature_c = 0;
  int min_cell_index = 1;
  int max_cell_index = 1;
  double charge_voltage_limit_v = 55.2;
  double discharge_voltage_limit_v = 48.0;
  double charge_current_limit_a = 0;
  double discharge_current_limit_a = 0;
  bool charge_enable = true;
  bool discharge_enable = true;
  bool high_temperature_warning = false;
  bool high_temperature_protection = false;
  double capacity_ah = 100;
  double charged_kwh = 0;
  double discharged_kwh = 0;
};

/// The event window of the options' scenario, in seconds from the start.
struct EventWindow {
  double start_s = 0;
  double duration_s = 0;
  [[nodiscard]] bool contains(double t) const noexcept { return t >= start_s && t < start_s + duration_s; }
  /// 0 at the start of the window, 1 at its end.
  [[nodiscard]] double progress(double t) const noexcept { return duration_s > 0 ? (t - start_s) / duration_s : 0.0; }
};
[[nodiscard]] EventWindow event_window(const SimOptions& o) noexcept;

/// One battery of the bank, advanced tick by tick.
class BatteryModel {
 public:
  BatteryModel(const SimOptions& options, int index) noexcept;
  /// Advances to `t_s` (seconds since the start; ticks are increasing) and reports.
  BatteryReport step(double t_s) noexcept;

 private:
  const SimOptions& options_;
  int index_;
  Noise noise_;
  EventWindow window_;
  double capacity_ah_;
  double soc_pct_;
  double soh_pct_;
  double temperature_offset_c_;
  double phase_s_;
  double last_t_s_ = 0;
  double charged_kwh_ = 0;
  double discharged_kwh_ = 0;
};

}  // namespace bms::sim
