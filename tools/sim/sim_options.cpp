#include "sim_options.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace bms::sim {
namespace {

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const std::string s(text);
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

template <typename Int>
bool parse_int(std::string_view text, Int& out) {
  const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc{} && r.ptr == text.data() + text.size();
}

bool parse_scenario(std::string_view s, Scenario& out) {
  if (s == "steady")
    out = Scenario::Steady;
  else if (s == "imbalance")
    out = Scenario::Imbalance;
  else if (s == "silent")
    out = Scenario::Silent;
  else if (s == "block-charge")
    out = Scenario::BlockCharge;
  else if (s == "alarm")
    out = Scenario::Alarm;
  else if (s == "canopen-sdo")
    out = Scenario::CanopenSdo;
  else if (s == "cell-high")
    out = Scenario::CellHigh;
  else if (s == "cold")
    out = Scenario::Cold;
  else if (s == "uneven-share")
    out = Scenario::UnevenShare;
  else
    return false;
  return true;
}

bool parse_capacities(std::string_view s, std::vector<double>& out) {
  out.clear();
  while (!s.empty()) {
    const std::size_t comma = s.find(',');
    double v = 0;
    if (!parse_double(s.substr(0, comma), v) || v <= 0 || v > 10000) return false;
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return !out.empty();
}

}  // namespace

double SimOptions::capacity_ah(int index) const noexcept {
  if (capacities_ah.empty()) return 100.0;
  const auto i = static_cast<std::size_t>(index);
  return i < capacities_ah.size() ? capacities_ah[i] : capacities_ah.back();
}

const char* to_string(Scenario s) noexcept {
  switch (s) {
    case Scenario::Steady:
      return "steady";
    case Scenario::Imbalance:
      return "imbalance";
    case Scenario::Silent:
      return "silent";
    case Scenario::BlockCharge:
      return "block-charge";
    case Scenario::Alarm:
      return "alarm";
    case Scenario::CanopenSdo:
      return "canopen-sdo";
    case Scenario::CellHigh:
      return "cell-high";
    case Scenario::Cold:
      return "cold";
    case Scenario::UnevenShare:
      return "uneven-share";
  }
  return "steady";
}

std::string sim_usage() {
  return R"(usage: bms-sim [options]

Writes a candump log ("(SECONDS.MICROS) IFACE ID#HEX", what canplayer and
`bms-aggregator --replay` read) of N simulated lithium batteries. Deterministic:
the same options and --seed give the same bytes.

  --batteries N          number of batteries (1..32, default 2)
  --duration SECONDS     simulated time (default 60)
  --scenario NAME        steady | imbalance | silent | block-charge | alarm | canopen-sdo |
                         cell-high | cold | uneven-share (default steady), see below
  --protocol P           pylontech | canopen (default pylontech; canopen-sdo implies canopen)
  --profile P            pylon | victron: frame set of a pylontech-family battery
                         (pylon: 351/355/356/359/35C/35E as a US2000; victron: Seplos/REC in
                         Victron mode, 351 DLC 8, 35A, 35F, 370/371 name, 372, 373, 374-377, 379)
  --start EPOCH          timestamp of the first frame set, seconds (default 1700000000)
  --interval-ms MS       frame set period per battery (default 1000)
  --seed N               noise and phase seed (default 1)
  --capacity LIST        capacities in Ah, comma separated; the last repeats (default 100)
  --event-start SECONDS  when the scenario's event begins (default per scenario)
  --event-duration S     how long it lasts (default per scenario)
  --iface-prefix NAME    interface name prefix (default "can": battery i on can<i>;
                         CANopen batteries share <prefix>0 with node ids)
  --first-node N         CANopen node id of the first battery (default 1)
  --canopen-cells        CANopen batteries also send TPDO2 (0x280 + node) every interval:
                         min/max cell voltage (u16 mV, bytes 0-1/2-3) and min/max cell
                         temperature (s16 0.1 degC, bytes 4-5/6-7); an example layout
                         (tests/data/superb_with_cells_tpdo2.toml maps it)
  --out FILE             output file, "-" for stdout (default)
  --help                 this text

Scenarios:
  steady        SOCs within ~1 %, slow charge/discharge cycle.
  imbalance     battery 0's SOC drifts away from the others: soc_diff grows past 5, 15 and
                20 % (peak ~25 %) and then recovers to the steady spread.
  silent        the last battery sends nothing for a while (default from 20 s for 47 s),
                then comes back.
  block-charge  battery 0 sets CCL 0 and clears charge-enable for a while (default from
                20 s for 30 s).
  alarm         battery 0 heats up: high-temperature warning, then protection (with
                CCL/DCL 0), then it cools down and both clear (default from 15 s for 30 s).
  canopen-sdo   CANopen batteries (SuperB Epsilon V2 objects): heartbeat every interval,
                and the gateway's SDO polls (0x6060 voltage, 0x6081 SOC, 0x6010
                temperature, 0x2010 current, 0x6052 Ah) each followed by the answer
                (a log is offline, so answers follow their requests by 1 ms); object
                0x6053 is answered with an abort, as a real battery does for objects it lacks.
  cell-high     battery 0's highest cell climbs from its normal value to 3.70 V at mid-event
                and back (its pack voltage with it); its BMS keeps its own limits.
  cold          battery 0 cools from ~25 to -5 degC at mid-event and warms back (cells
                +-1 degC); its BMS keeps its own limits.
  uneven-share  battery 0 takes 1.6 times its even share of the bank current during the
                event (the others the rest); limits unchanged.
Cell voltages and temperatures are sent in 0x373 (--profile victron) only.

Examples:
  bms-sim --batteries 2 --duration 120 --scenario imbalance --out imbalance.log
  bms-sim --batteries 3 --scenario canopen-sdo --duration 10 | bms-aggregator decode -
)";
}

ParseResult parse_sim_options(int argc, const char* const* argv) {
  ParseResult r;
  SimOptions& o = r.options;
  bool protocol_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      r.help = true;
      return r;
    }
    if (arg == "--canopen-cells") {
      o.canopen_cells = true;
      continue;
    }
    if (i + 1 >= argc) {
      r.error = "unknown option or missing value: " + std::string(arg);
      return r;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (arg == "--batteries")
      ok = parse_int(value, o.batteries) && o.batteries >= 1 && o.batteries <= 32;
    else if (arg == "--duration")
      ok = parse_double(value, o.duration_s) && o.duration_s > 0 && o.duration_s <= 7 * 86400;
    else if (arg == "--scenario")
      ok = parse_scenario(value, o.scenario);
    else if (arg == "--protocol") {
      protocol_given = true;
      if (value == "pylontech")
        o.protocol = SimProtocol::Pylontech;
      else if (value == "canopen")
        o.protocol = SimProtocol::Canopen;
      else
        ok = false;
    } else if (arg == "--profile") {
      if (value == "pylon")
        o.profile = SimProfile::Pylon;
      else if (value == "victron")
        o.profile = SimProfile::Victron;
      else
        ok = false;
    } else if (arg == "--start")
      ok = parse_int(value, o.start_epoch_s) && o.start_epoch_s >= 0 && o.start_epoch_s < 100000000000;
    else if (arg == "--interval-ms")
      ok = parse_int(value, o.interval_ms) && o.interval_ms >= 10 && o.interval_ms <= 60000;
    else if (arg == "--seed")
      ok = parse_int(value, o.seed);
    else if (arg == "--capacity")
      ok = parse_capacities(value, o.capacities_ah);
    else if (arg == "--event-start")
      ok = parse_double(value, o.event_start_s) && o.event_start_s >= 0;
    else if (arg == "--event-duration")
      ok = parse_double(value, o.event_duration_s) && o.event_duration_s >= 0;
    else if (arg == "--iface-prefix")
      ok = !value.empty() && value.size() <= 12;
    else if (arg == "--first-node")
      ok = parse_int(value, o.first_node) && o.first_node >= 1 && o.first_node <= 127;
    else if (arg == "--out")
      ok = !value.empty();
    else {
      r.error = "unknown option: " + std::string(arg);
      return r;
    }
    if (!ok) {
      r.error = "bad value for " + std::string(arg) + ": " + std::string(value);
      return r;
    }
    if (arg == "--iface-prefix") o.iface_prefix = std::string(value);
    if (arg == "--out") o.out = std::string(value);
  }
  if (o.scenario == Scenario::CanopenSdo) {
    if (protocol_given && o.protocol != SimProtocol::Canopen) {
      r.error = "--scenario canopen-sdo needs --protocol canopen";
      return r;
    }
    o.protocol = SimProtocol::Canopen;
  }
  if (o.protocol == SimProtocol::Canopen && o.first_node + o.batteries - 1 > 127) {
    r.error = "CANopen node ids would exceed 127";
    return r;
  }
  return r;
}

}  // namespace bms::sim
