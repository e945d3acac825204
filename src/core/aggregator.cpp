#include "core/aggregator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/battery_rules.hpp"
#include "core/cell_taper.hpp"
#include "core/current_share.hpp"
#include "core/imbalance_policy.hpp"
#include "core/pack_source.hpp"
#include "core/taper_math.hpp"
#include "core/temperature_taper.hpp"
#include "protocols/canopen/emcy.hpp"
#include "protocols/canopen/nmt.hpp"

namespace bms {
namespace {
/// A bank shunt ([bank] current_source) counts as fresh this long after it last spoke.
constexpr std::int64_t kShuntStaleUs = 5'000'000;

/// Whether a battery's protocol can carry `signal` at all: the Pylontech family always
/// carries the limits; a CANopen battery only when its object map maps them.
bool protocol_sends(const BatterySettings& b, SignalId signal) {
  if (b.protocol == BatteryProtocol::Pylontech) return true;
  // A D-Bus pack publishes /Info/Max*Current; a shunt taken as a battery (accept_non_bms) does not.
  if (b.protocol == BatteryProtocol::Dbus) return !b.accept_non_bms;
  if (!b.canopen_map) return true;
  for (const auto& pdo : b.canopen_map->pdos) {
    for (const auto& field : pdo.fields) {
      if (field.signal == signal) return true;
    }
  }
  for (const auto& object : b.canopen_map->sdo_objects) {
    if (object.signal == signal) return true;
  }
  return false;
}

/// The battery's current limit: what the BMS sends when its protocol carries it (unknown
/// when not fresh), else the configured per-battery limit (nullopt = no limit of its own).
std::optional<double> battery_limit(bool sent_by_bms, const std::optional<double>& sent, double configured) {
  if (sent_by_bms) return sent;
  if (configured > 0) return configured;
  return std::nullopt;
}
}  // namespace

/// A battery's SOC: the high-resolution field (0x355 bytes 4-5) when it is a real value and
/// agrees with the 1 % field (some BMSes pad with 0xFFFF = 655.35 % or zeros), else the
/// 1 % field; always within 0..100 %.
std::optional<double> battery_soc(const std::optional<double>& whole, const std::optional<double>& hires) {
  std::optional<double> soc = whole;
  if (hires && *hires >= 0.0 && *hires <= 100.0 && (!whole || std::abs(*hires - *whole) <= 1.0)) soc = hires;
  if (soc) soc = std::clamp(*soc, 0.0, 100.0);
  return soc;
}

namespace {
/// Values that can forbid charging or discharging. Many BMSes send them once per event
/// (0x35C with a bit cleared, a 0x35A protection, a CANopen EMCY), so they hold until a
/// fresh value allows again, or until the battery goes offline; they never expire while
/// the battery keeps talking. An NMT boot-up also ends an EMCY (Aggregator::apply).
constexpr bool holds_until_cleared(SignalId id) noexcept {
  switch (id) {
    case SignalId::ChargeEnable:
    case SignalId::DischargeEnable:
    case SignalId::EmcyCode:
    case SignalId::NmtState:
    case SignalId::ProtectionShortCircuit:
    case SignalId::ProtectionHighChargeTemperature:
    case SignalId::ProtectionLowChargeTemperature:
      return true;
    default:
      return false;
  }
}
}  // namespace

/// Fresh values of one battery at one instant: a value is used only while it is younger
/// than the battery's stale timeout, so nothing stale is ever shown as current; a value
/// that can forbid holds for the whole online session (holds_until_cleared).
struct Aggregator::Fresh {
  const BatteryState& state;
  std::int64_t now_us;
  std::int64_t stale_us;

  [[nodiscard]] std::optional<double> get(SignalId id) const noexcept {
    if (holds_until_cleared(id)) return state.latest_this_session(id);
    if (!state.value(id)) return std::nullopt;
    if (now_us - state.updated_us(id) > stale_us) return std::nullopt;
    return state.value(id);
  }
  [[nodiscard]] bool flag(SignalId id) const noexcept {
    const auto v = get(id);
    return v && *v != 0.0;
  }
  /// 2 when the protection flag is set, 1 for the warning flag, else 0.
  [[nodiscard]] std::uint8_t level(SignalId protection, SignalId warning) const noexcept {
    if (flag(protection)) return 2;
    return flag(warning) ? 1 : 0;
  }
};

Aggregator::Aggregator(const Settings& settings)
    : battery_settings_(settings.batteries),
      charge_(settings.charge),
      imbalance_(settings.imbalance),
      cells_(settings.cells),
      alarm_settings_(settings.alarms),
      has_shunt_(!settings.bank.current_source.empty()),
      keepalive_timeout_us_(static_cast<std::int64_t>(settings.output.keepalive_timeout_ms) * 1000) {
  for (const BatterySettings& b : settings.batteries) {
    batteries_.emplace_back(static_cast<std::int64_t>(b.stale_after_ms) * 1000);
    sends_charge_limit_.push_back(protocol_sends(b, SignalId::ChargeCurrentLimitA));
    sends_discharge_limit_.push_back(protocol_sends(b, SignalId::DischargeCurrentLimitA));
    pack_sources_.push_back(pack_source(b));
  }
  pack_cache_.resize(batteries_.size());
  charge_shares_.reserve(batteries_.size());
  discharge_shares_.reserve(batteries_.size());
}

void Aggregator::apply_other(const Reading& reading) noexcept {
  if (reading.source < batteries_.size()) {
    // An item that became invalid ([] on D-Bus) does not end a forbidding value: only a fresh
    // value that allows does (docs/POLICY.md), so the latch is left as it is.
    if (reading.kind == ReadingKind::SignalInvalid && holds_until_cleared(reading.signal)) return;
    BatteryState& battery = batteries_[reading.source];
    battery.apply(reading);
    // A node's boot-up (NMT state 0) means it reset: an EMCY it sent before no longer holds.
    if (reading.kind == ReadingKind::Signal && reading.signal == SignalId::NmtState &&
        reading.value == static_cast<double>(canopen::NmtState::BootUp)) {
      Reading reset = reading;
      reset.signal = SignalId::EmcyCode;
      reset.value = canopen::kEmcyNoError;
      battery.apply(reset);
    }
  } else if (reading.source == kSourceBankShunt) {
    shunt_.apply(reading);
  } else if (reading.source == kSourceInverter && reading.kind == ReadingKind::Signal &&
             reading.signal == SignalId::InverterKeepAlive) {
    last_keepalive_us_ = reading.time_us;
  }
}

bool Aggregator::has_reported(std::size_t i) const noexcept {
  const BatteryState& b = batteries_[i];
  const bool soc = b.value(SignalId::SocPct) || b.value(SignalId::SocHiresPct);
  return soc && (!sends_charge_limit_[i] || b.value(SignalId::ChargeCurrentLimitA)) &&
         (!sends_discharge_limit_[i] || b.value(SignalId::DischargeCurrentLimitA));
}

double Aggregator::ramp_charge_current(double target_a, std::int64_t now_us) noexcept {
  const double rate = charge_.charge_current_ramp_a_per_s;
  double out = target_a;
  // Only increases are ramped; from zero (start-up, fail-safe, a blocking BMS) the ramp
  // starts at zero, which is the gentle choice.
  if (rate > 0.0 && target_a > ramped_ccl_a_) {
    // Before the first evaluation the limit in force is zero (start-up is the fail-safe).
    const double dt_s = ramped_at_us_ == kNever ? 0.0 : static_cast<double>(now_us - ramped_at_us_) / 1e6;
    out = std::min(target_a, ramped_ccl_a_ + rate * dt_s);
  }
  ramped_ccl_a_ = out;
  ramped_at_us_ = now_us;
  return out;
}

/// What the per-battery loop gathers for the bank limits: the batteries that count in N
/// (all online ones, less those excluded under blocked_battery = "exclude"), their smallest
/// limits, and each one's limit and measured current for the current share.
struct Aggregator::BankInputs {
  BankInputs(std::vector<PackShare>& charge, std::vector<PackShare>& discharge) noexcept
      : charge_shares(charge), discharge_shares(discharge) {}
  int charge_count = 0;
  int discharge_count = 0;
  std::optional<double> min_ccl, min_dcl, min_cvl;
  bool any_blocks_charge = false;
  bool any_blocks_discharge = false;
  // The aggregator's own vectors, cleared per evaluation: no allocation per evaluation.
  std::vector<PackShare>& charge_shares;
  std::vector<PackShare>& discharge_shares;
};

namespace {
/// A battery's stack size as it reports it: the Pylontech module number (0x359 byte 4, or
/// an object map's module_count), else Victron's modules online (0x372); 1 when it reports
/// neither, or 0: an online battery is at least one module.
template <typename FreshValues>
int battery_module_count(const FreshValues& f) {
  for (SignalId id : {SignalId::ModuleCount, SignalId::ModulesOnline}) {
    if (auto n = f.get(id); n && *n >= 1.0) return static_cast<int>(std::min(*n, 65535.0));
  }
  return 1;
}

void take_min(std::optional<double>& acc, double v) { acc = acc ? std::min(*acc, v) : v; }
void take_max(std::optional<double>& acc, double v) { acc = acc ? std::max(*acc, v) : v; }

void take_extreme(std::optional<CellExtreme>& acc, double v, const std::string& battery, std::string_view cell,
                  bool want_max) {
  if (acc && (want_max ? v <= acc->value : v >= acc->value)) return;
  acc = CellExtreme{v, battery, cell.empty() ? battery : battery + ":" + std::string(cell)};
}

/// One term of a bank limit's min(): a candidate value and the rule it comes from. A later
/// term takes over only when strictly smaller, so ties name the earlier (plainer) rule.
struct Limit {
  double value;
  LimitReason reason;
  void take(double v, LimitReason r) noexcept {
    if (v < value) {
      value = v;
      reason = r;
    }
  }
};

/// The bank's coldest and warmest temperature over online batteries: a battery's own
/// temperature (0x356) counts with its cell temperatures.
std::optional<double> bank_coldest_c(const Snapshot& s) {
  std::optional<double> t = s.min_temperature_c;
  if (s.min_cell_temperature) take_min(t, s.min_cell_temperature->value);
  return t;
}
std::optional<double> bank_warmest_c(const Snapshot& s) {
  std::optional<double> t = s.temperature_c;
  if (s.max_cell_temperature) take_max(t, s.max_cell_temperature->value);
  return t;
}
}  // namespace

// ---- Per-pack detail (issue 13): what each pack shows on its own (D-Bus /Batteries/<i>,
// `status`, the replay report). Kept apart from the bank's decisions above and below.

namespace {
/// A pack's cell extreme with the BMS's own cell id (empty when it sends none).
std::optional<CellExtreme> pack_extreme(const std::optional<double>& v, const BatteryState& st, const std::string& name,
                                        SignalId id) {
  if (!v) return std::nullopt;
  return CellExtreme{*v, name, std::string(st.text(id))};
}
}  // namespace

/// Fills the per-pack measurements that no bank decision reads (temperature, CVL, cells).
void Aggregator::fill_pack_detail(BatteryView& view, const Fresh& f, const BatteryState& st) {
  view.temperature_c = f.get(SignalId::TemperatureC);
  view.charge_voltage_limit_v = f.get(SignalId::ChargeVoltageLimitV);
  view.min_cell_voltage = pack_extreme(f.get(SignalId::MinCellVoltageV), st, view.name, SignalId::MinCellVoltageId);
  view.max_cell_voltage = pack_extreme(f.get(SignalId::MaxCellVoltageV), st, view.name, SignalId::MaxCellVoltageId);
  view.min_cell_temperature =
      pack_extreme(f.get(SignalId::MinCellTemperatureC), st, view.name, SignalId::MinCellTemperatureId);
  view.max_cell_temperature =
      pack_extreme(f.get(SignalId::MaxCellTemperatureC), st, view.name, SignalId::MaxCellTemperatureId);
}
// ---- end of the per-pack detail

const Aggregator::PackInputs& Aggregator::pack_inputs(std::size_t i, std::int64_t now_us, std::int64_t stale_us) {
  PackCache& cache = pack_cache_[i];
  const BatteryState& st = batteries_[i];
  // Still what the battery says: no reading changed it and nothing in it went stale since.
  if (cache.filled && cache.version == st.version() && now_us >= cache.at_us && now_us < cache.until_us) {
    return cache.inputs;
  }
  const BatterySettings& cfg = battery_settings_[i];
  const Fresh f{st, now_us, stale_us};
  PackInputs& in = cache.inputs;
  in.soc_pct = battery_soc(f.get(SignalId::SocPct), f.get(SignalId::SocHiresPct));
  in.voltage_v = f.get(SignalId::VoltageV);
  in.current_a = f.get(SignalId::CurrentA);
  in.charge_current_limit_a =
      battery_limit(sends_charge_limit_[i], f.get(SignalId::ChargeCurrentLimitA), cfg.max_charge_current);
  in.discharge_current_limit_a =
      battery_limit(sends_discharge_limit_[i], f.get(SignalId::DischargeCurrentLimitA), cfg.max_discharge_current);

  BlockingInputs rules;
  rules.sends_charge_limit = sends_charge_limit_[i];
  rules.sends_discharge_limit = sends_discharge_limit_[i];
  rules.charge_limit_a = in.charge_current_limit_a;
  rules.discharge_limit_a = in.discharge_current_limit_a;
  rules.charge_enable = f.get(SignalId::ChargeEnable);
  rules.discharge_enable = f.get(SignalId::DischargeEnable);
  rules.soc_pct = in.soc_pct;
  rules.emcy_code = f.get(SignalId::EmcyCode);
  rules.nmt_state = f.get(SignalId::NmtState);
  rules.short_circuit = f.flag(SignalId::ProtectionShortCircuit);
  rules.high_charge_temperature = f.flag(SignalId::ProtectionHighChargeTemperature);
  rules.low_charge_temperature = f.flag(SignalId::ProtectionLowChargeTemperature);
  in.blocking = battery_blocking(rules);
  in.module_count = battery_module_count(f);
  in.force_charge.force_charge_1 = f.flag(SignalId::ForceCharge1);
  in.force_charge.force_charge_2 = f.flag(SignalId::ForceCharge2);
  in.force_charge.full_charge = f.flag(SignalId::FullChargeRequest);
  in.charge_voltage_limit_v = f.get(SignalId::ChargeVoltageLimitV);
  in.power_w = f.get(SignalId::PowerW);
  in.temperature_c = f.get(SignalId::TemperatureC);
  in.soh_pct = f.get(SignalId::SohPct);
  in.min_cell_voltage_v = f.get(SignalId::MinCellVoltageV);
  in.max_cell_voltage_v = f.get(SignalId::MaxCellVoltageV);
  in.min_cell_temperature_c = f.get(SignalId::MinCellTemperatureC);
  in.max_cell_temperature_c = f.get(SignalId::MaxCellTemperatureC);
  in.alarms = battery_alarms([&f](SignalId p, SignalId w) { return f.level(p, w); }, rules.emcy_code);

  cache.filled = true;
  cache.version = st.version();
  cache.at_us = now_us;
  cache.until_us = st.next_change_us(now_us, stale_us);
  return in;
}

void Aggregator::describe(Snapshot& s) const {
  for (std::size_t i = 0; i < s.batteries.size() && i < batteries_.size(); ++i) {
    const BatterySettings& cfg = battery_settings_[i];
    BatteryView& view = s.batteries[i];
    view.name = cfg.name;
    view.source = pack_sources_[i];
    view.capacity_ah = cfg.capacity_ah;
    if (!view.online) continue;
    const BatteryState& st = batteries_[i];
    const Fresh f{st, s.time_us, static_cast<std::int64_t>(cfg.stale_after_ms) * 1000};
    fill_pack_detail(view, f, st);
  }
}

Snapshot Aggregator::decide(std::int64_t now_us) {
  Snapshot s;
  s.time_us = now_us;
  s.batteries.resize(batteries_.size());
  s.discharge_voltage_limit_v = charge_.battery_low_voltage;

  double weighted_soc = 0, soc_weight = 0, equal_soc_sum = 0;
  int soc_count = 0;
  bool all_capacities_known = true;
  std::optional<double> soc_min, soc_max;
  charge_shares_.clear();
  discharge_shares_.clear();
  BankInputs bank(charge_shares_, discharge_shares_);
  double voltage_sum = 0;
  int voltage_count = 0;
  double remaining_ah = 0;
  bool remaining_known = true;

  for (std::size_t i = 0; i < batteries_.size(); ++i) {
    const BatterySettings& cfg = battery_settings_[i];
    const BatteryState& st = batteries_[i];
    const std::int64_t stale_us = static_cast<std::int64_t>(cfg.stale_after_ms) * 1000;
    s.installed_capacity_ah += cfg.capacity_ah;

    BatteryView& view = s.batteries[i];  // built in place: a BatteryView is large to move
    view.online = st.online(now_us, stale_us);
    if (!view.online) {
      ++s.batteries_offline;
      continue;
    }
    ++s.batteries_online;
    const PackInputs& in = pack_inputs(i, now_us, stale_us);

    view.soc_pct = in.soc_pct;
    view.voltage_v = in.voltage_v;
    view.current_a = in.current_a;
    view.charge_current_limit_a = in.charge_current_limit_a;
    view.discharge_current_limit_a = in.discharge_current_limit_a;
    view.blocks_charge = in.blocking.charge;
    view.blocks_discharge = in.blocking.discharge;
    s.module_count = static_cast<std::uint16_t>(std::min<int>(s.module_count + in.module_count, 0xFFFF));
    s.force_charge_requested.force_charge_1 |= in.force_charge.force_charge_1;
    s.force_charge_requested.force_charge_2 |= in.force_charge.force_charge_2;
    s.force_charge_requested.full_charge |= in.force_charge.full_charge;
    if (view.blocks_charge) ++s.blocking_charge;
    if (view.blocks_discharge) ++s.blocking_discharge;
    // blocked_battery = "exclude": a blocking battery leaves N and min(limit) instead of
    // stopping the bank (its own BMS is trusted to have opened its path; docs/POLICY.md).
    const bool exclude = charge_.blocked_battery == BlockedBattery::Exclude;
    view.excluded_from_charge = exclude && view.blocks_charge;
    view.excluded_from_discharge = exclude && view.blocks_discharge;
    if (!view.excluded_from_charge) {
      ++bank.charge_count;
      bank.any_blocks_charge |= view.blocks_charge;
      if (view.charge_current_limit_a) take_min(bank.min_ccl, *view.charge_current_limit_a);
      bank.charge_shares.push_back({view.charge_current_limit_a, view.current_a});
    }
    if (!view.excluded_from_discharge) {
      ++bank.discharge_count;
      bank.any_blocks_discharge |= view.blocks_discharge;
      if (view.discharge_current_limit_a) take_min(bank.min_dcl, *view.discharge_current_limit_a);
      bank.discharge_shares.push_back(
          {view.discharge_current_limit_a, view.current_a ? std::optional<double>(-*view.current_a) : std::nullopt});
    }
    // Every online battery's CVL counts, excluded or not: parallel packs share one voltage.
    if (auto cvl = in.charge_voltage_limit_v) take_min(bank.min_cvl, *cvl);

    if (view.soc_pct) {
      const double soc = *view.soc_pct;
      take_min(soc_min, soc);
      take_max(soc_max, soc);
      equal_soc_sum += soc;
      ++soc_count;
      if (cfg.capacity_ah > 0) {
        weighted_soc += soc * cfg.capacity_ah;
        soc_weight += cfg.capacity_ah;
        remaining_ah += cfg.capacity_ah * soc / 100.0;
      } else {
        all_capacities_known = false;
        remaining_known = false;
      }
    } else {
      remaining_known = false;
    }
    if (view.voltage_v) {
      voltage_sum += *view.voltage_v;
      ++voltage_count;
    }
    if (view.current_a) s.current_a = s.current_a.value_or(0.0) + *view.current_a;
    // A BMS that measures power itself (a D-Bus service's /Dc/0/Power) is taken at its word.
    if (auto p = in.power_w) {
      s.power_w = s.power_w.value_or(0.0) + *p;
    } else if (view.voltage_v && view.current_a) {
      s.power_w = s.power_w.value_or(0.0) + *view.voltage_v * *view.current_a;
    }
    if (auto t = in.temperature_c) {
      take_max(s.temperature_c, *t);
      take_min(s.min_temperature_c, *t);
    }
    if (auto soh = in.soh_pct) take_min(s.soh_pct, *soh);

    if (auto v = in.min_cell_voltage_v)
      take_extreme(s.min_cell_voltage, *v, cfg.name, st.text(SignalId::MinCellVoltageId), false);
    if (auto v = in.max_cell_voltage_v)
      take_extreme(s.max_cell_voltage, *v, cfg.name, st.text(SignalId::MaxCellVoltageId), true);
    if (auto v = in.min_cell_temperature_c)
      take_extreme(s.min_cell_temperature, *v, cfg.name, st.text(SignalId::MinCellTemperatureId), false);
    if (auto v = in.max_cell_temperature_c)
      take_extreme(s.max_cell_temperature, *v, cfg.name, st.text(SignalId::MaxCellTemperatureId), true);

    // Per-pack detail (issue 13): the pack's own alarms, and the bank shows the worst of them.
    view.alarms = in.alarms;
    raise_to_worst(s.alarms, view.alarms);
  }

  if (soc_count > 0) {
    // Capacity-weighted when every contributing capacity is known, else a plain mean.
    s.soc_pct = (all_capacities_known && soc_weight > 0) ? weighted_soc / soc_weight : equal_soc_sum / soc_count;
    s.soc_diff_pct = *soc_max - *soc_min;
    tier_ = next_imbalance_tier(tier_, *s.soc_diff_pct, imbalance_);
  }
  if (remaining_known && soc_count > 0) s.capacity_ah = remaining_ah;
  if (voltage_count > 0) s.voltage_v = voltage_sum / voltage_count;
  // A shunt measures the bank's current better than the sum of BMS readings (most BMSes
  // resolve 0.1-1 A): while it is fresh its current and power are the bank's.
  if (has_shunt_ && shunt_.online(now_us, kShuntStaleUs)) {
    const Fresh f{shunt_, now_us, kShuntStaleUs};
    if (auto i = f.get(SignalId::CurrentA)) {
      s.current_a = *i;
      if (auto p = f.get(SignalId::PowerW)) {
        s.power_w = *p;
      } else if (auto v = f.get(SignalId::VoltageV)) {
        s.power_w = *v * *i;
      } else if (s.voltage_v) {
        s.power_w = *s.voltage_v * *i;
      }
    }
  }
  s.tier = tier_;

  s.failsafe = s.batteries_online == 0;
  s.charge_safety_temperature_c = bank_coldest_c(s);
  set_bank_limits(s, bank, now_us);
  s.inverter_present = last_keepalive_us_ != kNever && now_us - last_keepalive_us_ <= keepalive_timeout_us_;
  // One battery asking for a charge never overrides another that forbids charging.
  if (!s.charge_allowed) s.force_charge_requested = {};

  s.alarms.cell_imbalance = std::max(s.alarms.cell_imbalance, tier_alarm_level(tier_));
  if (s.batteries_offline > 0) s.alarms.bms_cable = s.batteries_online == 0 ? 2 : 1;
  set_own_alarms(s);
  return s;
}

void Aggregator::update_taper_inputs(const Snapshot& s) noexcept {
  const std::optional<double> coldest = bank_coldest_c(s), warmest = bank_warmest_c(s);
  const double hv = cells_.cell_voltage_hysteresis_v;
  const double ht = cells_.temperature_hysteresis_c;
  const auto hold = [](std::optional<double>& held, const std::optional<double>& fresh, double h, bool rise) {
    if (!fresh) return;  // unknown: keep what was held
    held = !held ? *fresh : (rise ? hold_rise(*held, *fresh, h) : hold_fall(*held, *fresh, h));
  };
  if (s.max_cell_voltage) hold(held_highest_cell_v_, s.max_cell_voltage->value, hv, true);
  if (s.min_cell_voltage) hold(held_lowest_cell_v_, s.min_cell_voltage->value, hv, false);
  hold(held_coldest_c_, coldest, ht, false);
  hold(held_warmest_c_, warmest, ht, true);
}

void Aggregator::set_bank_limits(Snapshot& s, const BankInputs& in, std::int64_t now_us) {
  // Charge voltage: min(max_charge_voltage, min(CVL_i)), then the cell-voltage cap.
  Limit cvl{charge_.max_charge_voltage, LimitReason::Configured};
  if (in.min_cvl) cvl.take(*in.min_cvl, LimitReason::BatteryLimits);
  double taper_charge = 1.0, taper_discharge = 1.0, temp_charge = 1.0, temp_discharge = 1.0;
  if (cells_.enabled) {
    update_taper_inputs(s);
    if (held_highest_cell_v_) taper_charge = cell_charge_factor(*held_highest_cell_v_, cells_);
    if (held_lowest_cell_v_) taper_discharge = cell_discharge_factor(*held_lowest_cell_v_, cells_);
    if (held_coldest_c_ && held_warmest_c_) {
      temp_charge = temperature_charge_factor(*held_coldest_c_, *held_warmest_c_, cells_);
      temp_discharge = temperature_discharge_factor(*held_coldest_c_, *held_warmest_c_, cells_);
    }
    const double dt_s =
        cell_voltage_cap_at_us_ == kNever ? 0.0 : static_cast<double>(now_us - cell_voltage_cap_at_us_) / 1e6;
    const std::optional<double> highest =
        s.max_cell_voltage ? std::optional<double>(s.max_cell_voltage->value) : std::nullopt;
    cell_voltage_cap_v_ = next_cell_voltage_cap(cell_voltage_cap_v_, highest, s.voltage_v, cvl.value, dt_s, cells_);
    cell_voltage_cap_at_us_ = now_us;
    if (cell_voltage_cap_v_) cvl.take(*cell_voltage_cap_v_, LimitReason::CellVoltage);
  }
  s.charge_voltage_limit_v = cvl.value;
  s.charge_voltage_limited_by = cvl.reason;

  Limit ccl{0.0, LimitReason::Failsafe};
  Limit dcl{charge_.failsafe_discharge_current, LimitReason::Failsafe};
  if (s.failsafe) {
    charge_share_factor_.reset();
    discharge_share_factor_.reset();
  } else {
    const double bank_current = s.current_a.value_or(0.0);
    if (in.any_blocks_charge || in.charge_count == 0) {
      ccl = {0.0, LimitReason::Blocked};
      charge_share_factor_.reset();
    } else {
      // Batteries that have no limit of their own leave only the configured caps.
      ccl = {tier_charge_current_a(tier_, charge_, imbalance_), LimitReason::Configured};
      if (in.min_ccl) ccl.take(in.charge_count * *in.min_ccl, LimitReason::BatteryLimits);
      const double base = ccl.value;
      ccl.take(base * taper_charge, LimitReason::CellVoltage);
      ccl.take(base * temp_charge, LimitReason::Temperature);
      const double n_min = in.min_ccl ? in.charge_count * *in.min_ccl : 0.0;
      charge_share_factor_ =
          next_share_factor(charge_share_factor_,
                            share_limited_current_a(in.charge_shares, bank_current, charge_.share_threshold_a), n_min);
      if (charge_share_factor_) ccl.take(*charge_share_factor_ * n_min, LimitReason::CurrentShare);
    }
    if (in.any_blocks_discharge || in.discharge_count == 0) {
      dcl = {0.0, LimitReason::Blocked};
      discharge_share_factor_.reset();
    } else {
      dcl = {charge_.max_discharge_current, LimitReason::Configured};
      if (in.min_dcl) dcl.take(in.discharge_count * *in.min_dcl, LimitReason::BatteryLimits);
      const double base = dcl.value;
      dcl.take(base * taper_discharge, LimitReason::CellVoltage);
      dcl.take(base * temp_discharge, LimitReason::Temperature);
      const double n_min = in.min_dcl ? in.discharge_count * *in.min_dcl : 0.0;
      discharge_share_factor_ = next_share_factor(
          discharge_share_factor_,
          share_limited_current_a(in.discharge_shares, -bank_current, charge_.share_threshold_a), n_min);
      if (discharge_share_factor_) dcl.take(*discharge_share_factor_ * n_min, LimitReason::CurrentShare);
    }
  }
  s.charge_current_limit_a = ramp_charge_current(ccl.value, now_us);
  s.charge_limited_by = s.charge_current_limit_a < ccl.value ? LimitReason::Ramp : ccl.reason;
  s.discharge_current_limit_a = dcl.value;
  s.discharge_limited_by = dcl.reason;
  s.charge_allowed = s.charge_current_limit_a > 0.0;
  s.discharge_allowed = s.discharge_current_limit_a > 0.0;
}

void Aggregator::set_own_alarms(Snapshot& s) const noexcept {
  Alarms& a = s.alarms;
  const AlarmSettings& t = alarm_settings_;
  if (s.soc_pct) {
    if (t.low_soc_alarm_pct > 0 && *s.soc_pct <= t.low_soc_alarm_pct)
      a.low_soc = 2;
    else if (t.low_soc_warning_pct > 0 && *s.soc_pct <= t.low_soc_warning_pct)
      a.low_soc = 1;
  }
  if (s.soh_pct && t.low_soh_warning_pct > 0 && *s.soh_pct < t.low_soh_warning_pct) a.state_of_health = 1;
  if (!cells_.enabled) return;
  // The tapers stop charging (discharging) at these limits: a warning says the rule acts; a
  // cell further out than the hysteresis is an alarm (something else is driving it).
  const double h = cells_.cell_voltage_hysteresis_v;
  if (s.max_cell_voltage) {
    const double v = s.max_cell_voltage->value;
    a.high_cell_voltage = v >= cells_.cell_max_v + h ? 2 : (v >= cells_.cell_max_v ? 1 : 0);
  }
  if (s.min_cell_voltage) {
    const double v = s.min_cell_voltage->value;
    a.low_cell_voltage = v <= cells_.cell_min_v - h ? 2 : (v <= cells_.cell_min_v ? 1 : 0);
  }
  const std::optional<double> coldest = bank_coldest_c(s), warmest = bank_warmest_c(s);
  if (coldest && *coldest <= cells_.charge_min_temperature_c)
    a.low_charge_temperature = std::max<std::uint8_t>(a.low_charge_temperature, 1);
  if (warmest && *warmest >= cells_.charge_max_temperature_c)
    a.high_charge_temperature = std::max<std::uint8_t>(a.high_charge_temperature, 1);
}

}  // namespace bms
