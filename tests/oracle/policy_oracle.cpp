// The oracle, rule by rule from docs/POLICY.md. Nothing here includes src/core: the state it
// follows is its own, built from the described input.

#include "policy_oracle.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace bms::oracle {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::max();
/// Floating-point slack for comparisons against thresholds and rounding points.
constexpr double kEps = 1e-6;
/// Largest magnitude of the s16 0.1 A current fields and the u16 0.1 V voltage field.
constexpr double kMaxCurrentA = 3276.7;
constexpr double kMaxVoltageV = 6553.5;
/// docs/ARCHITECTURE.md "Gaps in a replayed log": input that jumps forward by more than 60 s
/// is a gap; the periodic sets pause and restart at its end.
constexpr std::int64_t kInputGapUs = 60'000'000;

// ------------------------------------------------------------------------------------------
// The policy's parameters, as docs/POLICY.md and docs/CONFIGURATION.md define them.

enum Tier : int { Balanced = 0, Minor = 1, Warning = 2, Alarm = 3 };

struct Policy {
  std::array<double, 4> threshold{};  ///< entry threshold per tier (Balanced unused)
  double hysteresis = 2;
  std::array<double, 4> cap{};  ///< charge current each tier allows, never above a milder tier's
  double max_charge_voltage = 0, max_discharge_current = 0, battery_low_voltage = 0;
  double failsafe_discharge_current = 0, ramp_a_per_s = 0;
  double share_threshold_a = 0;  ///< measured current share rule, 0 = off
  std::int64_t interval_us = 0;
};

Policy policy_of(const BankSpec& s) {
  // Presets: conservative 5/10/15 %, aggressive 5/15/20 %; factors 0.85/0.66, hysteresis 2;
  // keys given explicitly win. Without a preset the defaults are 5/15/20 %.
  double minor = 5, warning = s.preset == "conservative" ? 10 : 15, alarm = s.preset == "conservative" ? 15 : 20;
  double mf = 0.85, wf = 0.66, hyst = 2;
  minor = s.minor_threshold.value_or(minor);
  warning = s.warning_threshold.value_or(warning);
  alarm = s.alarm_threshold.value_or(alarm);
  mf = s.minor_factor.value_or(mf);
  wf = s.warning_factor.value_or(wf);
  hyst = s.hysteresis.value_or(hyst);
  const double nominal = s.nominal_charge_current;
  // reduced_charge_current: given, else the preset's share (1 or 2 batteries' share of the
  // nominal current, at most what the warning tier allows), else 50 A.
  double reduced = 50;
  if (s.reduced_charge_current) {
    reduced = *s.reduced_charge_current;
  } else if (!s.preset.empty()) {
    const double share = nominal / static_cast<double>(s.batteries.size());
    reduced = std::min(wf * nominal, (s.preset == "conservative" ? 1.0 : 2.0) * share);
  }
  Policy p;
  p.threshold = {0, minor, warning, alarm};
  p.hysteresis = hyst;
  // "A worse tier never allows more than a milder one."
  p.cap[Balanced] = nominal;
  p.cap[Minor] = std::min(p.cap[Balanced], mf * nominal);
  p.cap[Warning] = std::min(p.cap[Minor], wf * nominal);
  p.cap[Alarm] = std::min(p.cap[Warning], reduced);
  p.max_charge_voltage = s.max_charge_voltage;
  p.max_discharge_current = s.max_discharge_current;
  p.battery_low_voltage = s.battery_low_voltage;
  p.failsafe_discharge_current = s.failsafe_discharge_current;
  p.ramp_a_per_s = s.charge_current_ramp_a_per_s;
  p.share_threshold_a = s.share_threshold_a;
  p.interval_us = s.interval_us;
  return p;
}

/// Entered as soon as soc_diff is strictly above a threshold; left (step by step) only when
/// strictly below the tier's threshold minus the hysteresis.
int next_tier(int current, double soc_diff, const Policy& p) {
  int target = Balanced;
  if (soc_diff > p.threshold[Alarm])
    target = Alarm;
  else if (soc_diff > p.threshold[Warning])
    target = Warning;
  else if (soc_diff > p.threshold[Minor])
    target = Minor;
  if (target >= current) return target;
  while (current > target && soc_diff < p.threshold[current] - p.hysteresis) --current;
  return current;
}

// ------------------------------------------------------------------------------------------
// What the oracle knows of each battery.

enum class Tri : std::uint8_t { No, Yes, Maybe };

/// Flags that forbid until a fresh value allows again or the battery goes offline.
enum Latch : int {
  ChargeOff,
  DischargeOff,
  ShortCircuit,
  HighChargeTemp,
  LowChargeTemp,
  EmcyActive,
  NodeStopped,
  kLatchCount
};

struct LatchState {
  bool set = false;
  std::uint32_t offline_for_sure = 0;  ///< offline gaps (certain / possible) when it was set
  std::uint32_t offline_maybe = 0;
};

struct Track {
  std::int64_t last_frame_us = kNeverUs;
  std::array<double, kQuantityCount> value{};
  std::array<std::int64_t, kQuantityCount> at{};
  std::array<LatchState, kLatchCount> latch{};
  std::uint32_t offline_for_sure = 0;  ///< gaps longer than the stale timeout (+ tolerance)
  std::uint32_t offline_maybe = 0;     ///< gaps that may have been (within the tolerance)
  Track() { at.fill(kNeverUs); }
};

/// Quantities whose age matters (the flags latch instead).
constexpr Quantity kAged[] = {
    Quantity::ChargeVoltageLimit, Quantity::ChargeCurrentLimit, Quantity::DischargeCurrentLimit,
    Quantity::SocWhole,           Quantity::SocHires,           Quantity::Current};

/// One battery at one instant: every yes/no the policy depends on, possibly undecided.
struct BatteryAt {
  Tri online = Tri::No;
  std::array<Tri, kQuantityCount> fresh{};
  std::array<Tri, kLatchCount> latched{};
};

/// One reading of the bank at one instant (all undecided items decided one way).
struct Outcome {
  int online = 0;
  bool blocks_charge = false, blocks_discharge = false;
  double min_ccl = kInf, min_dcl = kInf, min_cvl = kInf;
  bool soc_known = false;
  double soc_diff_lo = 0, soc_diff_hi = 0;
  /// The measured current share may cut the current limits (a further min() term that only
  /// lowers them): every online battery reports its current and the bank's is above the
  /// threshold. Then only the bounds hold, not the exact N x min.
  bool share_may_cut = false;
};

struct Bounds {
  bool skipped = false;
  bool exact = false;  ///< single reading of the state
  double ccl_max = 0, dcl_max = 0, cvl_max = 0;
  bool charge_must_block = true, discharge_must_block = true;
  Outcome single;  ///< the reading, when exact
};

/// Wire raw (0.1 units) values `x` may legitimately encode to: one, or two on a tie.
std::pair<std::int64_t, std::int64_t> rounding_of(double x, double max) {
  const double y = std::clamp(x, 0.0, max) * 10.0;
  const double f = std::floor(y);
  if (std::abs(y - f - 0.5) < kEps) return {static_cast<std::int64_t>(f), static_cast<std::int64_t>(f) + 1};
  const auto r = static_cast<std::int64_t>(std::llround(y));
  return {r, r};
}
/// Largest raw value allowed under the bound `x` (rounding up at a tie).
std::int64_t raw_ceiling(double x, double max) { return rounding_of(x, max).second; }

std::string fmt(const char* format, double a, double b = 0, double c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

class Checker {
 public:
  Checker(const BankSpec& spec, const OracleOptions& options)
      : spec_(spec), options_(options), policy_(policy_of(spec)), tracks_(spec.batteries.size()) {
    for (const BatterySpec& b : spec.batteries) max_stale_us_ = std::max(max_stale_us_, b.stale_after_us);
  }

  OracleReport run(std::span<const InputEvent> events, std::span<const EmittedFrameSet> sets, std::int64_t end_us);

 private:
  // --- input
  void apply(const InputEvent& e);
  // --- classification at an instant
  [[nodiscard]] Tri age_tri(std::int64_t since, std::int64_t now, std::int64_t stale) const noexcept;
  [[nodiscard]] BatteryAt battery_at(std::size_t i, std::int64_t now) const noexcept;
  [[nodiscard]] std::int64_t next_boundary_after(std::int64_t t) const noexcept;
  template <typename Visit>
  bool for_each_reading(std::int64_t now, Visit&& visit) const;
  [[nodiscard]] Outcome evaluate(const std::vector<BatteryAt>& at, std::uint32_t mask) const;
  // --- the imbalance tier (a range: the aggregator's tier is within it)
  void update_tier(std::int64_t now, bool evaluated_for_sure);
  [[nodiscard]] Bounds bounds(std::int64_t now) const;
  // --- checks
  void check_set(const EmittedFrameSet& set, const EmittedFrameSet* previous);
  void check_protective(std::int64_t now, const EmittedFrameSet& in_force);
  void note_set_kind(const EmittedFrameSet& s);
  void violation(Invariant what, std::int64_t t, std::string detail);

  const BankSpec& spec_;
  const OracleOptions& options_;
  Policy policy_;
  std::vector<Track> tracks_;
  std::int64_t max_stale_us_ = 0;
  std::int64_t first_reading_us_ = kNeverUs;
  int tier_lo_ = Balanced, tier_hi_ = Balanced;
  std::int64_t protective_due_us_ = kNoTime;
  std::vector<std::pair<std::int64_t, std::int64_t>> input_gaps_;  ///< (last frame before, first after)
  std::int64_t grid_origin_us_ = kNeverUs;
  bool grid_lost_ =
      false;  ///< an input gap restarted the periodic grid         ///< the first set: periodic sets fall on its grid
  std::int64_t last_protective_us_ = kNeverUs;  ///< the last set off the grid (protective)
  std::string protective_why_;
  OracleReport report_;
};

void Checker::violation(Invariant what, std::int64_t t, std::string detail) {
  ++report_.violation_count;
  if (report_.violations.size() < options_.keep_violations) report_.violations.push_back({what, t, std::move(detail)});
}

void Checker::apply(const InputEvent& e) {
  if (e.meaning == FrameMeaning::Foreign) return;  // no reading at all
  if (first_reading_us_ == kNeverUs) first_reading_us_ = e.time_us;
  if (e.meaning != FrameMeaning::Decodes || e.battery < 0) return;  // not proof of life
  Track& b = tracks_[static_cast<std::size_t>(e.battery)];
  const std::int64_t stale = spec_.batteries[static_cast<std::size_t>(e.battery)].stale_after_us;
  if (b.last_frame_us != kNeverUs) {
    const std::int64_t gap = e.time_us - b.last_frame_us;
    if (gap > stale + options_.tolerance_us) {
      ++b.offline_for_sure;
      ++b.offline_maybe;
    } else if (gap >= stale - options_.tolerance_us) {
      ++b.offline_maybe;
    }
  }
  b.last_frame_us = e.time_us;
  const auto latch = [&](Latch l, bool forbids) {
    b.latch[l] = forbids ? LatchState{true, b.offline_for_sure, b.offline_maybe} : LatchState{};
  };
  for (std::size_t q = 0; q < kQuantityCount; ++q) {
    if (!e.has.test(q)) continue;
    const double v = e.value[q];
    b.value[q] = v;
    b.at[q] = e.time_us;
    switch (static_cast<Quantity>(q)) {
      case Quantity::ChargeEnable:
        latch(ChargeOff, v == 0);
        break;
      case Quantity::DischargeEnable:
        latch(DischargeOff, v == 0);
        break;
      case Quantity::ShortCircuit:
        latch(ShortCircuit, v != 0);
        break;
      case Quantity::HighChargeTemperature:
        latch(HighChargeTemp, v != 0);
        break;
      case Quantity::LowChargeTemperature:
        latch(LowChargeTemp, v != 0);
        break;
      case Quantity::EmcyCode:
        latch(EmcyActive, v != 0);
        break;
      case Quantity::NmtState:
        latch(NodeStopped, v == kNmtStopped);
        if (v == kNmtBootUp) latch(EmcyActive, false);  // a node that rebooted has no active EMCY
        break;
      default:
        break;
    }
  }
}

Tri Checker::age_tri(std::int64_t since, std::int64_t now, std::int64_t stale) const noexcept {
  if (since == kNeverUs) return Tri::No;
  const std::int64_t age = now - since;
  if (age <= stale - options_.tolerance_us) return Tri::Yes;
  if (age > stale + options_.tolerance_us) return Tri::No;
  return Tri::Maybe;
}

BatteryAt Checker::battery_at(std::size_t i, std::int64_t now) const noexcept {
  const Track& b = tracks_[i];
  const std::int64_t stale = spec_.batteries[i].stale_after_us;
  BatteryAt a;
  a.online = age_tri(b.last_frame_us, now, stale);
  if (a.online == Tri::No) return a;
  for (const Quantity q : kAged) {
    const auto k = static_cast<std::size_t>(q);
    a.fresh[k] = age_tri(b.at[k], now, stale);
  }
  for (int l = 0; l < kLatchCount; ++l) {
    const LatchState& s = b.latch[static_cast<std::size_t>(l)];
    Tri t = Tri::No;
    if (s.set) {
      if (b.offline_for_sure > s.offline_for_sure)
        t = Tri::No;  // went offline since: released
      else if (b.offline_maybe > s.offline_maybe)
        t = Tri::Maybe;
      else
        t = Tri::Yes;
    }
    a.latched[static_cast<std::size_t>(l)] = t;
  }
  return a;
}

std::int64_t Checker::next_boundary_after(std::int64_t t) const noexcept {
  std::int64_t next = kNoTime;
  const auto consider = [&](std::int64_t since, std::int64_t stale) {
    if (since == kNeverUs) return;
    // The classification changes when the age crosses stale - tol and stale + tol.
    for (const std::int64_t b :
         {since + stale - options_.tolerance_us + 1, since + stale + options_.tolerance_us + 1}) {
      if (b > t && b < next) next = b;
    }
  };
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const Track& b = tracks_[i];
    const std::int64_t stale = spec_.batteries[i].stale_after_us;
    if (b.last_frame_us == kNeverUs || t - b.last_frame_us > stale + options_.tolerance_us) continue;
    consider(b.last_frame_us, stale);
    for (const Quantity q : kAged) consider(b.at[static_cast<std::size_t>(q)], stale);
  }
  return next;
}

/// Calls visit(const Outcome&) for every reading of the state at `now`; false when there
/// are too many undecided items to enumerate.
template <typename Visit>
bool Checker::for_each_reading(std::int64_t now, Visit&& visit) const {
  std::vector<BatteryAt> at;
  at.reserve(tracks_.size());
  int undecided = 0;
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    at.push_back(battery_at(i, now));
    const BatteryAt& a = at.back();
    undecided += a.online == Tri::Maybe;
    for (Tri f : a.fresh) undecided += f == Tri::Maybe;
    for (Tri l : a.latched) undecided += l == Tri::Maybe;
  }
  if (undecided > options_.max_ambiguous) return false;
  for (std::uint32_t mask = 0; mask < (1U << undecided); ++mask) visit(evaluate(at, mask), undecided == 0);
  return true;
}

Outcome Checker::evaluate(const std::vector<BatteryAt>& at, std::uint32_t mask) const {
  int bit = 0;
  const auto yes = [&](Tri t) {
    if (t == Tri::Maybe) return ((mask >> bit++) & 1U) != 0;
    return t == Tri::Yes;
  };
  Outcome o;
  bool all_currents = true;
  double bank_current = 0;
  double soc_lo_max = -kInf, soc_hi_min = kInf, soc_min = kInf, soc_max = -kInf;
  for (std::size_t i = 0; i < at.size(); ++i) {
    const BatteryAt& a = at[i];
    if (!yes(a.online)) continue;
    ++o.online;
    const BatterySpec& cfg = spec_.batteries[i];
    const Track& b = tracks_[i];
    // Decide each of this battery's undecided items once (an item read twice must read
    // the same way).
    std::array<bool, kQuantityCount> is_fresh{};
    std::array<bool, kLatchCount> is_latched{};
    for (std::size_t k = 0; k < kQuantityCount; ++k) is_fresh[k] = yes(a.fresh[k]);
    for (std::size_t l = 0; l < kLatchCount; ++l) is_latched[l] = yes(a.latched[l]);
    const auto fresh = [&](Quantity q) -> std::optional<double> {
      const auto k = static_cast<std::size_t>(q);
      if (b.at[k] == kNeverUs || !is_fresh[k]) return std::nullopt;
      return b.value[k];
    };
    const auto latched = [&](Latch l) { return is_latched[static_cast<std::size_t>(l)]; };

    std::optional<double> ccl, dcl, cvl;
    std::array<double, 2> soc{};
    int socs = 0;
    const auto whole = fresh(Quantity::SocWhole);
    if (cfg.protocol == SourceProtocol::Pylontech) {
      // The BMS sends its limits: unknown (never sent or stale) or <= 0 blocks.
      ccl = fresh(Quantity::ChargeCurrentLimit);
      dcl = fresh(Quantity::DischargeCurrentLimit);
      cvl = fresh(Quantity::ChargeVoltageLimit);
      o.blocks_charge |= !ccl || *ccl <= 0;
      o.blocks_discharge |= !dcl || *dcl <= 0;
      // SOC: the high-resolution field when within 0..100 % and within 1 % of the 1 % field.
      const auto hires = fresh(Quantity::SocHires);
      const bool hires_valid = hires && *hires >= 0 && *hires <= 100;
      if (hires_valid && !whole) {
        soc[socs++] = *hires;
      } else if (hires_valid) {
        const double d = std::abs(*hires - *whole);
        if (d <= 1 + kEps) soc[socs++] = *hires;
        if (d >= 1 - kEps) soc[socs++] = *whole;
      } else if (whole) {
        soc[socs++] = *whole;
      }
    } else {
      // A CANopen map without limit objects: the configured limits, or only the bank's caps.
      if (cfg.max_charge_current > 0) ccl = cfg.max_charge_current;
      if (cfg.max_discharge_current > 0) dcl = cfg.max_discharge_current;
      if (whole) soc[socs++] = *whole;
      o.blocks_charge |= !whole;  // SOC unknown (the node answers heartbeats, not SDO polls)
      o.blocks_charge |= latched(EmcyActive);
    }
    o.blocks_charge |= latched(ChargeOff) || latched(ShortCircuit) || latched(HighChargeTemp) ||
                       latched(LowChargeTemp) || latched(NodeStopped);
    o.blocks_discharge |= latched(DischargeOff) || latched(ShortCircuit) || latched(NodeStopped);
    if (const auto current = fresh(Quantity::Current)) {
      bank_current += *current;
    } else {
      all_currents = false;
    }
    if (ccl) o.min_ccl = std::min(o.min_ccl, *ccl);
    if (dcl) o.min_dcl = std::min(o.min_dcl, *dcl);
    if (cvl) o.min_cvl = std::min(o.min_cvl, *cvl);
    if (socs > 0) {
      double lo = kInf, hi = -kInf;
      for (int k = 0; k < socs; ++k) {
        const double s = std::clamp(soc[k], 0.0, 100.0);  // every SOC clamped to 0..100 %
        lo = std::min(lo, s);
        hi = std::max(hi, s);
      }
      o.soc_known = true;
      soc_lo_max = std::max(soc_lo_max, lo);
      soc_hi_min = std::min(soc_hi_min, hi);
      soc_min = std::min(soc_min, lo);
      soc_max = std::max(soc_max, hi);
    }
  }
  o.share_may_cut = policy_.share_threshold_a > 0 && o.online > 0 && all_currents &&
                    std::abs(bank_current) > policy_.share_threshold_a - kEps;
  if (o.soc_known) {
    o.soc_diff_hi = soc_max - soc_min;
    o.soc_diff_lo = std::max(0.0, soc_lo_max - soc_hi_min);
  }
  return o;
}

void Checker::update_tier(std::int64_t now, bool evaluated_for_sure) {
  int lo = 4, hi = -1;
  const bool ok = for_each_reading(now, [&](const Outcome& o, bool) {
    if (o.online == 0 || !o.soc_known) {  // no SOC to judge: the tier stays
      lo = std::min(lo, tier_lo_);
      hi = std::max(hi, tier_hi_);
      return;
    }
    lo = std::min(lo, next_tier(tier_lo_, o.soc_diff_lo - kEps, policy_));
    hi = std::max(hi, next_tier(tier_hi_, o.soc_diff_hi + kEps, policy_));
  });
  if (!ok) {  // cannot tell: anything is possible from here
    tier_lo_ = Balanced;
    tier_hi_ = Alarm;
    return;
  }
  if (evaluated_for_sure) {
    tier_lo_ = lo;
    tier_hi_ = hi;
  } else {  // the aggregator may or may not have looked at this instant
    tier_lo_ = std::min(tier_lo_, lo);
    tier_hi_ = std::max(tier_hi_, hi);
  }
}

Bounds Checker::bounds(std::int64_t now) const {
  Bounds b;
  int readings = 0;
  const double taper = options_.charge_taper_a ? options_.charge_taper_a(now) : kInf;
  const bool ok = for_each_reading(now, [&](const Outcome& o, bool single) {
    ++readings;
    const bool failsafe = o.online == 0;
    const auto n = static_cast<double>(o.online);
    const double ccl = failsafe || o.blocks_charge ? 0.0 : std::min({policy_.cap[tier_lo_], n * o.min_ccl, taper});
    const double dcl = failsafe ? policy_.failsafe_discharge_current
                                : (o.blocks_discharge ? 0.0 : std::min(policy_.max_discharge_current, n * o.min_dcl));
    const double cvl = std::min(policy_.max_charge_voltage, o.min_cvl);
    b.ccl_max = std::max(b.ccl_max, ccl);
    b.dcl_max = std::max(b.dcl_max, dcl);
    b.cvl_max = std::max(b.cvl_max, cvl);
    b.charge_must_block &= ccl <= 0;
    b.discharge_must_block &= dcl <= 0;
    if (single) {
      b.exact = true;
      b.single = o;
    }
  });
  b.skipped = !ok;
  return b;
}

void Checker::check_set(const EmittedFrameSet& s, const EmittedFrameSet* previous) {
  const std::int64_t t = s.time_us;
  const bool sends_requests = spec_.profile != OutputProfile::Sma;
  if (!s.well_formed || s.has_requests != sends_requests) {
    violation(Invariant::FrameSetShape, t,
              std::string("frame set malformed (0x351 missing/short, frames of two instants, or 0x35C ") +
                  (sends_requests ? "missing" : "present") + " for this profile)");
  }
  if (previous == nullptr) {
    if (first_reading_us_ != kNeverUs && t > first_reading_us_ + max_stale_us_ + options_.tolerance_us) {
      violation(Invariant::FirstFrameSetLate, t,
                fmt("first frame set %.6f s after the first frame; at most the longest stale timeout %.3f s",
                    static_cast<double>(t - first_reading_us_) / 1e6, static_cast<double>(max_stale_us_) / 1e6));
    }
  } else if (t - previous->time_us > policy_.interval_us + options_.tolerance_us &&
             std::none_of(input_gaps_.begin(), input_gaps_.end(), [&](const auto& gap) {
               // Across a gap in the input, the grid resumes at its end.
               return gap.first < t && gap.second >= previous->time_us &&
                      t <= gap.second + policy_.interval_us + options_.tolerance_us;
             })) {
    violation(Invariant::FrameSetGap, t,
              fmt("%.6f s since the previous frame set; interval %.3f s",
                  static_cast<double>(t - previous->time_us) / 1e6, static_cast<double>(policy_.interval_us) / 1e6));
  }
  if (s.discharge_voltage_dv &&
      *s.discharge_voltage_dv != rounding_of(policy_.battery_low_voltage, kMaxVoltageV).first &&
      *s.discharge_voltage_dv != rounding_of(policy_.battery_low_voltage, kMaxVoltageV).second) {
    violation(Invariant::DischargeVoltage, t,
              fmt("discharge voltage limit %.1f V, battery_low_voltage %.2f V", *s.discharge_voltage_dv / 10.0,
                  policy_.battery_low_voltage));
  }
  // Ramp: increases at most ramp x elapsed (+ one wire step of rounding on each side).
  if (policy_.ramp_a_per_s > 0) {
    // Before any input the ramp has had no time at all.
    const std::int64_t since = previous ? previous->time_us : (first_reading_us_ == kNeverUs ? t : first_reading_us_);
    const double from = previous ? previous->charge_current_da / 10.0 : 0.0;
    const double allowed = from + policy_.ramp_a_per_s * static_cast<double>(t - since) / 1e6 + (previous ? 0.1 : 0.05);
    if (s.charge_current_da / 10.0 > allowed + kEps) {
      violation(Invariant::RampRate, t,
                fmt("charge current limit rose to %.1f A; the ramp allows %.2f A (from %.1f A)",
                    s.charge_current_da / 10.0, allowed, from));
    }
  }

  const Bounds b = bounds(t);
  if (b.skipped) {
    ++report_.skipped_sets;
    return;
  }
  ++report_.frame_sets;
  const double ccl = s.charge_current_da / 10.0, dcl = s.discharge_current_da / 10.0, cvl = s.charge_voltage_dv / 10.0;
  if (s.charge_current_da > raw_ceiling(b.ccl_max, kMaxCurrentA)) {
    violation(Invariant::ChargeCurrentBound, t,
              fmt("charge current limit %.1f A above the bound %.2f A", ccl, b.ccl_max));
  }
  // A force-charge or full-charge request never overrides a battery that forbids charging.
  if (b.charge_must_block && (s.charge_current_da != 0 || (s.has_requests && (s.charge_enable || s.charge_request)))) {
    violation(Invariant::ChargeBlocked, t,
              fmt("charging must be blocked; emitted %.1f A, charge enable %.0f, charge request %.0f", ccl,
                  s.charge_enable ? 1 : 0, s.charge_request ? 1 : 0));
  }
  if (s.discharge_current_da > raw_ceiling(b.dcl_max, kMaxCurrentA)) {
    violation(Invariant::DischargeCurrentBound, t,
              fmt("discharge current limit %.1f A above the bound %.2f A", dcl, b.dcl_max));
  }
  if (b.discharge_must_block && (s.discharge_current_da != 0 || (s.has_requests && s.discharge_enable))) {
    violation(
        Invariant::DischargeBlocked, t,
        fmt("discharging must be blocked; emitted %.1f A, discharge enable %.0f", dcl, s.discharge_enable ? 1 : 0));
  }
  if (s.charge_voltage_dv > raw_ceiling(b.cvl_max, kMaxVoltageV)) {
    violation(Invariant::ChargeVoltageBound, t,
              fmt("charge voltage limit %.1f V above the bound %.2f V", cvl, b.cvl_max));
  }
  if (!b.exact) {
    ++report_.ambiguous_sets;
    return;
  }
  ++report_.exact_sets;
  // A clear state: one reading, so the exact values (ties in rounding aside).
  const auto matches = [](std::int32_t raw, double x, double max) {
    const auto [a, c] = rounding_of(x, max);
    return raw == a || raw == c;
  };
  // The share rule (when it may act) only lowers the current limits: bounds, not exact values.
  const bool share = b.single.share_may_cut;
  if (tier_lo_ == tier_hi_ && policy_.ramp_a_per_s == 0 && !share) {
    const double want = b.ccl_max;
    if (!matches(s.charge_current_da, want, kMaxCurrentA) || (s.has_requests && s.charge_enable != (want > 0))) {
      violation(Invariant::ChargeExact, t,
                fmt("charge current limit %.1f A (enable %.0f); expected exactly %.2f A", ccl, s.charge_enable ? 1 : 0,
                    want));
    }
  }
  if (!share && (!matches(s.discharge_current_da, b.dcl_max, kMaxCurrentA) ||
                 (s.has_requests && s.discharge_enable != (b.dcl_max > 0)))) {
    violation(Invariant::DischargeExact, t,
              fmt("discharge current limit %.1f A (enable %.0f); expected exactly %.2f A", dcl,
                  s.discharge_enable ? 1 : 0, b.dcl_max));
  }
  if (!matches(s.charge_voltage_dv, b.cvl_max, kMaxVoltageV)) {
    violation(Invariant::ChargeVoltageExact, t,
              fmt("charge voltage limit %.1f V; expected exactly %.2f V", cvl, b.cvl_max));
  }
}

void Checker::check_protective(std::int64_t now, const EmittedFrameSet& in_force) {
  const Bounds b = bounds(now);
  if (b.skipped) return;
  std::string why;
  if (in_force.charge_current_da > raw_ceiling(b.ccl_max, kMaxCurrentA))
    why = fmt("charge current limit must fall to <= %.2f A", b.ccl_max);
  else if (b.charge_must_block && in_force.has_requests && in_force.charge_enable)
    why = "charging must be disabled";
  else if (in_force.discharge_current_da > raw_ceiling(b.dcl_max, kMaxCurrentA))
    why = fmt("discharge current limit must fall to <= %.2f A", b.dcl_max);
  else if (b.discharge_must_block && in_force.has_requests && in_force.discharge_enable)
    why = "discharging must be disabled";
  else if (in_force.charge_voltage_dv > raw_ceiling(b.cvl_max, kMaxVoltageV))
    why = fmt("charge voltage limit must fall to <= %.2f V", b.cvl_max);
  if (why.empty()) return;
  // At once, or when 200 ms have passed since the previous protective set (a periodic set
  // opens no such gap).
  const std::int64_t gap_end = last_protective_us_ == kNeverUs ? now : last_protective_us_ + options_.min_gap_us;
  const std::int64_t due = std::max(now, gap_end) + options_.tolerance_us;
  if (due < protective_due_us_) {
    protective_due_us_ = due;
    protective_why_ = fmt("since %.6f s: ", static_cast<double>(now) / 1e6) + why;
  }
}

/// Periodic sets fall on the grid of the first set (docs/POLICY.md); any other set went out
/// for a protective change.
void Checker::note_set_kind(const EmittedFrameSet& s) {
  // After a gap in the input the grid restarts; rather than guess where, every later set
  // counts as a possible protective one (the lenient reading: a later due time).
  grid_lost_ |= std::any_of(input_gaps_.begin(), input_gaps_.end(),
                            [&](const auto& gap) { return grid_origin_us_ != kNeverUs && gap.second <= s.time_us; });
  if (grid_origin_us_ == kNeverUs) {
    grid_origin_us_ = s.time_us;
  } else if (grid_lost_) {
    last_protective_us_ = s.time_us;
  } else if ((s.time_us - grid_origin_us_) % policy_.interval_us != 0) {
    last_protective_us_ = s.time_us;
  }
}

OracleReport Checker::run(std::span<const InputEvent> events, std::span<const EmittedFrameSet> sets,
                          std::int64_t end_us) {
  for (std::size_t i = 1; i < events.size(); ++i) {
    if (events[i].time_us - events[i - 1].time_us > kInputGapUs)
      input_gaps_.emplace_back(events[i - 1].time_us, events[i].time_us);
  }
  std::size_t ei = 0, si = 0;
  std::int64_t now = kNeverUs;
  const EmittedFrameSet* in_force = nullptr;
  while (ei < events.size() || si < sets.size()) {
    const std::int64_t event_t = ei < events.size() ? events[ei].time_us : kNoTime;
    const std::int64_t set_t = si < sets.size() ? sets[si].time_us : kNoTime;
    const std::int64_t boundary = now == kNeverUs ? kNoTime : next_boundary_after(now);
    if (boundary < event_t && boundary < set_t) {
      // A value or a battery goes stale (or enters the window around it): a new state.
      now = boundary;
      update_tier(now, false);
      if (in_force) check_protective(now, *in_force);
      continue;
    }
    if (event_t <= set_t) {
      now = event_t;
      while (ei < events.size() && events[ei].time_us == now) apply(events[ei++]);
      update_tier(now, false);
      if (in_force) check_protective(now, *in_force);
      continue;
    }
    // A frame set: everything up to its instant is applied; it was computed from an
    // evaluation at this instant, so the tier moved for sure.
    now = set_t;
    const EmittedFrameSet& s = sets[si++];
    if (s.time_us > protective_due_us_) {
      violation(
          Invariant::ProtectiveLate, s.time_us,
          protective_why_ + fmt("; the next frame set came at %.6f s, due by %.6f s",
                                static_cast<double>(s.time_us) / 1e6, static_cast<double>(protective_due_us_) / 1e6));
    }
    protective_due_us_ = kNoTime;
    update_tier(now, true);
    check_set(s, in_force);
    note_set_kind(s);
    in_force = &s;
  }
  if (sets.empty() && first_reading_us_ != kNeverUs) {
    violation(Invariant::FirstFrameSetLate, end_us, "no frame set at all");
  }
  return std::move(report_);
}

}  // namespace

const char* invariant_name(Invariant i) noexcept {
  switch (i) {
    case Invariant::ChargeCurrentBound:
      return "charge-current-bound";
    case Invariant::ChargeBlocked:
      return "charge-blocked";
    case Invariant::ChargeExact:
      return "charge-exact";
    case Invariant::DischargeCurrentBound:
      return "discharge-current-bound";
    case Invariant::DischargeBlocked:
      return "discharge-blocked";
    case Invariant::DischargeExact:
      return "discharge-exact";
    case Invariant::ChargeVoltageBound:
      return "charge-voltage-bound";
    case Invariant::ChargeVoltageExact:
      return "charge-voltage-exact";
    case Invariant::DischargeVoltage:
      return "discharge-voltage";
    case Invariant::FrameSetShape:
      return "frame-set-shape";
    case Invariant::FrameSetGap:
      return "frame-set-gap";
    case Invariant::FirstFrameSetLate:
      return "first-frame-set-late";
    case Invariant::ProtectiveLate:
      return "protective-late";
    case Invariant::RampRate:
      return "ramp-rate";
    case Invariant::Count:
      break;
  }
  return "?";
}

OracleReport check_bank(const BankSpec& spec, std::span<const InputEvent> events, std::span<const EmittedFrameSet> sets,
                        std::int64_t end_us, const OracleOptions& options) {
  Checker c(spec, options);
  return c.run(events, sets, end_us);
}

}  // namespace bms::oracle
