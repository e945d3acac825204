#include "app/run_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "app/live_service.hpp"
#include "app/pipeline.hpp"
#include "app/status_line.hpp"
#include "io/bms_can_output.hpp"
#include "io/candump_writer.hpp"
#include "io/replay_source.hpp"

namespace bms {
namespace {

constexpr std::int64_t kMinOutputGapUs = 200'000;  // SMA: no more than one frame set per 200 ms

void wait_for_stop(std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait(lock, stop, [] { return false; });
}

}  // namespace

int run_service(const Settings& configured, const Options& options, std::stop_token stop) {
  Settings settings = configured;
  if (!options.emit_log_path.empty()) settings.output.enabled = true;

  if (!options.no_dbus) {
    spdlog::error("the Victron D-Bus service is not part of this build yet; use --no-dbus");
    return 1;
  }
  if (options.replay_path.empty()) return run_live_service(settings, options, stop);

  std::unique_ptr<CandumpReader> reader;
  try {
    reader = CandumpReader::open(options.replay_path, options.skip_malformed);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  ReplaySource source(std::move(reader), options.speed);

  Engine engine(settings);
  std::unique_ptr<CandumpWriter> emit_log;
  std::unique_ptr<BmsCanOutput> can_output;
  if (!options.emit_log_path.empty()) {
    try {
      emit_log = std::make_unique<CandumpWriter>(options.emit_log_path, settings.output.interface);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      return 2;
    }
    can_output = std::make_unique<BmsCanOutput>(*emit_log, settings.output);
    engine.add_publisher(*can_output, static_cast<std::int64_t>(settings.output.interval_ms) * 1000, kMinOutputGapUs);
  }
  std::unique_ptr<StatusLine> status;
  if (options.status_interval_s > 0) {
    const auto interval_us = static_cast<std::int64_t>(options.status_interval_s * 1e6);
    status = std::make_unique<StatusLine>(stdout);
    engine.add_publisher(*status, interval_us, interval_us);
  }

  Pipeline pipeline(settings, engine);
  const auto wall0 = std::chrono::steady_clock::now();
  const PipelineResult result = pipeline.run(source, stop);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  if (emit_log) emit_log->flush();

  const auto& rd = source.reader();
  spdlog::info("replay {}: {} lines, {} frames in {:.3f} s ({:.0f} lines/s); decoded {}, decode errors {}, "
               "other ids {}, unknown interfaces {}, skipped lines {}",
               rd.path(), rd.line_number(), rd.frames(), wall_s, wall_s > 0 ? static_cast<double>(rd.line_number()) / wall_s : 0.0,
               result.router.decoded, result.router.decode_errors, result.router.foreign, result.router.unknown_source,
               rd.skipped_lines());
  if (can_output) {
    spdlog::info("emitted {} frames in {} frame sets to {}", can_output->frames_sent(), can_output->frame_sets(),
                 options.emit_log_path);
  }
  if (!result.source.ok) {
    spdlog::error("{}", result.source.error);
    return 2;
  }
  if (options.keep_running && !stop.stop_requested()) {
    spdlog::info("replay finished; serving the final state until SIGTERM/SIGINT (--keep-running)");
    wait_for_stop(stop);
  }
  return 0;
}

}  // namespace bms
