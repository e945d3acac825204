#pragma once
/// @file policy_oracle.hpp
/// An independent safety oracle for the charge policy, written from docs/POLICY.md (the
/// section "What the safety oracle enforces" lists its invariants). It never calls the
/// aggregator's code: it follows the described input (bank_model.hpp) on its own and bounds
/// every emitted frame set (emitted_frame_set.hpp).
///
/// Leniency: where the state is ambiguous (a frame within `tolerance_us` of a stale
/// deadline, a soc_diff on a tier boundary, an imbalance tier that depends on when the
/// aggregate was evaluated), the oracle takes every reading of the state it cannot rule out
/// and bounds by the most permissive one, so it never fails a correct aggregator. Where
/// nothing is ambiguous it checks the exact expected value, so an aggregator that always
/// sends 0 fails.

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "bank_model.hpp"
#include "emitted_frame_set.hpp"

namespace bms::oracle {

enum class Invariant : std::uint8_t {
  ChargeCurrentBound,     ///< CCL <= N_online x min(CCL_i), <= the tier cap, <= the wire maximum
  ChargeBlocked,          ///< CCL 0, charge disabled and no force-charge request while charging must stop
  ChargeExact,            ///< clear state: CCL and charge enable exactly as the policy says
  DischargeCurrentBound,  ///< DCL <= min(max_discharge_current, N_online x min(DCL_i)); fail-safe current
  DischargeBlocked,       ///< DCL 0 and discharge disabled while a battery blocks discharging
  DischargeExact,         ///< clear state: DCL and discharge enable exactly
  ChargeVoltageBound,     ///< CVL <= min(max_charge_voltage, min CVL_i)
  ChargeVoltageExact,     ///< clear state: CVL exactly
  DischargeVoltage,       ///< discharge voltage limit = battery_low_voltage (8-byte 0x351)
  FrameSetShape,          ///< each set: one 0x351, and 0x35C where the profile sends it
  FrameSetGap,            ///< no gap between frame sets longer than interval_ms
  FirstFrameSetLate,      ///< the first set no later than the longest stale timeout after the first frame
  ProtectiveLate,         ///< a limit that must fall goes out at once (or min_gap after the last protective set)
  RampRate,               ///< CCL rises no faster than charge_current_ramp_a_per_s
  Count
};
[[nodiscard]] const char* invariant_name(Invariant i) noexcept;

struct Violation {
  Invariant invariant = Invariant::Count;
  std::int64_t time_us = 0;
  std::string detail;  ///< expected vs emitted, in words and numbers
};

struct OracleOptions {
  /// Half-width of the window around a deadline within which both readings are accepted.
  std::int64_t tolerance_us = 1000;
  /// docs/POLICY.md: at most one protective frame set per 200 ms (a second one waits for it).
  std::int64_t min_gap_us = 200'000;
  /// More ambiguous items than this at one instant: the set is counted as skipped.
  int max_ambiguous = 10;
  /// Violations kept with their detail (all are counted).
  std::size_t keep_violations = 20;
  /// Extension point for charge tapers (cell voltage, temperature): an extra upper bound
  /// on the bank's charge current at `time_us`, or +infinity. Called once per checked set.
  std::function<double(std::int64_t time_us)> charge_taper_a;
};

struct OracleReport {
  std::uint64_t frame_sets = 0;      ///< frame sets checked
  std::uint64_t exact_sets = 0;      ///< of them, with the exact CCL/DCL/CVL checked
  std::uint64_t ambiguous_sets = 0;  ///< checked with lenient bounds only
  std::uint64_t skipped_sets = 0;    ///< too ambiguous to bound (see max_ambiguous)
  std::uint64_t violation_count = 0;
  std::vector<Violation> violations;  ///< the first `keep_violations`
  [[nodiscard]] bool ok() const noexcept { return violation_count == 0; }
};

/// Checks `sets` (emitted in this order) against the input `events` (non-decreasing time)
/// for the bank `spec`. `end_us` is when the input ended (the last frame's time).
[[nodiscard]] OracleReport check_bank(const BankSpec& spec, std::span<const InputEvent> events,
                                      std::span<const EmittedFrameSet> sets, std::int64_t end_us,
                                      const OracleOptions& options = {});

}  // namespace bms::oracle
