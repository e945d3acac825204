#include "bank_generator.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "protocols/canopen/emcy.hpp"
#include "protocols/canopen/nmt.hpp"
#include "protocols/canopen/sdo.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms::oracle {
namespace {

/// Shortest text that reads back as the same double (what the config file holds).
std::string number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // a TOML float, not an integer
  return s;
}

double tenths(RandomSource& r, double lo, double hi) {
  return static_cast<double>(r.between(std::llround(lo * 10), std::llround(hi * 10))) / 10.0;
}

// ------------------------------------------------------------------------------------------
// Configuration

struct ImbalanceDefaults {
  double minor_threshold, minor_factor, warning_threshold, warning_factor, alarm_threshold, hysteresis;
};
ImbalanceDefaults imbalance_defaults(const std::string& preset) {
  if (preset == "conservative") return {5, 0.85, 10, 0.66, 15, 2};
  if (preset == "aggressive") return {5, 0.85, 15, 0.66, 20, 2};
  return {5, 0.85, 15, 0.66, 20, 2};
}

void generate_imbalance(RandomSource& r, BankSpec& s) {
  const unsigned preset = static_cast<unsigned>(r.below(10));
  s.preset = preset >= 8 ? "aggressive" : (preset >= 6 ? "conservative" : "");
  const ImbalanceDefaults d = imbalance_defaults(s.preset);
  // Each key: the default (left out of the file), or a random value within its range.
  const unsigned explicit_pct = s.preset.empty() ? 40 : 20;
  double minor = d.minor_threshold, warning = d.warning_threshold, alarm = d.alarm_threshold;
  double mf = d.minor_factor, wf = d.warning_factor, hyst = d.hysteresis;
  if (r.chance(explicit_pct)) s.minor_threshold = minor = static_cast<double>(r.between(20, 100)) / 10.0;
  if (r.chance(explicit_pct)) s.warning_threshold = warning = minor + static_cast<double>(r.between(10, 150)) / 10.0;
  if (r.chance(explicit_pct)) s.alarm_threshold = alarm = warning + static_cast<double>(r.between(10, 200)) / 10.0;
  if (r.chance(explicit_pct)) s.minor_factor = mf = static_cast<double>(r.between(30, 100)) / 100.0;
  if (r.chance(explicit_pct))
    s.warning_factor = wf = static_cast<double>(r.between(10, std::llround(mf * 100))) / 100.0;
  if (r.chance(explicit_pct))
    s.hysteresis = hyst = static_cast<double>(r.between(0, std::llround(minor * 4) - 1)) / 4.0;
  const bool valid = minor < warning && warning < alarm && wf <= mf && (hyst < minor || hyst == 0);
  if (!valid) {  // the defaults and the random keys disagree: give every key, all consistent
    s.minor_threshold = minor = static_cast<double>(r.between(20, 100)) / 10.0;
    s.warning_threshold = warning = minor + static_cast<double>(r.between(10, 150)) / 10.0;
    s.alarm_threshold = alarm = warning + static_cast<double>(r.between(10, 200)) / 10.0;
    s.minor_factor = mf = static_cast<double>(r.between(30, 100)) / 100.0;
    s.warning_factor = wf = static_cast<double>(r.between(10, std::llround(mf * 100))) / 100.0;
    s.hysteresis = hyst = static_cast<double>(r.between(0, std::llround(minor * 4) - 1)) / 4.0;
  }
}

void generate_charge(RandomSource& r, BankSpec& s) {
  s.nominal_charge_current = tenths(r, 10, 600);
  const double wf = s.warning_factor.value_or(imbalance_defaults(s.preset).warning_factor);
  const double alarm_cap = std::min(s.nominal_charge_current, wf * s.nominal_charge_current);
  // The built-in default (50 A) must fit under the warning tier, or the file must say more.
  // With a preset the loader still checks the default 50 A against nominal before the preset
  // sets its share, so a nominal current below 50 A needs the key too.
  const bool default_fits = s.preset.empty() ? 50.0 <= alarm_cap + 1e-9 : s.nominal_charge_current >= 50.0;
  if (!default_fits || r.chance(40)) {
    s.reduced_charge_current =
        static_cast<double>(r.between(0, static_cast<std::int64_t>(std::floor(alarm_cap * 10)))) / 10.0;
  }
  s.max_charge_voltage = tenths(r, 13, 60);
  s.battery_low_voltage = tenths(r, 10, s.max_charge_voltage - 0.1);
  s.max_discharge_current = tenths(r, 10, 600);
  s.failsafe_discharge_current = r.chance(60) ? 0.0 : tenths(r, 0, s.max_discharge_current);
  s.charge_current_ramp_a_per_s = r.chance(65) ? 0.0 : tenths(r, 0.1, 200);
  s.share_threshold_a = r.chance(40) ? 0.0 : (r.chance(50) ? 10.0 : tenths(r, 1, 100));
}

void generate_batteries(RandomSource& r, BankSpec& s, int max_batteries) {
  const int n = static_cast<int>(r.between(1, max_batteries));
  int pylon_port = 0;
  std::map<std::string, int> next_node;
  static constexpr int kStaleChoicesMs[] = {5000, 1000, 2000, 3000, 500, 300};
  for (int i = 0; i < n; ++i) {
    BatterySpec b;
    b.name = "b" + std::to_string(i);
    b.protocol = r.chance(75) ? SourceProtocol::Pylontech : SourceProtocol::Canopen;
    if (b.protocol == SourceProtocol::Pylontech) {
      b.interface = "can" + std::to_string(pylon_port++);
    } else {
      b.interface = r.chance(70) ? "can20" : "can21";  // CANopen nodes share a bus
      b.map = r.chance(50) ? CanopenMap::SuperbEpsilonV2 : CanopenMap::Cia418Generic;
      b.node_id = (next_node[b.interface] += static_cast<int>(r.between(1, 9)));
      if (r.chance(60)) b.max_charge_current = tenths(r, 5, 300);
      if (r.chance(60)) b.max_discharge_current = tenths(r, 5, 300);
    }
    b.capacity_ah = r.chance(20) ? 0.0 : static_cast<double>(r.between(50, 400));
    const std::int64_t stale_ms =
        r.chance(70) ? kStaleChoicesMs[r.below(std::size(kStaleChoicesMs))] : r.between(100, 6000);
    b.stale_after_us = stale_ms * 1000;
    s.batteries.push_back(std::move(b));
  }
}

BankSpec generate_spec(RandomSource& r, const GeneratorLimits& limits) {
  BankSpec s;
  generate_batteries(r, s, limits.max_batteries);
  generate_imbalance(r, s);
  generate_charge(r, s);
  s.profile = static_cast<OutputProfile>(r.below(static_cast<std::uint64_t>(OutputProfile::Count)));
  static constexpr int kIntervalsMs[] = {1000, 500, 200, 250, 2000};
  const std::int64_t interval_ms = r.chance(75) ? kIntervalsMs[r.below(std::size(kIntervalsMs))] : r.between(200, 3000);
  s.interval_us = interval_ms * 1000;
  return s;
}

// ------------------------------------------------------------------------------------------
// Frames

/// One battery's behaviour: what it sends, what it does wrong, and its current values.
struct BatteryRun {
  const BatterySpec* spec = nullptr;
  int index = 0;
  std::int64_t period_us = 1'000'000;
  unsigned drop_pct = 0;       ///< each frame lost on the way
  unsigned malformed_pct = 0;  ///< each frame replaced by one too short to decode
  // Pylontech habits
  std::uint8_t dlc_351 = 8;
  unsigned soc_mode = 0;  ///< 0 whole only, 1 hires agrees, 2 hires 0xFFFF, 3 hires zero, 4 mixed dlc
  bool sends_35c = true, sends_35a = false, sends_359 = true, sends_356 = true;
  // values in wire units
  std::int64_t cvl_dv = 0, ccl_da = 0, dcl_da = 0, dvl_dv = 0;
  std::int64_t soc = 50, hires_offset_cpct = 0;
  bool charge_enable = true, discharge_enable = true;
  bool force_charge = false;  ///< 0x35C request bits (force charge I/II, full charge)
  pylon::PairState short_circuit = pylon::PairState::Ok, high_charge_temp = pylon::PairState::Ok,
                   low_charge_temp = pylon::PairState::Ok;
  // CANopen
  canopen::NmtState nmt = canopen::NmtState::Operational;
  bool emcy_active = false;
  std::int64_t sdo_silent_until = 0;
  // schedule
  std::int64_t next_burst_us = 0;
  std::int64_t silent_until = 0;
  std::map<std::uint32_t, std::int64_t> omit_until;  ///< frame id -> left out of bursts until
  std::map<std::uint32_t, std::int64_t> last_sent;   ///< frame id -> last time it went out
  std::int64_t probe_us = -1;                        ///< a lone frame placed at a stale deadline
  std::uint32_t probe_id = 0;
  std::int64_t last_frame_us = -1;
};

class Emitter {
 public:
  Emitter(GeneratedBank& bank, RandomSource& r) : bank_(bank), r_(r) {}

  void frame(BatteryRun& b, std::int64_t t, CanFrame f, InputEvent e) {
    if (r_.chance(b.drop_pct)) return;
    f.time_us = t;
    f.set_iface(b.spec->interface);
    e.time_us = t;
    e.battery = b.index;
    b.last_sent[f.id] = t;
    b.last_frame_us = t;
    bank_.frames.push_back(f);
    bank_.events.push_back(e);
  }
  void other(std::int64_t t, CanFrame f, std::string_view iface, FrameMeaning meaning) {
    f.time_us = t;
    f.set_iface(iface);
    InputEvent e;
    e.time_us = t;
    e.meaning = meaning;
    bank_.frames.push_back(f);
    bank_.events.push_back(e);
  }
  RandomSource& random() { return r_; }

 private:
  GeneratedBank& bank_;
  RandomSource& r_;
};

InputEvent decodes() {
  InputEvent e;
  e.meaning = FrameMeaning::Decodes;
  return e;
}
InputEvent decode_error() {
  InputEvent e;
  e.meaning = FrameMeaning::DecodeError;
  return e;
}

/// A frame of `id` cut below the length its id needs.
CanFrame truncated(CanFrame f, std::uint8_t keep) {
  f.dlc = std::min<std::uint8_t>(f.dlc, keep);
  return f;
}

void pylon_frame(Emitter& out, BatteryRun& b, std::uint32_t id, std::int64_t t) {
  RandomSource& r = out.random();
  const bool malformed = r.chance(b.malformed_pct);
  InputEvent e = decodes();
  CanFrame f;
  switch (id) {
    case pylon::id::kLimits: {
      pylon::Limits l;
      l.charge_voltage_limit_v = static_cast<double>(b.cvl_dv) / 10.0;
      l.charge_current_limit_a = static_cast<double>(std::max<std::int64_t>(0, b.ccl_da)) / 10.0;
      l.discharge_current_limit_a = static_cast<double>(std::max<std::int64_t>(0, b.dcl_da)) / 10.0;
      l.discharge_voltage_limit_v = static_cast<double>(b.dvl_dv) / 10.0;
      l.dlc = b.dlc_351;
      f = pylon::encode_limits(l);
      // Negative limits exist on real buses; the encoder never writes them, so patch them in.
      const auto put_s16 = [&](std::size_t at, std::int64_t v) {
        const auto u = static_cast<std::uint16_t>(static_cast<std::int16_t>(v));
        f.data[at] = static_cast<std::uint8_t>(u & 0xFF);
        f.data[at + 1] = static_cast<std::uint8_t>(u >> 8);
      };
      put_s16(2, b.ccl_da);
      put_s16(4, b.dcl_da);
      if (malformed) {
        f = truncated(f, static_cast<std::uint8_t>(r.below(6)));
        e = decode_error();
      } else {
        e.set(Quantity::ChargeVoltageLimit, static_cast<double>(b.cvl_dv) / 10.0);
        e.set(Quantity::ChargeCurrentLimit, static_cast<double>(b.ccl_da) / 10.0);
        e.set(Quantity::DischargeCurrentLimit, static_cast<double>(b.dcl_da) / 10.0);
      }
      break;
    }
    case pylon::id::kSocSoh: {
      pylon::SocSoh s;
      s.soc_pct = static_cast<double>(std::min<std::int64_t>(b.soc, 100));
      s.soh_pct = 98;
      const bool hires = b.soc_mode == 1 || b.soc_mode == 2 || b.soc_mode == 3 || (b.soc_mode == 4 && r.chance(50));
      s.dlc = hires ? (r.chance(50) ? 6 : 8) : 4;
      std::int64_t hires_raw =
          std::clamp<std::int64_t>(std::min<std::int64_t>(b.soc, 100) * 100 + b.hires_offset_cpct, 0, 10000);
      if (b.soc_mode == 2) hires_raw = 0xFFFF;
      if (b.soc_mode == 3) hires_raw = 0;
      s.soc_hires_pct = static_cast<double>(std::min<std::int64_t>(hires_raw, 10000)) / 100.0;
      f = pylon::encode_soc_soh(s);
      // A whole SOC above 100 % and 0xFFFF padding are beyond what the encoder writes.
      f.data[0] = static_cast<std::uint8_t>(b.soc & 0xFF);
      f.data[1] = static_cast<std::uint8_t>((b.soc >> 8) & 0xFF);
      if (hires) {
        f.data[4] = static_cast<std::uint8_t>(hires_raw & 0xFF);
        f.data[5] = static_cast<std::uint8_t>(hires_raw >> 8);
      }
      if (malformed) {
        f = truncated(f, static_cast<std::uint8_t>(r.below(4)));
        e = decode_error();
      } else {
        e.set(Quantity::SocWhole, static_cast<double>(b.soc));
        if (hires) e.set(Quantity::SocHires, static_cast<double>(hires_raw) / 100.0);
      }
      break;
    }
    case pylon::id::kMeasurements: {
      pylon::Measurements m;
      m.voltage_v = 52.1;
      // Mostly small currents (the share rule stays below its threshold), sometimes large.
      const std::int64_t current_da = r.chance(70) ? r.between(-30, 30) : r.between(-500, 500);
      m.current_a = static_cast<double>(current_da) / 10.0;
      m.temperature_c = static_cast<double>(r.between(-50, 450)) / 10.0;
      f = pylon::encode_measurements(m);
      if (malformed) {
        f = truncated(f, static_cast<std::uint8_t>(r.below(6)));
        e = decode_error();
      } else {
        e.set(Quantity::Current, m.current_a);
      }
      break;
    }
    case pylon::id::kProtection: {
      pylon::ProtectionFlags p;
      p.alarm.high_temperature = r.chance(5);
      p.protection.low_voltage = r.chance(2);
      f = pylon::encode_protection(p);
      if (malformed) {
        f = truncated(f, static_cast<std::uint8_t>(r.below(4)));
        e = decode_error();
      }
      break;
    }
    case pylon::id::kAlarmPairs: {
      pylon::AlarmPairs p;
      p.alarms[static_cast<std::size_t>(pylon::PairCategory::ShortCircuit)] = b.short_circuit;
      p.alarms[static_cast<std::size_t>(pylon::PairCategory::HighChargeTemperature)] = b.high_charge_temp;
      p.alarms[static_cast<std::size_t>(pylon::PairCategory::LowChargeTemperature)] = b.low_charge_temp;
      if (r.chance(5)) p.raise_warning(pylon::PairCategory::HighTemperature);
      f = pylon::encode_alarm_pairs(p);
      if (malformed) {
        f = truncated(f, static_cast<std::uint8_t>(r.below(4)));
        e = decode_error();
      } else {
        const auto put = [&](Quantity q, pylon::PairState s) {
          if (s != pylon::PairState::Unsupported) e.set(q, s == pylon::PairState::Raised ? 1.0 : 0.0);
        };
        put(Quantity::ShortCircuit, b.short_circuit);
        put(Quantity::HighChargeTemperature, b.high_charge_temp);
        put(Quantity::LowChargeTemperature, b.low_charge_temp);
      }
      break;
    }
    case pylon::id::kRequests: {
      pylon::Requests q;
      q.charge_enable = b.charge_enable;
      q.discharge_enable = b.discharge_enable;
      q.force_charge_1 = b.force_charge && r.chance(50);
      q.force_charge_2 = b.force_charge && !q.force_charge_1;
      q.full_charge_request = b.force_charge && r.chance(30);
      f = pylon::encode_requests(q);
      if (malformed) {
        f.dlc = 0;
        e = decode_error();
      } else {
        e.set(Quantity::ChargeEnable, b.charge_enable ? 1.0 : 0.0);
        e.set(Quantity::DischargeEnable, b.discharge_enable ? 1.0 : 0.0);
      }
      break;
    }
    default:  // 0x35E
      f = pylon::encode_manufacturer("PYLON");
      if (malformed) {
        f.dlc = 0;
        e = decode_error();
      }
      break;
  }
  out.frame(b, t, f, e);
}

constexpr std::uint32_t kPylonBurst[] = {pylon::id::kLimits,      pylon::id::kSocSoh,     pylon::id::kMeasurements,
                                         pylon::id::kProtection,  pylon::id::kAlarmPairs, pylon::id::kRequests,
                                         pylon::id::kManufacturer};

bool pylon_sends(const BatteryRun& b, std::uint32_t id) {
  switch (id) {
    case pylon::id::kRequests:
      return b.sends_35c;
    case pylon::id::kAlarmPairs:
      return b.sends_35a;
    case pylon::id::kProtection:
      return b.sends_359;
    case pylon::id::kMeasurements:
      return b.sends_356;
    default:
      return true;
  }
}

/// Random walks and state changes of a Pylontech battery before a burst.
void pylon_walk(RandomSource& r, BatteryRun& b) {
  if (r.chance(3)) {
    b.ccl_da = 0;
  } else if (r.chance(1)) {
    b.ccl_da = -r.between(1, 100);
  } else {
    b.ccl_da = std::clamp<std::int64_t>(
        std::max<std::int64_t>(b.ccl_da, 0) + r.between(-30, 30) + (b.ccl_da <= 0 ? 300 : 0), 0, 3000);
  }
  if (r.chance(2))
    b.dcl_da = 0;
  else if (r.chance(1))
    b.dcl_da = -r.between(1, 100);
  else
    b.dcl_da = std::clamp<std::int64_t>(
        std::max<std::int64_t>(b.dcl_da, 0) + r.between(-30, 30) + (b.dcl_da <= 0 ? 300 : 0), 0, 3000);
  if (r.chance(3)) b.cvl_dv = std::clamp<std::int64_t>(b.cvl_dv + r.between(-5, 5), 100, 6000);
  if (r.chance(4)) {
    b.soc = std::clamp<std::int64_t>(b.soc + r.between(-35, 35), 0, 100);
  } else if (r.chance(40)) {
    b.soc = std::clamp<std::int64_t>(b.soc + r.between(-1, 1), 0, 100);
  }
  if (r.chance(1)) b.soc = r.between(101, 300);  // nonsense above 100 %: clamped by the policy
  if (b.soc_mode == 1 && r.chance(10)) b.hires_offset_cpct = r.chance(10) ? r.between(-300, 300) : r.between(-100, 100);
  if (b.charge_enable ? r.chance(2) : r.chance(8)) b.charge_enable = !b.charge_enable;
  if (b.discharge_enable ? r.chance(2) : r.chance(8)) b.discharge_enable = !b.discharge_enable;
  if (b.force_charge ? r.chance(10) : r.chance(2)) b.force_charge = !b.force_charge;
  const auto protection = [&](pylon::PairState& s) {
    if (s == pylon::PairState::Raised) {
      if (r.chance(10)) s = r.chance(80) ? pylon::PairState::Ok : pylon::PairState::Unsupported;
    } else if (r.chance(1)) {
      s = pylon::PairState::Raised;
    } else if (r.chance(2)) {
      s = r.chance(50) ? pylon::PairState::Ok : pylon::PairState::Unsupported;
    }
  };
  protection(b.short_circuit);
  protection(b.high_charge_temp);
  protection(b.low_charge_temp);
}

// --- CANopen

constexpr canopen::ObjectAddress kSocObject{0x6081, 0};
constexpr canopen::ObjectAddress kVoltageObject{0x6060, 0};
constexpr canopen::ObjectAddress kTemperatureObject{0x6010, 0};
constexpr canopen::ObjectAddress kUnmappedObject{0x6099, 0};

void canopen_burst(Emitter& out, BatteryRun& b, std::int64_t t) {
  RandomSource& r = out.random();
  const auto node = static_cast<std::uint8_t>(b.spec->node_id);
  // NMT state changes: stopped for a while, a reboot (boot-up, then operational), pre-op.
  if (b.nmt == canopen::NmtState::Operational) {
    if (r.chance(2))
      b.nmt = canopen::NmtState::Stopped;
    else if (r.chance(1))
      b.nmt = canopen::NmtState::BootUp;
    else if (r.chance(1))
      b.nmt = canopen::NmtState::PreOperational;
  } else if (r.chance(b.nmt == canopen::NmtState::BootUp ? 100 : 15)) {
    b.nmt = canopen::NmtState::Operational;
  }
  if (b.nmt == canopen::NmtState::BootUp) b.emcy_active = false;  // a reset node starts clean
  std::int64_t at = t;
  const auto step = [&] { return at += r.between(50, 400); };
  {
    InputEvent e = decodes();
    CanFrame f = canopen::encode_heartbeat(node, b.nmt);
    if (r.chance(b.malformed_pct)) {
      f.data[0] = 0x33;  // not a state: does not decode
      e = decode_error();
    } else {
      e.set(Quantity::NmtState, static_cast<double>(static_cast<std::uint8_t>(b.nmt)));
    }
    out.frame(b, at, f, e);
  }
  // EMCY: sent once per event; a reset (0x0000) may follow much later, or never.
  if (!b.emcy_active ? r.chance(2) : r.chance(6)) {
    static constexpr std::uint16_t kCodes[] = {0x4210, 0x3100, 0x1000, 0xFF01, 0x8130};
    b.emcy_active = !b.emcy_active;
    canopen::Emcy emcy;
    emcy.error_code = b.emcy_active ? kCodes[r.below(std::size(kCodes))] : canopen::kEmcyNoError;
    emcy.error_register = b.emcy_active ? canopen::kErrorRegisterGeneric : 0;
    InputEvent e = decodes();
    CanFrame f = canopen::encode_emcy(node, emcy);
    if (r.chance(b.malformed_pct)) {
      f.dlc = static_cast<std::uint8_t>(r.below(3));
      e = decode_error();
      b.emcy_active = !b.emcy_active;  // it did not arrive as an EMCY
    } else {
      e.set(Quantity::EmcyCode, emcy.error_code);
    }
    out.frame(b, step(), f, e);
  }
  if (r.chance(3))
    b.soc = std::clamp<std::int64_t>(b.soc + r.between(-35, 35), 0, 100);
  else if (r.chance(40))
    b.soc = std::clamp<std::int64_t>(b.soc + r.between(-1, 1), 0, 100);
  if (r.chance(3)) b.sdo_silent_until = t + r.between(b.spec->stale_after_us / 2, 3 * b.spec->stale_after_us);
  const std::uint8_t soc_raw = static_cast<std::uint8_t>(r.chance(1) ? r.between(101, 255) : b.soc);
  if (b.spec->map == CanopenMap::Cia418Generic && r.chance(60)) {
    // TPDO1 of the example mapping: u32 voltage /1024, i16 temperature /8, u8 SOC, u8 status.
    CanFrame f;
    f.id = 0x180U + node;
    f.dlc = 8;
    const std::uint32_t mv = 52 * 1024;
    for (int i = 0; i < 4; ++i) f.data[i] = static_cast<std::uint8_t>((mv >> (8 * i)) & 0xFF);
    f.data[4] = 200;
    f.data[5] = 0;
    f.data[6] = soc_raw;
    f.data[7] = 1;
    InputEvent e = decodes();
    if (r.chance(b.malformed_pct)) {
      f.dlc = static_cast<std::uint8_t>(r.below(7));  // a field past the dlc: no value at all
      e = decode_error();
    } else {
      e.set(Quantity::SocWhole, soc_raw);
    }
    out.frame(b, step(), f, e);
  }
  if (t < b.sdo_silent_until || r.chance(10)) return;  // SDO answers time out
  // SDO answers to the poll list: SOC, voltage, temperature; sometimes an abort or an object
  // the map does not have.
  if (r.chance(3)) {
    out.frame(b, step(), canopen::encode_abort(node, kSocObject, canopen::kAbortObjectDoesNotExist), decode_error());
  } else {
    InputEvent e = decodes();
    e.set(Quantity::SocWhole, soc_raw);
    out.frame(b, step(), canopen::encode_upload_response(node, kSocObject, soc_raw, 1), e);
  }
  out.frame(b, step(), canopen::encode_upload_response(node, kVoltageObject, 52 * 1024, 4), decodes());
  out.frame(b, step(), canopen::encode_upload_response(node, kTemperatureObject, 25 * 8, 2), decodes());
  if (r.chance(2)) {
    InputEvent e;
    e.meaning = FrameMeaning::Foreign;
    out.frame(b, step(), canopen::encode_upload_response(node, kUnmappedObject, 7, 2), e);
  }
}

void init_run(RandomSource& r, BatteryRun& b, std::int64_t start_us) {
  const bool pylon = b.spec->protocol == SourceProtocol::Pylontech;
  b.period_us = r.between(100, pylon ? 2000 : 1000) * 1000;
  b.drop_pct = r.chance(50) ? 0 : static_cast<unsigned>(r.between(1, 25));
  b.malformed_pct = r.chance(60) ? 0 : static_cast<unsigned>(r.between(1, 5));
  b.dlc_351 = r.chance(50) ? 8 : 6;
  b.soc_mode = static_cast<unsigned>(r.below(5));
  b.sends_35c = !r.chance(10);
  b.sends_35a = r.chance(40);
  b.sends_359 = r.chance(60);
  b.sends_356 = r.chance(80);
  b.cvl_dv = r.between(130, 600);
  b.ccl_da = r.between(0, 2000);
  b.dcl_da = r.between(0, 2000);
  b.dvl_dv = r.between(100, 500);
  b.soc = r.between(0, 100);
  b.hires_offset_cpct = r.between(-100, 100);
  b.charge_enable = !r.chance(5);
  b.discharge_enable = !r.chance(5);
  // Batteries do not all start together; one may start after the others' stale timeout.
  b.next_burst_us = start_us + r.between(0, r.chance(10) ? 8'000'000 : 1'500'000);
}

void battery_burst(Emitter& out, BatteryRun& b, std::int64_t t) {
  RandomSource& r = out.random();
  if (b.spec->protocol == SourceProtocol::Canopen) {
    canopen_burst(out, b, t);
  } else {
    pylon_walk(r, b);
    std::int64_t at = t;
    for (const std::uint32_t id : kPylonBurst) {
      if (!pylon_sends(b, id)) continue;
      if (auto it = b.omit_until.find(id); it != b.omit_until.end() && t < it->second) continue;
      pylon_frame(out, b, id, at);
      at += r.between(50, 400);
    }
    if (r.chance(1)) {  // an id the family does not use: ignored, not proof of life
      CanFrame f;
      f.id = 0x3FF;
      f.dlc = 8;
      InputEvent e;
      e.meaning = FrameMeaning::Foreign;
      out.frame(b, at, f, e);
    }
  }
}

/// Silences, partial frame sets and frames placed exactly at a stale deadline.
void plan_next(RandomSource& r, BatteryRun& b, std::int64_t t) {
  const std::int64_t stale = b.spec->stale_after_us;
  b.next_burst_us = t + b.period_us + r.between(-b.period_us / 10, b.period_us / 10);
  if (r.chance(2)) {  // the BMS goes quiet: shorter than, about, or longer than its timeout
    const std::int64_t quiet = r.chance(30) ? stale + r.between(-2000, 2000) : r.between(stale / 2, 3 * stale);
    b.next_burst_us = std::max(b.next_burst_us, t + quiet);
  }
  if (b.spec->protocol == SourceProtocol::Pylontech && r.chance(3)) {  // a partial frame set for a while
    static constexpr std::uint32_t kOmittable[] = {pylon::id::kLimits, pylon::id::kSocSoh, pylon::id::kRequests,
                                                   pylon::id::kAlarmPairs};
    b.omit_until[kOmittable[r.below(std::size(kOmittable))]] = t + r.between(stale / 2, 2 * stale);
  }
  if (b.probe_us < 0 && r.chance(3) && b.last_frame_us >= 0) {
    // A lone frame exactly at (or a microsecond around) a stale deadline: of the battery's
    // last frame, or of the last frame of one kind (its values going stale).
    const bool whole_battery = r.chance(50) || b.spec->protocol == SourceProtocol::Canopen;
    std::int64_t base = b.last_frame_us;
    std::uint32_t id = b.spec->protocol == SourceProtocol::Canopen
                           ? 0x700U + static_cast<std::uint32_t>(b.spec->node_id)
                           : pylon::id::kLimits;
    if (!whole_battery) {
      static constexpr std::uint32_t kProbeIds[] = {pylon::id::kLimits, pylon::id::kSocSoh, pylon::id::kRequests};
      id = kProbeIds[r.below(std::size(kProbeIds))];
      if (auto it = b.last_sent.find(id); it != b.last_sent.end()) base = it->second;
    }
    const std::int64_t at = base + stale + r.between(-1, 1);
    if (at > t) {
      b.probe_us = at;
      b.probe_id = id;
      if (whole_battery) {
        b.next_burst_us = std::max(b.next_burst_us, at + 1);
      } else {
        b.omit_until[id] = at + 1;
      }
    }
  }
}

}  // namespace

std::string render_bank_config(const BankSpec& s) {
  std::string t;
  t += "[charge]\n";
  t += "nominal_charge_current = " + number(s.nominal_charge_current) + "\n";
  if (s.reduced_charge_current) t += "reduced_charge_current = " + number(*s.reduced_charge_current) + "\n";
  t += "max_charge_voltage = " + number(s.max_charge_voltage) + "\n";
  t += "max_discharge_current = " + number(s.max_discharge_current) + "\n";
  t += "battery_low_voltage = " + number(s.battery_low_voltage) + "\n";
  t += "failsafe_discharge_current = " + number(s.failsafe_discharge_current) + "\n";
  t += "charge_current_ramp_a_per_s = " + number(s.charge_current_ramp_a_per_s) + "\n";
  t += "share_threshold_a = " + number(s.share_threshold_a) + "\n";
  t += "\n[imbalance]\n";
  if (!s.preset.empty()) t += "preset = \"" + s.preset + "\"\n";
  const auto opt = [&](const char* key, const std::optional<double>& v) {
    if (v) t += std::string(key) + " = " + number(*v) + "\n";
  };
  opt("minor_threshold", s.minor_threshold);
  opt("minor_factor", s.minor_factor);
  opt("warning_threshold", s.warning_threshold);
  opt("warning_factor", s.warning_factor);
  opt("alarm_threshold", s.alarm_threshold);
  opt("hysteresis", s.hysteresis);
  for (const BatterySpec& b : s.batteries) {
    t += "\n[[battery]]\n";
    t += "name = \"" + b.name + "\"\n";
    t += "interface = \"" + b.interface + "\"\n";
    if (b.protocol == SourceProtocol::Canopen) {
      t += "protocol = \"canopen\"\n";
      t += "node_id = " + std::to_string(b.node_id) + "\n";
      t += std::string("map = \"") + (b.map == CanopenMap::SuperbEpsilonV2 ? "superb_epsilon_v2" : "cia418_generic") +
           "\"\n";
      if (b.max_charge_current > 0) t += "max_charge_current = " + number(b.max_charge_current) + "\n";
      if (b.max_discharge_current > 0) t += "max_discharge_current = " + number(b.max_discharge_current) + "\n";
    }
    t += "capacity_ah = " + number(b.capacity_ah) + "\n";
    t += "stale_after_ms = " + std::to_string(b.stale_after_us / 1000) + "\n";
  }
  static constexpr const char* kProfiles[] = {"pylon", "sma", "victron", "luxpower", "solark"};
  t += "\n[output]\n";
  t += "interface = \"" + s.output_interface + "\"\n";
  t += std::string("profile = \"") + kProfiles[static_cast<int>(s.profile)] + "\"\n";
  t += "interval_ms = " + std::to_string(s.interval_us / 1000) + "\n";
  return t;
}

GeneratedBank generate_bank(RandomSource& r, std::uint64_t seed, const GeneratorLimits& limits) {
  GeneratedBank bank;
  bank.seed = seed;
  bank.spec = generate_spec(r, limits);
  bank.config_toml = render_bank_config(bank.spec);

  const std::int64_t start_us = 1'000'000'000 + r.between(0, 1'000'000);
  const std::int64_t end_us = start_us + r.between(limits.min_duration_us, limits.max_duration_us);
  std::vector<BatteryRun> runs(bank.spec.batteries.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    runs[i].spec = &bank.spec.batteries[i];
    runs[i].index = static_cast<int>(i);
    init_run(r, runs[i], start_us);
  }
  // Time jumps: the whole bus silent (a gap in the log) for 10 s .. 2 min.
  std::vector<std::pair<std::int64_t, std::int64_t>> jumps;
  for (int j = 0; j < 2; ++j) {
    if (r.chance(15)) {
      const std::int64_t at = r.between(start_us, end_us);
      jumps.emplace_back(at, at + r.between(10'000'000, 120'000'000));
    }
  }
  const bool keepalive = r.chance(30);
  std::int64_t next_keepalive = start_us + r.between(0, 1'000'000);

  Emitter out(bank, r);
  for (;;) {
    // The battery whose next frame (burst or probe) is earliest.
    BatteryRun* next = nullptr;
    std::int64_t t = end_us;
    for (BatteryRun& b : runs) {
      const std::int64_t due = b.probe_us >= 0 ? std::min(b.probe_us, b.next_burst_us) : b.next_burst_us;
      if (due < t) {
        t = due;
        next = &b;
      }
    }
    if (keepalive && next_keepalive < t) {
      out.other(next_keepalive, pylon::encode_inverter_keep_alive(), bank.spec.output_interface,
                FrameMeaning::Inverter);
      next_keepalive += 1'000'000;
      continue;
    }
    if (next == nullptr || bank.frames.size() >= limits.max_frames) break;
    BatteryRun& b = *next;
    bool jumped = false;
    for (const auto& [from, to] : jumps) {
      if (t >= from && t < to) {
        b.next_burst_us = to + r.between(0, 500'000);
        if (b.probe_us >= 0 && b.probe_us < to) b.probe_us = -1;
        jumped = true;
      }
    }
    if (jumped) continue;
    if (b.probe_us >= 0 && b.probe_us <= b.next_burst_us) {
      const std::int64_t at = b.probe_us;
      b.probe_us = -1;
      if (b.spec->protocol == SourceProtocol::Canopen) {
        InputEvent e = decodes();
        e.set(Quantity::NmtState, static_cast<double>(static_cast<std::uint8_t>(b.nmt)));
        out.frame(b, at, canopen::encode_heartbeat(static_cast<std::uint8_t>(b.spec->node_id), b.nmt), e);
      } else {
        pylon_frame(out, b, b.probe_id, at);
      }
      if (b.next_burst_us <= at) b.next_burst_us = at + 1000;
      continue;
    }
    battery_burst(out, b, t);
    plan_next(r, b, std::max(t, b.last_frame_us));
  }
  // Frames of different batteries interleave; each battery's own frames are already in order.
  std::vector<std::size_t> order(bank.frames.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return bank.frames[a].time_us < bank.frames[b].time_us; });
  GeneratedBank sorted;
  sorted.seed = bank.seed;
  sorted.spec = std::move(bank.spec);
  sorted.config_toml = std::move(bank.config_toml);
  sorted.frames.reserve(order.size());
  sorted.events.reserve(order.size());
  for (std::size_t i : order) {
    sorted.frames.push_back(bank.frames[i]);
    sorted.events.push_back(bank.events[i]);
  }
  return sorted;
}

}  // namespace bms::oracle
