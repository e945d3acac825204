#pragma once
/// @file history.hpp
/// The bank's history as Venus battery monitors publish it (/History/*): discharge depths,
/// cycles, Ah and energy counters, voltage extremes. Pure: every update carries the time,
/// nothing reads a clock; the counters are plain data so the app can keep them in the state
/// file across restarts. Definitions (docs/DBUS.md, "/History"):
///  - depths and Ah drawn are negative Ah, as Victron's battery monitors show them;
///  - a discharge ends at a full charge (bank SOC 100 %); its depth is the deepest
///    "installed minus remaining" Ah seen since the previous full charge;
///  - Ah and energy are integrated from the bank current and power of each update, held
///    until the next one; a gap longer than kHistoryMaxGapUs is not bridged (no guessing).

#include <cstdint>
#include <optional>

namespace bms {

struct Snapshot;

/// A gap between two updates longer than this is a hole in the data: not integrated.
inline constexpr std::int64_t kHistoryMaxGapUs = 60'000'000;
/// SOC at or above which the bank counts as full (the 100.0 % shown at 0.1 % resolution).
inline constexpr double kFullSocPct = 99.95;
/// SOC at or below which the bank counts as fully discharged.
inline constexpr double kEmptySocPct = 0.05;
/// After a full discharge, the SOC must climb back to this before another one is counted.
inline constexpr double kEmptyRearmSocPct = 10.0;

/// Everything the history keeps across restarts. Counters only grow (or deepen); extremes
/// are nullopt until first seen.
struct HistoryCounters {
  double deepest_discharge_ah = 0;         ///< <= 0: deepest discharge ever
  double last_discharge_ah = 0;            ///< <= 0: deepest since the last full charge
  std::uint32_t completed_discharges = 0;  ///< discharges ended by a full charge
  double completed_depth_sum_ah = 0;       ///< <= 0: sum of their depths (average = sum / count)
  std::uint32_t full_discharges = 0;       ///< times the bank SOC reached 0 %
  double total_ah_drawn = 0;               ///< <= 0: Ah taken out, ever
  double discharged_energy_kwh = 0;        ///< >= 0
  double charged_energy_kwh = 0;           ///< >= 0
  std::optional<double> min_voltage_v;
  std::optional<double> max_voltage_v;
  std::optional<double> min_cell_voltage_v;
  std::optional<double> max_cell_voltage_v;
  /// Seconds since the bank was last full; nullopt until it has been full once.
  std::optional<double> seconds_since_full_charge;
  bool at_full = false;   ///< full now (a new full charge needs the SOC to leave 100 % first)
  bool at_empty = false;  ///< fully discharged and not yet re-armed by kEmptyRearmSocPct

  bool operator==(const HistoryCounters&) const = default;
};

/// What /History/* shows: the counters and the values derived from them.
struct BankHistory {
  HistoryCounters counters;
  /// Equivalent full cycles: Ah drawn / installed capacity, whole cycles (nullopt when the
  /// capacities are not configured).
  std::optional<std::uint32_t> charge_cycles;
  std::optional<double> average_discharge_ah;  ///< mean depth of completed discharges
};

class HistoryAccumulator {
 public:
  HistoryAccumulator() = default;
  /// Continues from stored counters (a restart). The first update after it only takes a
  /// sample: time does not carry over between runs.
  explicit HistoryAccumulator(const HistoryCounters& stored) : counters_(stored) {}

  /// Takes the bank at `snapshot.time_us`. Times must not decrease; an older one is ignored.
  void update(const Snapshot& snapshot);

  [[nodiscard]] const HistoryCounters& counters() const noexcept { return counters_; }
  /// The published view; `installed_capacity_ah` 0 leaves the cycle count unknown.
  [[nodiscard]] BankHistory view(double installed_capacity_ah) const;

 private:
  HistoryCounters counters_;
  // The previous sample: its current and power are held until this update.
  std::optional<std::int64_t> last_us_;
  std::optional<double> last_current_a_;
  std::optional<double> last_power_w_;
};

}  // namespace bms
