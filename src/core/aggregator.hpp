#pragma once
/// @file aggregator.hpp
/// The pure aggregation engine: per-battery state in, one Snapshot out. No I/O, no clock:
/// every call carries the time. Policy (docs/POLICY.md):
///  - a battery is online when it sent a decodable frame within its stale_after_ms;
///    offline batteries are excluded and counted, never shown with frozen values;
///  - a value older than its battery's stale timeout is not used;
///  - an online battery without a fresh charge (discharge) current limit blocks charging
///    (discharging): limits are never guessed. A BMS whose protocol cannot send limits
///    (a CANopen map without them) uses its configured max_charge_current /
///    max_discharge_current instead, or only the bank's caps when those are 0;
///  - nothing online: fail-safe (no charging; discharge at failsafe_discharge_current);
///  - increases of the charge current limit may be ramped; decreases are immediate;
///  - the cell-voltage and temperature tapers and the measured current share are further
///    terms of the same min() (cell_taper, temperature_taper, current_share); the snapshot
///    names the term that set each limit.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/battery_rules.hpp"
#include "core/battery_state.hpp"
#include "core/current_share.hpp"
#include "core/settings.hpp"
#include "core/snapshot.hpp"

namespace bms {

class Aggregator {
 public:
  explicit Aggregator(const Settings& settings);

  /// Applies a reading; readings of unknown sources and clock ticks are ignored here.
  /// A battery's value is stored inline (the per-reading hot path); the rest in apply_other().
  void apply(const Reading& reading) noexcept {
    if (reading.kind == ReadingKind::Signal && reading.source < batteries_.size() &&
        reading.signal != SignalId::NmtState) {
      batteries_[reading.source].apply(reading);
      return;
    }
    apply_other(reading);
  }

  /// Computes the aggregate at `now_us`. Updates the imbalance tier (hysteresis) and the
  /// charge-current ramp, so call it with non-decreasing times. decide() then describe().
  [[nodiscard]] Snapshot evaluate(std::int64_t now_us) {
    Snapshot s = decide(now_us);
    describe(s);
    return s;
  }

  /// The decisions at `now_us` (every bank value, limit and alarm, each pack's limits,
  /// blocking and alarms) without the per-pack display detail: each BatteryView has only
  /// `online` and its decision inputs. Most evaluations publish nothing (a current changed,
  /// no limit moved), so the engine describes a snapshot only when an output takes it.
  [[nodiscard]] Snapshot decide(std::int64_t now_us);
  /// Fills what decide() leaves out, from the state at the snapshot's own time: each pack's
  /// name, source and capacity, and for an online pack its temperature, CVL and cell
  /// extremes. Changes no state. Call it before further readings are applied (the engine
  /// does, right after decide()): it reads the batteries as they are now.
  void describe(Snapshot& s) const;

  /// Replaces the charge policy (a configuration reload). The imbalance tier is kept and
  /// re-judged against the new thresholds at the next evaluation.
  void set_policy(const ChargeSettings& charge, const ImbalanceSettings& imbalance) {
    charge_ = charge;
    imbalance_ = imbalance;
  }
  /// Replaces the [cells] and [alarms] policy (a configuration reload). Held taper values
  /// and the voltage cap are kept: a reload never eases what a measurement tightened.
  void set_cell_policy(const CellSettings& cells, const AlarmSettings& alarms) {
    cells_ = cells;
    alarm_settings_ = alarms;
  }

  /// True once battery `i` has sent its SOC and the limits its protocol carries.
  [[nodiscard]] bool has_reported(std::size_t i) const noexcept;

  [[nodiscard]] const BatteryState& battery(std::size_t i) const { return batteries_.at(i); }
  /// Every battery's state, in configuration order (the engine's per-reading look-up).
  [[nodiscard]] const std::vector<BatteryState>& batteries() const noexcept { return batteries_; }

 private:
  void apply_other(const Reading& reading) noexcept;

  /// What decide() reads of one online battery at an instant: its fresh values and what the
  /// per-battery rules (battery_rules.hpp) make of them. A pure function of the battery's
  /// state, its settings and the time.
  struct PackInputs {
    std::optional<double> soc_pct, voltage_v, current_a, charge_current_limit_a, discharge_current_limit_a;
    std::optional<double> charge_voltage_limit_v, power_w, temperature_c, soh_pct;
    std::optional<double> min_cell_voltage_v, max_cell_voltage_v, min_cell_temperature_c, max_cell_temperature_c;
    Blocking blocking;
    Alarms alarms;
    int module_count = 1;
    ForceChargeRequest force_charge;
  };
  /// PackInputs of one battery, kept while they hold: most evaluations follow one battery's
  /// new reading, and the others' inputs have not changed (BatteryState::version()) nor has
  /// anything in them gone stale (BatteryState::next_change_us()).
  struct PackCache {
    bool filled = false;
    std::uint64_t version = 0;
    std::int64_t at_us = 0;     ///< computed at
    std::int64_t until_us = 0;  ///< valid before this instant
    PackInputs inputs;
  };
  std::vector<PackCache> pack_cache_;
  const PackInputs& pack_inputs(std::size_t i, std::int64_t now_us, std::int64_t stale_us);
  struct Fresh;  // helper to read fresh values of one battery
  // Per-pack detail (issue 13), aggregator.cpp's per-pack block.
  static void fill_pack_detail(BatteryView& view, const Fresh& f, const BatteryState& st);
  std::vector<BatterySettings> battery_settings_;
  ChargeSettings charge_;
  ImbalanceSettings imbalance_;
  std::vector<BatteryState> batteries_;
  std::vector<bool> sends_charge_limit_;     // per battery: its protocol carries a CCL
  std::vector<bool> sends_discharge_limit_;  // per battery: its protocol carries a DCL
  std::vector<std::string> pack_sources_;    // per battery: pack_source(), built once
  std::vector<PackShare> charge_shares_;     // BankInputs' storage, reused by every evaluation
  std::vector<PackShare> discharge_shares_;
  [[nodiscard]] double ramp_charge_current(double target_a, std::int64_t now_us) noexcept;
  struct BankInputs;  // what the per-battery loop gathered for the bank limits
  void set_bank_limits(Snapshot& s, const BankInputs& in, std::int64_t now_us);
  void update_taper_inputs(const Snapshot& s) noexcept;
  void set_own_alarms(Snapshot& s) const noexcept;

  CellSettings cells_;
  AlarmSettings alarm_settings_;
  // Taper state: the extremes the tapers read, held with hysteresis (taper_math.hpp) and
  // kept while unknown (unknown never eases a limit); the cell-voltage CVL cap in force.
  std::optional<double> held_highest_cell_v_;
  std::optional<double> held_lowest_cell_v_;
  std::optional<double> held_coldest_c_;
  std::optional<double> held_warmest_c_;
  std::optional<double> cell_voltage_cap_v_;
  std::optional<double> charge_share_factor_;  // current share factors in force (next_share_factor)
  std::optional<double> discharge_share_factor_;
  std::int64_t cell_voltage_cap_at_us_ = kNever;

  // [bank] current_source: a shunt whose current and power replace the packs' sum while fresh.
  bool has_shunt_ = false;
  BatteryState shunt_;

  ImbalanceTier tier_ = ImbalanceTier::Balanced;
  std::int64_t keepalive_timeout_us_;
  std::int64_t last_keepalive_us_ = kNever;
  // Ramp state: the limit published last and when it was computed.
  double ramped_ccl_a_ = 0.0;
  std::int64_t ramped_at_us_ = kNever;
};

}  // namespace bms
