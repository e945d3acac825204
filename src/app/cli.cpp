#include "app/cli.hpp"

#include <charconv>
#include <cmath>

namespace bms {
namespace {

/// A finite number within [min, max] (rejects nan, inf and what would overflow a time).
bool parse_in_range(const std::string& text, double min, double max, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out) && out >= min && out <= max;
}

}  // namespace

const char* help_text() noexcept {
  return R"(bms-aggregator: one battery for Venus OS and inverters from several BMSes (CAN and D-Bus)

Usage:
  bms-aggregator --config FILE                     run as a service on the configured ports and services
  bms-aggregator --config FILE --replay LOG [--speed N|max] [--emit-log OUT] [--no-dbus]
                 [--keep-running] [--skip-malformed] [--status-interval SECONDS]
                 [--report FILE.csv] [--plot FILE.png]
  bms-aggregator --check-config FILE               validate, print the effective config (exit 0/2)
  bms-aggregator decode [--config FILE] [--protocol pylontech|canopen:MAP] LOG|-
                                                   one JSON object per decoded frame
  bms-aggregator status [--watch [--interval S]] [--json] [--dbus BUS] [--service NAME]
                                                   the running service's bank and packs
  bms-aggregator --version | --help

Options:
  --config FILE            TOML configuration (see docs/CONFIGURATION.md)
  --replay LOG             read frames from a candump log instead of CAN ports ("-" = stdin)
  --speed N|max            replay pacing: 1 = real time (default), N = N times faster,
                           max = as fast as possible
  --emit-log OUT           write every frame the inverter output sends to OUT (candump log
                           format, canplayer reads it); enables the output with defaults when
                           the config has no [output]
  --no-dbus                do not publish the Victron D-Bus service (not with protocol "dbus"
                           batteries or [bank] current_source: they are read over D-Bus)
  --keep-running           after a replay ends, keep serving the final state until SIGTERM/SIGINT
  --skip-malformed         skip and count malformed log lines instead of stopping at the first
  --status-interval S      print a status line every S seconds of (log) time
  --report FILE.csv        replay: one CSV row per output tick (time, each battery's SOC and
                           online state, soc_diff, tier, current and voltage limits, then per
                           battery its own charge/discharge limits and cell voltage extremes)
  --plot FILE.png          replay: draw SOCs, soc_diff against the thresholds, the bank limits
                           beside each battery's own, and cell voltages if any (gnuplot)
  --check-config FILE      validate FILE; exit 0 and print it, or exit 2 naming key and line

status (reads the running service over D-Bus; exit 2 when it is not there):
  --dbus BUS               system (default), session, or a bus address (unix:path=...)
  --service NAME           the battery service to read (default: the com.victronenergy.battery.*
                           service whose /Mgmt/ProcessName is bms-aggregator)
  --json                   one JSON object per reading (bank, alarms, packs; unknown = null)
  --watch                  refresh every --interval seconds (default 2) until Ctrl-C
  --version                print the version
  --help                   this text

Inverter profiles ([output] profile; frame tables in docs/INVERTERS.md):
  pylon      Pylontech LV: Deye/Sunsynk, Growatt LV, Sofar, MidNite, GoodWe, most 48 V inverters
  sma        SMA Sunny Island external BMS, Solis
  victron    Victron GX (CAN-bus BMS)
  luxpower   Luxpower, EG4 (Luxpower battery CAN V04.2)
  solark     Sol-Ark (LV CAN V1.3: 8-byte frames, 0x356 at 0.1 V)

Exit status: 0 ok, 2 bad usage, configuration or input (with file:line), 1 runtime failure
(also when --emit-log or --report could not be written in full).
)";
}

CliResult parse_command_line(const std::vector<std::string>& args) {
  Options o;
  CliResult r;
  const auto fail = [&](std::string why) {
    r.error = std::move(why);
    return r;
  };
  if (!args.empty() && args[0] == "status") {
    o.command = Command::Status;
    o.status_args.assign(args.begin() + 1, args.end());
    r.options = o;
    return r;
  }
  if (!args.empty() && args[0] == "decode") {
    o.command = Command::Decode;
    o.decode_args.assign(args.begin() + 1, args.end());
    r.options = o;
    return r;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&](std::string& out) -> bool {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      o.command = Command::Help;
    } else if (a == "--version") {
      o.command = Command::Version;
    } else if (a == "--config") {
      if (!value(o.config_path)) return fail("--config needs a FILE");
    } else if (a == "--check-config") {
      if (!value(o.config_path)) return fail("--check-config needs a FILE");
      o.command = Command::CheckConfig;
    } else if (a == "--replay") {
      if (!value(o.replay_path)) return fail("--replay needs a LOG file");
    } else if (a == "--speed") {
      if (!value(v)) return fail("--speed needs a number or max");
      if (v == "max") {
        o.speed = 0;
      } else if (!parse_in_range(v, 1e-3, 1e6, o.speed)) {
        return fail("--speed: \"" + v + "\" is not a number from 0.001 to 1000000, or max");
      }
    } else if (a == "--emit-log") {
      if (!value(o.emit_log_path)) return fail("--emit-log needs an OUT file");
    } else if (a == "--report") {
      if (!value(o.report_path)) return fail("--report needs a FILE.csv");
    } else if (a == "--plot") {
      if (!value(o.plot_path)) return fail("--plot needs a FILE.png");
    } else if (a == "--status-interval") {
      if (!value(v) || !parse_in_range(v, 1e-3, 1e6, o.status_interval_s)) {
        return fail("--status-interval needs a number of seconds from 0.001 to 1000000");
      }
    } else if (a == "--no-dbus") {
      o.no_dbus = true;
    } else if (a == "--keep-running") {
      o.keep_running = true;
    } else if (a == "--skip-malformed") {
      o.skip_malformed = true;
    } else {
      return fail("unknown argument \"" + a + "\" (see --help)");
    }
  }
  if (o.command == Command::Run) {
    if (o.config_path.empty()) return fail("--config FILE is required (see --help)");
    if (o.replay_path.empty() &&
        (o.keep_running || o.skip_malformed || !o.report_path.empty() || !o.plot_path.empty())) {
      return fail("--keep-running, --skip-malformed, --report and --plot only apply with --replay");
    }
  }
  r.options = o;
  return r;
}

}  // namespace bms
