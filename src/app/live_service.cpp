#include "app/live_service.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <stdexcept>

#include "app/pipeline.hpp"
#include "app/status_line.hpp"
#include "io/bms_can_output.hpp"
#include "io/socketcan_ports.hpp"
#include "io/socketcan_sink.hpp"
#include "io/socketcan_source.hpp"

namespace bms {

namespace {
constexpr std::int64_t kMinOutputGapUs = 200'000;  // SMA: no more than one frame set per 200 ms
}  // namespace

int run_live_service(const Settings& settings, const Options& options, std::stop_token stop) {
  std::vector<CanPortSpec> specs;
  try {
    specs = socketcan_ports_for(settings);
  } catch (const std::invalid_argument& e) {
    spdlog::error("{}: {}", settings.source_path, e.what());
    return 2;
  }
  const std::shared_ptr<SocketCanPorts> ports = SocketCanPorts::open(std::move(specs));
  const std::unique_ptr<FrameSource> source = make_socketcan_source(ports);

  Engine engine(settings);
  std::unique_ptr<FrameSink> sink;
  std::unique_ptr<BmsCanOutput> can_output;
  if (settings.output.enabled) {
    sink = make_socketcan_sink(ports, settings.output.interface);
    can_output = std::make_unique<BmsCanOutput>(*sink, settings.output);
    engine.add_publisher(*can_output, static_cast<std::int64_t>(settings.output.interval_ms) * 1000, kMinOutputGapUs);
  }
  std::unique_ptr<StatusLine> status;
  if (options.status_interval_s > 0) {
    const auto interval_us = static_cast<std::int64_t>(options.status_interval_s * 1e6);
    status = std::make_unique<StatusLine>(stdout);
    engine.add_publisher(*status, interval_us, interval_us);
  }

  Pipeline pipeline(settings, engine);
  const PipelineResult result = pipeline.run(*source, stop);

  for (std::size_t i = 0; i < ports->size(); ++i) {
    const CanPortStats s = ports->stats(i);
    spdlog::info("can: {} {}: received {}, kernel drops {}, error frames {} (bus-off {}), reopens {}, sent {}, "
                 "send busy {}, send failed {}",
                 s.iface, to_string(s.state), s.frames_received, s.frames_dropped, s.error_frames, s.bus_off,
                 s.reopens, s.frames_sent, s.send_busy, s.send_failed);
  }
  spdlog::info("decoded {}, decode errors {}, other ids {}, unknown interfaces {}", result.router.decoded,
               result.router.decode_errors, result.router.foreign, result.router.unknown_source);
  if (can_output) {
    spdlog::info("emitted {} frames in {} frame sets to {} ({} dropped)", can_output->frames_sent(),
                 can_output->frame_sets(), settings.output.interface, can_output->frames_dropped());
  }
  if (!result.source.ok) {
    spdlog::error("{}", result.source.error);
    return 1;
  }
  return 0;
}

}  // namespace bms
