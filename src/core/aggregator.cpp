#include "core/aggregator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/imbalance_policy.hpp"
#include "core/pack_source.hpp"
#include "protocols/canopen/emcy.hpp"
#include "protocols/canopen/nmt.hpp"

namespace bms {
namespace {
/// Whether a battery's protocol can carry `signal` at all: the Pylontech family always
/// carries the limits; a CANopen battery only when its object map maps them.
bool protocol_sends(const BatterySettings& b, SignalId signal) {
  if (b.protocol == BatteryProtocol::Pylontech || !b.canopen_map) return true;
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
      keepalive_timeout_us_(static_cast<std::int64_t>(settings.output.keepalive_timeout_ms) * 1000) {
  for (const BatterySettings& b : settings.batteries) {
    batteries_.emplace_back(static_cast<std::int64_t>(b.stale_after_ms) * 1000);
    sends_charge_limit_.push_back(protocol_sends(b, SignalId::ChargeCurrentLimitA));
    sends_discharge_limit_.push_back(protocol_sends(b, SignalId::DischargeCurrentLimitA));
  }
}

void Aggregator::apply(const Reading& reading) noexcept {
  if (reading.source < batteries_.size()) {
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
}  // namespace

// ---- Per-pack detail (issue 13): what each pack shows on its own (D-Bus /Batteries/<i>,
// `status`, the replay report). Kept apart from the bank's decisions above and below.

/// A pack's own alarm levels from its BMS's flags; the bank's are the worst of these.
Alarms Aggregator::battery_alarms(const Fresh& f, std::optional<double> active_emcy) {
  Alarms a;
  a.high_voltage = f.level(SignalId::ProtectionHighVoltage, SignalId::AlarmHighVoltage);
  a.low_voltage = f.level(SignalId::ProtectionLowVoltage, SignalId::AlarmLowVoltage);
  // Charge temperatures (0x35A) count as temperature alarms: the D-Bus contract has no
  // path that DVCC acts on for them separately.
  a.high_temperature = std::max(f.level(SignalId::ProtectionHighTemperature, SignalId::AlarmHighTemperature),
                                f.level(SignalId::ProtectionHighChargeTemperature, SignalId::AlarmHighChargeTemperature));
  a.low_temperature = std::max(f.level(SignalId::ProtectionLowTemperature, SignalId::AlarmLowTemperature),
                               f.level(SignalId::ProtectionLowChargeTemperature, SignalId::AlarmLowChargeTemperature));
  a.high_discharge_current = f.level(SignalId::ProtectionHighDischargeCurrent, SignalId::AlarmHighDischargeCurrent);
  a.high_charge_current = f.level(SignalId::ProtectionHighChargeCurrent, SignalId::AlarmHighChargeCurrent);
  // System error, general, contactor and short-circuit (0x359/0x35A) are BMS failures.
  a.internal_failure = std::max({f.level(SignalId::ProtectionSystemError, SignalId::AlarmInternalCommunication),
                                 f.level(SignalId::ProtectionGeneral, SignalId::AlarmGeneral),
                                 f.level(SignalId::ProtectionContactor, SignalId::AlarmContactor),
                                 f.level(SignalId::ProtectionShortCircuit, SignalId::AlarmShortCircuit)});
  a.cell_imbalance = f.level(SignalId::ProtectionCellImbalance, SignalId::AlarmCellImbalance);
  // CANopen EMCY: the temperature class (0x4xxx) is a temperature alarm, any other active
  // code a BMS failure; EMCY 0x0000 (error reset) clears it.
  if (active_emcy) {
    const auto code = static_cast<std::uint32_t>(*active_emcy);
    std::uint8_t& target = (code & 0xF000U) == 0x4000U ? a.high_temperature : a.internal_failure;
    target = 2;
  }
  return a;
}

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
  view.min_cell_temperature = pack_extreme(f.get(SignalId::MinCellTemperatureC), st, view.name, SignalId::MinCellTemperatureId);
  view.max_cell_temperature = pack_extreme(f.get(SignalId::MaxCellTemperatureC), st, view.name, SignalId::MaxCellTemperatureId);
}
// ---- end of the per-pack detail

Snapshot Aggregator::evaluate(std::int64_t now_us) {
  Snapshot s;
  s.time_us = now_us;
  s.batteries.reserve(batteries_.size());
  s.discharge_voltage_limit_v = charge_.battery_low_voltage;

  double weighted_soc = 0, soc_weight = 0, equal_soc_sum = 0;
  int soc_count = 0;
  bool all_capacities_known = true;
  std::optional<double> soc_min, soc_max, min_ccl, min_dcl, min_cvl, voltage_sum_opt;
  double voltage_sum = 0;
  int voltage_count = 0;
  double remaining_ah = 0;
  bool remaining_known = true;
  bool any_blocks_charge = false, any_blocks_discharge = false;

  for (std::size_t i = 0; i < batteries_.size(); ++i) {
    const BatterySettings& cfg = battery_settings_[i];
    const BatteryState& st = batteries_[i];
    const std::int64_t stale_us = static_cast<std::int64_t>(cfg.stale_after_ms) * 1000;
    s.installed_capacity_ah += cfg.capacity_ah;

    BatteryView view;
    view.name = cfg.name;
    view.source = pack_source(cfg);
    view.capacity_ah = cfg.capacity_ah;
    view.online = st.online(now_us, stale_us);
    if (!view.online) {
      ++s.batteries_offline;
      s.batteries.push_back(std::move(view));
      continue;
    }
    ++s.batteries_online;
    const Fresh f{st, now_us, stale_us};

    view.soc_pct = battery_soc(f.get(SignalId::SocPct), f.get(SignalId::SocHiresPct));
    view.voltage_v = f.get(SignalId::VoltageV);
    view.current_a = f.get(SignalId::CurrentA);
    view.charge_current_limit_a =
        battery_limit(sends_charge_limit_[i], f.get(SignalId::ChargeCurrentLimitA), cfg.max_charge_current);
    view.discharge_current_limit_a =
        battery_limit(sends_discharge_limit_[i], f.get(SignalId::DischargeCurrentLimitA), cfg.max_discharge_current);

    const auto charge_enable = f.get(SignalId::ChargeEnable);
    const auto discharge_enable = f.get(SignalId::DischargeEnable);
    // Unknown blocks only when the BMS is supposed to send the limit (never guessed). A BMS
    // whose protocol sends no limits (CANopen) blocks charging while its SOC is unknown or an
    // EMCY is active, and both directions when its node is stopped.
    const auto emcy = f.get(SignalId::EmcyCode);
    const bool emcy_active = emcy && *emcy != 0.0;
    const auto nmt = f.get(SignalId::NmtState);
    const bool node_stopped = nmt && *nmt == static_cast<double>(canopen::NmtState::Stopped);
    const bool short_circuit = f.flag(SignalId::ProtectionShortCircuit);
    view.blocks_charge = (sends_charge_limit_[i] && !view.charge_current_limit_a) ||
                         (view.charge_current_limit_a && *view.charge_current_limit_a <= 0.0) ||
                         (charge_enable && *charge_enable == 0.0) || (!sends_charge_limit_[i] && !view.soc_pct) ||
                         emcy_active || node_stopped || short_circuit ||
                         f.flag(SignalId::ProtectionHighChargeTemperature) ||
                         f.flag(SignalId::ProtectionLowChargeTemperature);
    view.blocks_discharge = (sends_discharge_limit_[i] && !view.discharge_current_limit_a) ||
                            (view.discharge_current_limit_a && *view.discharge_current_limit_a <= 0.0) ||
                            (discharge_enable && *discharge_enable == 0.0) || node_stopped || short_circuit;
    s.module_count = static_cast<std::uint16_t>(std::min<int>(s.module_count + battery_module_count(f), 0xFFFF));
    s.force_charge_requested.force_charge_1 |= f.flag(SignalId::ForceCharge1);
    s.force_charge_requested.force_charge_2 |= f.flag(SignalId::ForceCharge2);
    s.force_charge_requested.full_charge |= f.flag(SignalId::FullChargeRequest);
    if (view.blocks_charge) ++s.blocking_charge;
    if (view.blocks_discharge) ++s.blocking_discharge;
    any_blocks_charge |= view.blocks_charge;
    any_blocks_discharge |= view.blocks_discharge;
    if (view.charge_current_limit_a) take_min(min_ccl, *view.charge_current_limit_a);
    if (view.discharge_current_limit_a) take_min(min_dcl, *view.discharge_current_limit_a);
    if (auto cvl = f.get(SignalId::ChargeVoltageLimitV)) take_min(min_cvl, *cvl);

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
    if (view.voltage_v && view.current_a) s.power_w = s.power_w.value_or(0.0) + *view.voltage_v * *view.current_a;
    if (auto t = f.get(SignalId::TemperatureC)) {
      take_max(s.temperature_c, *t);
      take_min(s.min_temperature_c, *t);
    }
    if (auto soh = f.get(SignalId::SohPct)) take_min(s.soh_pct, *soh);

    if (auto v = f.get(SignalId::MinCellVoltageV)) take_extreme(s.min_cell_voltage, *v, cfg.name, st.text(SignalId::MinCellVoltageId), false);
    if (auto v = f.get(SignalId::MaxCellVoltageV)) take_extreme(s.max_cell_voltage, *v, cfg.name, st.text(SignalId::MaxCellVoltageId), true);
    if (auto v = f.get(SignalId::MinCellTemperatureC))
      take_extreme(s.min_cell_temperature, *v, cfg.name, st.text(SignalId::MinCellTemperatureId), false);
    if (auto v = f.get(SignalId::MaxCellTemperatureC))
      take_extreme(s.max_cell_temperature, *v, cfg.name, st.text(SignalId::MaxCellTemperatureId), true);

    view.alarms = battery_alarms(f, emcy_active ? emcy : std::nullopt);
    s.alarms.raise_to(view.alarms);
    fill_pack_detail(view, f, st);

    s.batteries.push_back(std::move(view));
  }

  if (soc_count > 0) {
    // Capacity-weighted when every contributing capacity is known, else a plain mean.
    s.soc_pct = (all_capacities_known && soc_weight > 0) ? weighted_soc / soc_weight : equal_soc_sum / soc_count;
    s.soc_diff_pct = *soc_max - *soc_min;
    tier_ = next_imbalance_tier(tier_, *s.soc_diff_pct, imbalance_);
  }
  if (remaining_known && soc_count > 0) s.capacity_ah = remaining_ah;
  if (voltage_count > 0) s.voltage_v = voltage_sum / voltage_count;
  s.tier = tier_;

  const auto n = static_cast<double>(s.batteries_online);
  s.charge_voltage_limit_v = min_cvl ? std::min(charge_.max_charge_voltage, *min_cvl) : charge_.max_charge_voltage;
  s.failsafe = s.batteries_online == 0;
  if (s.failsafe) {
    s.charge_current_limit_a = 0.0;
    s.discharge_current_limit_a = charge_.failsafe_discharge_current;
  } else {
    // Batteries that have no limit of their own leave only the configured caps.
    const double inf = std::numeric_limits<double>::infinity();
    s.charge_current_limit_a =
        any_blocks_charge ? 0.0 : std::min(tier_charge_current_a(tier_, charge_, imbalance_), min_ccl ? n * *min_ccl : inf);
    s.discharge_current_limit_a =
        any_blocks_discharge ? 0.0 : std::min(charge_.max_discharge_current, min_dcl ? n * *min_dcl : inf);
  }
  s.charge_current_limit_a = ramp_charge_current(s.charge_current_limit_a, now_us);
  s.charge_allowed = s.charge_current_limit_a > 0.0;
  s.inverter_present = last_keepalive_us_ != kNever && now_us - last_keepalive_us_ <= keepalive_timeout_us_;
  s.discharge_allowed = s.discharge_current_limit_a > 0.0;
  // One battery asking for a charge never overrides another that forbids charging.
  if (!s.charge_allowed) s.force_charge_requested = {};

  s.alarms.cell_imbalance = std::max(s.alarms.cell_imbalance, tier_alarm_level(tier_));
  if (s.batteries_offline > 0) s.alarms.bms_cable = s.batteries_online == 0 ? 2 : 1;
  return s;
}

}  // namespace bms
