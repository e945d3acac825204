#include "app/status_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <ctime>

#include "app/status_report.hpp"
#include "core/dbus_names.hpp"
#include "dbus/service_reader.hpp"

namespace bms {

StatusOptions parse_status_args(const std::vector<std::string>& args) {
  StatusOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--watch") {
      o.watch = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--dbus" && has_value) {
      o.bus = args[++i];
    } else if (a == "--service" && has_value) {
      o.service = args[++i];
      if (!is_battery_service_name(o.service)) {
        o.error = "status --service: \"" + o.service + "\" is not a battery service name (" +
                  std::string(kBatteryServicePrefix) + "<suffix>)";
        return o;
      }
    } else if (a == "--interval" && has_value) {
      const std::string& v = args[++i];
      const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), o.interval_s);
      if (ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(o.interval_s) || o.interval_s < 0.1 ||
          o.interval_s > 3600) {
        o.error = "status --interval: \"" + v + "\" is not a number of seconds from 0.1 to 3600";
        return o;
      }
    } else if (a == "--dbus" || a == "--service" || a == "--interval") {
      o.error = "status " + a + " needs a value";
      return o;
    } else {
      o.error = "status: unknown argument \"" + a + "\" (see --help)";
      return o;
    }
  }
  return o;
}

namespace {
/// Sleeps `seconds` unless SIGINT/SIGTERM arrives (both blocked by the caller). @return true on a signal.
bool stop_requested_within(const sigset_t& signals, double seconds) {
  timespec ts{static_cast<std::time_t>(seconds), static_cast<long>(std::fmod(seconds, 1.0) * 1e9)};
  return sigtimedwait(&signals, nullptr, &ts) > 0;
}
}  // namespace

int run_status_command(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  const StatusOptions o = parse_status_args(args);
  if (!o.error.empty()) {
    std::fprintf(err, "bms-aggregator: %s\n", o.error.c_str());
    return 2;
  }
  dbus::BusTarget target;
  try {
    target = dbus::BusTarget::parse(o.bus);
  } catch (const std::invalid_argument& e) {
    std::fprintf(err, "bms-aggregator status --dbus: %s\n", e.what());
    return 2;
  }
  // --watch ends cleanly on SIGINT/SIGTERM: they are waited for, not delivered.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  if (o.watch) sigprocmask(SIG_BLOCK, &signals, nullptr);
  const bool clear_screen = o.watch && !o.json && isatty(fileno(out)) != 0;
  try {
    dbus::ServiceReader reader(target);
    std::string service = o.service;
    if (service.empty()) {
      const auto found = reader.find_aggregators();
      if (found.empty()) {
        std::fprintf(err,
                     "bms-aggregator status: no bms-aggregator battery service on the %s (is the service running?)\n",
                     reader.bus_description().c_str());
        return 2;
      }
      service = found.front();
    }
    for (bool first = true;; first = false) {
      const ServiceItems status{service, reader.read_items(service)};
      const std::string text = o.json ? format_status_json(status) + "\n" : format_status_text(status);
      if (clear_screen)
        std::fputs("\x1b[H\x1b[2J", out);
      else if (!first && !o.json)
        std::fputs("\n", out);  // a blank line between refreshes
      std::fputs(text.c_str(), out);
      std::fflush(out);
      if (!o.watch || stop_requested_within(signals, o.interval_s)) return 0;
    }
  } catch (const dbus::ServiceUnavailable& e) {
    std::fprintf(err, "bms-aggregator status: %s (is the service running?)\n", e.what());
    return 2;
  }
}

}  // namespace bms
