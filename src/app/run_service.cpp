#include "app/run_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "app/event_log.hpp"
#include "app/live_service.hpp"
#include "app/pipeline.hpp"
#include "app/replay_plot.hpp"
#include "app/replay_report.hpp"
#include "app/status_line.hpp"
#include "io/bms_can_output.hpp"
#include "io/candump_writer.hpp"
#include "io/replay_source.hpp"
#if BMS_WITH_DBUS
#include "app/history_tracker.hpp"
#include "dbus/dbus_battery_source.hpp"
#include "dbus/victron_battery_service.hpp"
#endif

namespace bms {
namespace {

/// D-Bus batteries or a D-Bus bank shunt are configured.
bool reads_dbus_sources(const Settings& s) {
  if (!s.bank.current_source.empty()) return true;
  return std::any_of(s.batteries.begin(), s.batteries.end(),
                     [](const BatterySettings& b) { return b.protocol == BatteryProtocol::Dbus; });
}

constexpr std::int64_t kMinOutputGapUs = 200'000;  // SMA: no more than one frame set per 200 ms

void wait_for_stop(std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait(lock, stop, [] { return false; });
}

std::vector<std::string> battery_names(const Settings& s) {
  std::vector<std::string> names;
  for (const auto& b : s.batteries) names.push_back(b.name);
  return names;
}

/// Every output of one run, owned together; registered with the engine in one place.
struct Outputs {
  std::unique_ptr<CandumpWriter> emit_log;
  std::unique_ptr<TeeSink> tee;  ///< live with --emit-log: the port, then the log
  std::unique_ptr<BmsCanOutput> can;
  std::unique_ptr<StatusLine> status;
  std::unique_ptr<ReplayReport> report;
  std::unique_ptr<EventLog> events;
  std::string report_path;
  std::unique_ptr<SideInput> side;  ///< D-Bus battery readings into the aggregator thread
#if BMS_WITH_DBUS
  std::unique_ptr<dbus::DbusBatterySource> dbus_sources;  ///< on the service's bus thread
  std::unique_ptr<dbus::VictronBatteryService> dbus;      ///< stops (leaves the bus) before the file outputs
  std::unique_ptr<HistoryTracker> history;                ///< feeds dbus; destroyed first (writes its last save)
#endif

  /// Writes out what the file outputs buffer.
  void flush() const {
    if (emit_log) emit_log->flush();
    if (report) report->flush();
  }
  /// Why a file output is incomplete ("PATH: cannot write: No space left on device"), one
  /// entry per file; empty when every line was written.
  [[nodiscard]] std::vector<std::string> write_errors() const {
    std::vector<std::string> errors;
    if (emit_log && !emit_log->error().empty()) errors.push_back(emit_log->error());
    if (report && !report->error().empty()) errors.push_back(report->error());
    return errors;
  }
};

/// Logs the file outputs' write errors. @return true when there was one (exit status 1).
bool report_write_errors(const Outputs& outputs) {
  const std::vector<std::string> errors = outputs.write_errors();
  for (const std::string& e : errors) spdlog::error("{}; the file is incomplete (it ends at its last whole line)", e);
  return !errors.empty();
}

/// Creates the outputs the settings and options ask for. @throws std::runtime_error naming
/// a file that cannot be written.
/// `can_port`: the live output port's sink (null in a replay, where the frame set only goes
/// to --emit-log).
Outputs make_outputs(const Settings& settings, const Options& options, Engine& engine, FrameSink* can_port = nullptr) {
  Outputs o;
  const auto output_interval_us = static_cast<std::int64_t>(settings.output.interval_ms) * 1000;
  if (!options.emit_log_path.empty()) {
    o.emit_log = std::make_unique<CandumpWriter>(options.emit_log_path, settings.output.interface);
  }
  FrameSink* can_sink = o.emit_log.get();
  if (can_port != nullptr && settings.output.enabled) {
    // Live with an output port: send there (and record what was sent with --emit-log).
    can_sink = can_port;
    if (o.emit_log) {
      o.tee = std::make_unique<TeeSink>(*can_port, *o.emit_log);
      can_sink = o.tee.get();
    }
  }
  if (can_sink != nullptr) {
    o.can = std::make_unique<BmsCanOutput>(*can_sink, settings.output);
    engine.add_publisher(*o.can, output_interval_us, kMinOutputGapUs);
  }
  if (options.status_interval_s > 0) {
    const auto interval_us = static_cast<std::int64_t>(options.status_interval_s * 1e6);
    o.status = std::make_unique<StatusLine>(stdout);
    engine.add_publisher(*o.status, interval_us, interval_us);
  }
  // The plot is drawn from the report; without --report it goes to a file beside the PNG.
  o.report_path = options.report_path;
  if (o.report_path.empty() && !options.plot_path.empty()) o.report_path = options.plot_path + ".csv";
  if (!o.report_path.empty()) {
    o.report = std::make_unique<ReplayReport>(o.report_path, battery_names(settings));
    engine.add_publisher(*o.report, output_interval_us, kMinOutputGapUs);
  }
  o.events = std::make_unique<EventLog>(settings.output.enabled);
  engine.add_publisher(*o.events, output_interval_us, kMinOutputGapUs);
#if BMS_WITH_DBUS
  if (!options.no_dbus) {
    // The service joins the bus on its own thread (retrying until the bus is there) and
    // coalesces to update_interval_ms of wall time, so a fast replay cannot flood the bus.
    dbus::ServiceIdentity identity;
    if (!options.replay_path.empty())
      identity.connection = "Replay " + std::filesystem::path(options.replay_path).filename().string();
    o.dbus = dbus::make_battery_service(settings, identity);
    if (reads_dbus_sources(settings)) {
      // D-Bus batteries share the service's connection and bus thread; their readings reach
      // the aggregator thread through a ring of their own.
      o.side = std::make_unique<SideInput>();
      o.dbus_sources = std::make_unique<dbus::DbusBatterySource>(settings, *o.side);
      o.dbus->set_attachment(o.dbus_sources.get());
    }
    o.dbus->start();
    // /History/* is kept in front of the service, at the engine's (virtual) time.
    o.history = std::make_unique<HistoryTracker>(*o.dbus, settings.service.state_file);
    engine.add_publisher(*o.history, static_cast<std::int64_t>(settings.service.update_interval_ms) * 1000,
                         kMinOutputGapUs);
  }
#endif
  return o;
}

void log_summary(const CandumpReader& rd, const PipelineResult& result, double wall_s, const Outputs& out,
                 const Options& options) {
  spdlog::info(
      "replay {}: {} lines, {} frames in {:.3f} s ({:.0f} lines/s); decoded {}, decode errors {}, "
      "other ids {}, unknown interfaces {}, skipped lines {}",
      rd.path(), rd.line_number(), rd.frames(), wall_s,
      wall_s > 0 ? static_cast<double>(rd.line_number()) / wall_s : 0.0, result.router.decoded,
      result.router.decode_errors, result.router.foreign, result.router.unknown_source, rd.skipped_lines());
  if (out.can && out.emit_log && out.emit_log->error().empty()) {
    spdlog::info("emitted {} frames in {} frame sets to {}", out.can->frames_sent(), out.can->frame_sets(),
                 options.emit_log_path);
  }
  if (out.report && out.report->error().empty())
    spdlog::info("report: {} rows in {}", out.report->rows(), out.report_path);
}

/// Runs the two-thread pipeline on `source` under the supervisor's hooks (heartbeat, reloaded
/// settings, READY once the source and outputs exist), then flushes the file outputs.
PipelineResult run_pipeline(const Settings& settings, Engine& engine, FrameSource& source, const Outputs& outputs,
                            std::stop_token stop, const ServiceHooks& hooks) {
  Pipeline pipeline(settings, engine);
  pipeline.set_side_input(outputs.side.get());
  pipeline.set_heartbeat(hooks.heartbeat);
  pipeline.set_settings_source(hooks.settings_generation, hooks.settings);
  if (hooks.ready) hooks.ready();
  PipelineResult result = pipeline.run(source, stop);
  outputs.flush();
#if BMS_WITH_DBUS
  if (outputs.dbus_sources) {
    const dbus::DbusSourceStats d = outputs.dbus_sources->stats();
    spdlog::info(
        "D-Bus sources: {} signals with {} items, {} readings ({} dropped), {} GetItems, {} probes, "
        "{} call failures, {} bad values, {} bound, {} lost, {} refused",
        d.signals, d.items, d.readings, d.readings_dropped, d.get_items_calls, d.probes, d.call_failures, d.bad_values,
        d.appeared, d.lost, d.refused);
  }
#endif
  return result;
}

/// Live mode: the same engine and outputs as a replay, fed by the SocketCAN ports; the
/// frame set goes out on [output].interface. Runs until `stop`.
int run_live(const Settings& settings, const Options& options, std::stop_token stop, const ServiceHooks& hooks) {
  LiveInput input;
  Engine engine(settings);
  Outputs outputs;
  try {
    input = open_live_input(settings);
    outputs = make_outputs(settings, options, engine, input.sink.get());
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", settings.source_path, e.what());
    return 2;
  }
  // Ready once the ports are set up (present, or being retried) and the outputs exist: a
  // missing interface is a state the service reports and waits out, not a start failure.
  const PipelineResult result = run_pipeline(settings, engine, *input.source, outputs, stop, hooks);
  log_live_summary(input, result);
  if (outputs.can) {
    spdlog::info("emitted {} frames in {} frame sets to {} ({} dropped)", outputs.can->frames_sent(),
                 outputs.can->frame_sets(), settings.output.interface, outputs.can->frames_dropped());
  }
  const bool write_failed = report_write_errors(outputs);
  if (!result.source.ok) {
    spdlog::error("{}", result.source.error);
    return 1;
  }
  return write_failed ? 1 : 0;
}

}  // namespace

int run_service(const Settings& configured, const Options& options, std::stop_token stop, const ServiceHooks& hooks) {
#if !BMS_WITH_DBUS
  if (!options.no_dbus) {
    spdlog::error("this build has no Victron D-Bus service (BMS_WITH_DBUS=OFF); use --no-dbus");
    return 1;
  }
#endif
  if (options.no_dbus && reads_dbus_sources(configured)) {
    spdlog::error(
        "{}: protocol \"dbus\" batteries and [bank] current_source are read over D-Bus; they cannot run "
        "with --no-dbus",
        configured.source_path);
    return 2;
  }
  // Live: the frame set goes to a CAN port only when [output] configures one; --emit-log
  // alone records it without transmitting anything.
  if (options.replay_path.empty()) return run_live(configured, options, stop, hooks);
  Settings settings = configured;
  if (!options.emit_log_path.empty()) settings.output.enabled = true;

  Engine engine(settings);
  Outputs outputs;
  std::unique_ptr<CandumpReader> reader;
  try {
    reader = CandumpReader::open(options.replay_path, options.skip_malformed);
    outputs = make_outputs(settings, options, engine);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  ReplaySource source(std::move(reader), options.speed);

  const auto wall0 = std::chrono::steady_clock::now();
  const PipelineResult result = run_pipeline(settings, engine, source, outputs, stop, hooks);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  log_summary(source.reader(), result, wall_s, outputs, options);
  const bool write_failed = report_write_errors(outputs);

  if (!result.source.ok) {
    spdlog::error("{}", result.source.error);
    return 2;
  }
  if (write_failed) return 1;  // a full disk: the outputs are incomplete (and no plot is drawn from them)
  if (!options.plot_path.empty()) {
    const std::string error = render_replay_plot(outputs.report_path, options.plot_path, battery_names(settings),
                                                 settings.imbalance, outputs.report->cell_voltages_seen());
    if (!error.empty()) {
      spdlog::error("--plot {}: {}", options.plot_path, error);
      return 1;
    }
    spdlog::info("plot: {}", options.plot_path);
  }
  if (options.keep_running && !stop.stop_requested()) {
    spdlog::info("replay finished; serving the final state until SIGTERM/SIGINT (--keep-running)");
    if (hooks.idle) hooks.idle();
    wait_for_stop(stop);
  }
  return 0;
}

}  // namespace bms
