#include "battery_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace bms::sim {
namespace {

constexpr int kCells = 16;
constexpr double kCycleS = 600.0;           // one slow charge/discharge cycle
constexpr double kCycleCRate = 0.3;         // peak current as a fraction of capacity
constexpr double kImbalancePeakPct = 25.0;  // past the 20 % alarm tier
constexpr double kWarningTemperatureC = 45.0;
constexpr double kProtectionTemperatureC = 55.0;
constexpr double kAlarmPeakTemperatureC = 62.0;
constexpr double kHighCellPeakV = 3.70;     // past an LFP cell_max_v of 3.60
constexpr double kColdestC = -5.0;          // below an LFP charge_min_temperature_c of 0
constexpr double kUnevenShareFactor = 1.6;  // battery 0's current / its even share

/// LiFePO4 is flat in the middle; a straight line is enough for aggregation tests.
double cell_open_circuit_v(double soc_pct) noexcept { return 3.05 + 0.30 * soc_pct / 100.0; }

}  // namespace

std::uint64_t Noise::next() noexcept {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Noise::uniform(double lo, double hi) noexcept {
  const double unit = static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);  // 53 bits
  return lo + (hi - lo) * unit;
}

EventWindow event_window(const SimOptions& o) noexcept {
  EventWindow w;
  switch (o.scenario) {
    case Scenario::Imbalance:
      // Drift and recovery both fit in the run: 10 %..90 % of the duration.
      w = {0.1 * o.duration_s, 0.8 * o.duration_s};
      break;
    case Scenario::Silent:
      w = {std::min(20.0, 0.25 * o.duration_s), 47.0};
      break;
    case Scenario::BlockCharge:
      w = {std::min(20.0, 0.25 * o.duration_s), 30.0};
      break;
    case Scenario::Alarm:
      w = {std::min(15.0, 0.25 * o.duration_s), 30.0};
      break;
    case Scenario::CellHigh:
    case Scenario::Cold:
    case Scenario::UnevenShare:
      w = {0.1 * o.duration_s, 0.8 * o.duration_s};
      break;
    case Scenario::Steady:
    case Scenario::CanopenSdo:
      w = {0, 0};
      break;
  }
  if (o.event_start_s >= 0) w.start_s = o.event_start_s;
  if (o.event_duration_s >= 0) w.duration_s = o.event_duration_s;
  return w;
}

BatteryModel::BatteryModel(const SimOptions& options, int index) noexcept
    : options_(options),
      index_(index),
      noise_(options.seed * 1000003ULL + static_cast<std::uint64_t>(index) * 7919ULL + 17ULL),
      window_(event_window(options)),
      capacity_ah_(options.capacity_ah(index)) {
  soc_pct_ = 60.0 + noise_.uniform(-0.5, 0.5);
  soh_pct_ = std::round(noise_.uniform(95.0, 100.0));
  temperature_offset_c_ = noise_.uniform(-1.5, 1.5);
  phase_s_ = noise_.uniform(0.0, 30.0);
}

BatteryReport BatteryModel::step(double t_s) noexcept {
  const double dt_s = std::max(0.0, t_s - last_t_s_);
  last_t_s_ = t_s;
  BatteryReport r;
  r.capacity_ah = capacity_ah_;
  r.soh_pct = soh_pct_;

  // Packs in parallel share one charger and one load: every battery follows the same slow
  // cycle in phase, scaled by its capacity (its share), plus sensor noise. The per-battery
  // phase only shifts its temperature wobble.
  const double bank_cycle = std::sin(2.0 * std::numbers::pi * t_s / kCycleS);
  const double cycle = std::sin(2.0 * std::numbers::pi * (t_s + phase_s_) / kCycleS);
  double current_a = kCycleCRate * capacity_ah_ * bank_cycle + noise_.uniform(-0.2, 0.2);
  const bool first = index_ == 0;
  const bool last = index_ == options_.batteries - 1;
  const bool in_event = window_.contains(t_s);
  // Uneven share: battery 0 takes kUnevenShareFactor times its share, the others split the
  // rest (the bank total is unchanged), as packs of different internal resistance do.
  if (options_.scenario == Scenario::UnevenShare && in_event && options_.batteries > 1) {
    const double n = options_.batteries;
    current_a *= first ? kUnevenShareFactor : (n - kUnevenShareFactor) / (n - 1.0);
  }
  soc_pct_ = std::clamp(soc_pct_ + current_a * dt_s / 3600.0 / capacity_ah_ * 100.0, 0.0, 100.0);

  double soc = soc_pct_;
  if (options_.scenario == Scenario::Imbalance && first && in_event) {
    // Triangle: drift up to the peak at mid-window, then back.
    const double p = window_.progress(t_s);
    soc = std::clamp(soc + kImbalancePeakPct * (1.0 - std::abs(2.0 * p - 1.0)), 0.0, 100.0);
  }
  r.silent = options_.scenario == Scenario::Silent && last && in_event;

  double temperature_c = 25.0 + temperature_offset_c_ + 2.0 * std::abs(cycle);
  if (options_.scenario == Scenario::Alarm && first && in_event) {
    const double p = window_.progress(t_s);
    const double heat = 1.0 - std::abs(2.0 * p - 1.0);
    temperature_c += (kAlarmPeakTemperatureC - temperature_c) * heat;
  }
  if (options_.scenario == Scenario::Cold && first && in_event) {
    const double p = window_.progress(t_s);
    temperature_c += (kColdestC - temperature_c) * (1.0 - std::abs(2.0 * p - 1.0));
  }
  r.high_temperature_warning = temperature_c >= kWarningTemperatureC;
  r.high_temperature_protection = temperature_c >= kProtectionTemperatureC;

  const double cell_v = cell_open_circuit_v(soc) + 0.0008 * current_a * (100.0 / capacity_ah_);
  const double spread_v = 0.004 + noise_.uniform(0.0, 0.003);
  r.soc_pct = soc;
  r.current_a = current_a;
  r.voltage_v = kCells * cell_v;
  r.temperature_c = temperature_c;
  r.min_cell_voltage_v = cell_v - spread_v;
  r.max_cell_voltage_v = cell_v + spread_v;
  if (options_.scenario == Scenario::CellHigh && first && in_event) {
    // One cell runs away (a triangle to kHighCellPeakV); the pack voltage carries it.
    const double p = window_.progress(t_s);
    const double high =
        r.max_cell_voltage_v + (kHighCellPeakV - r.max_cell_voltage_v) * (1.0 - std::abs(2.0 * p - 1.0));
    r.voltage_v += high - cell_v;
    r.max_cell_voltage_v = high;
  }
  r.min_cell_index = 1 + static_cast<int>(noise_.next() % kCells);
  r.max_cell_index = 1 + static_cast<int>(noise_.next() % kCells);
  r.min_cell_temperature_c = temperature_c - 1.0;
  r.max_cell_temperature_c = temperature_c + 1.0;

  // Limits: 0.5 C charge tapering to 0.05 C above 95 % SOC, 1 C discharge.
  r.charge_current_limit_a = 0.5 * capacity_ah_;
  if (soc > 95.0) r.charge_current_limit_a = capacity_ah_ * (0.5 - 0.45 * (soc - 95.0) / 5.0);
  r.discharge_current_limit_a = 1.0 * capacity_ah_;
  if (options_.scenario == Scenario::BlockCharge && first && in_event) {
    r.charge_current_limit_a = 0;
    r.charge_enable = false;
  }
  if (r.high_temperature_protection) {
    r.charge_current_limit_a = 0;
    r.discharge_current_limit_a = 0;
    r.charge_enable = false;
    r.discharge_enable = false;
  }

  const double power_kw = r.voltage_v * current_a / 1000.0;
  if (power_kw > 0)
    charged_kwh_ += power_kw * dt_s / 3600.0;
  else
    discharged_kwh_ -= power_kw * dt_s / 3600.0;
  r.charged_kwh = 120.0 + charged_kwh_;  // a battery that has seen some use
  r.discharged_kwh = 115.0 + discharged_kwh_;
  return r;
}

}  // namespace bms::sim
