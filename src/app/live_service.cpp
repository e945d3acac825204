#include "app/live_service.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "app/event_log.hpp"
#include "app/pipeline.hpp"
#include "app/status_line.hpp"
#include "io/bms_can_output.hpp"
#include "io/candump_writer.hpp"
#include "io/sdo_polling_source.hpp"
#include "io/socketcan_ports.hpp"
#include "io/socketcan_sink.hpp"
#include "io/socketcan_source.hpp"

namespace bms {

namespace {

constexpr std::int64_t kMinOutputGapUs = 200'000;  // SMA: no more than one frame set per 200 ms

/// --emit-log in live mode: the frame set goes to the port and, once sent, to the log too,
/// so the log holds exactly what the inverter was given.
class TeeSink final : public FrameSink {
 public:
  TeeSink(FrameSink& port, FrameSink& log) : port_(port), log_(log) {}
  SendResult send(const CanFrame& frame) noexcept override {
    const SendResult r = port_.send(frame);
    if (r == SendResult::Sent) (void)log_.send(frame);
    return r;
  }
  void flush() noexcept override {
    port_.flush();
    log_.flush();
  }

 private:
  FrameSink& port_;
  FrameSink& log_;
};

void log_port_stats(const SocketCanPorts& ports) {
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const CanPortStats s = ports.stats(i);
    spdlog::info("can: {} {}: received {}, kernel drops {}, error frames {} (bus-off {}), reopens {}, sent {}, "
                 "send busy {}, send failed {}",
                 s.iface, to_string(s.state), s.frames_received, s.frames_dropped, s.error_frames, s.bus_off,
                 s.reopens, s.frames_sent, s.send_busy, s.send_failed);
  }
}

void log_sdo_stats(const std::vector<SdoPolledNode>& nodes) {
  for (const SdoPolledNode& n : nodes) {
    std::string values;
    for (std::size_t i = 0; i < n.map->sdo_objects.size(); ++i) {
      values += fmt::format(" {}={}", signal_name(n.map->sdo_objects[i].signal),
                            std::isnan(n.last_values[i]) ? std::string("-") : fmt::format("{:g}", n.last_values[i]));
    }
    spdlog::info("sdo: battery {} (node {} on {}): requests {}, values {}, aborts {}, timeouts {}, send failures {};"
                 " last{}",
                 n.battery, n.poller.node(), n.iface, n.requests, n.values, n.aborts, n.timeouts, n.send_failures, values);
  }
}

}  // namespace

int run_live_service(const Settings& settings, const Options& options, std::stop_token stop,
                     const ServiceHooks& hooks) {
  std::vector<CanPortSpec> specs;
  std::vector<SdoPolledNode> polled;
  try {
    specs = socketcan_ports_for(settings);
    polled = sdo_polled_nodes_for(settings);
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", settings.source_path, e.what());
    return 2;
  }
  const std::shared_ptr<SocketCanPorts> ports = SocketCanPorts::open(std::move(specs));
  // Every transmit (inverter frame set, SDO requests) goes through this one sink, on the
  // ports' own sockets, so none of it is read back by the source.
  const std::unique_ptr<FrameSink> sink = make_socketcan_sink(ports, settings.output.interface);
  std::unique_ptr<FrameSource> source = make_socketcan_source(ports);
  const SdoPollingSource* polling = nullptr;
  if (!polled.empty()) {
    auto wrapped = std::make_unique<SdoPollingSource>(std::move(source), *sink, std::move(polled));
    polling = wrapped.get();
    source = std::move(wrapped);
  }

  Engine engine(settings);
  const auto output_interval_us = static_cast<std::int64_t>(settings.output.interval_ms) * 1000;
  std::unique_ptr<CandumpWriter> emit_log;
  std::unique_ptr<TeeSink> tee;
  if (!options.emit_log_path.empty()) {
    try {
      emit_log = std::make_unique<CandumpWriter>(options.emit_log_path, settings.output.interface);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      return 2;
    }
    tee = std::make_unique<TeeSink>(*sink, *emit_log);
  }
  std::unique_ptr<BmsCanOutput> can_output;
  if (settings.output.enabled) {
    can_output = std::make_unique<BmsCanOutput>(tee ? static_cast<FrameSink&>(*tee) : *sink, settings.output);
    engine.add_publisher(*can_output, output_interval_us, kMinOutputGapUs);
  }
  std::unique_ptr<StatusLine> status;
  if (options.status_interval_s > 0) {
    const auto interval_us = static_cast<std::int64_t>(options.status_interval_s * 1e6);
    status = std::make_unique<StatusLine>(stdout);
    engine.add_publisher(*status, interval_us, interval_us);
  }
  EventLog events(settings.output.enabled);
  engine.add_publisher(events, output_interval_us, kMinOutputGapUs);

  Pipeline pipeline(settings, engine);
  pipeline.set_heartbeat(hooks.heartbeat);
  // Ready once the ports are set up (present or being retried) and the outputs exist: a
  // missing interface is a state the service reports and waits out, not a start failure.
  if (hooks.ready) hooks.ready();
  const PipelineResult result = pipeline.run(*source, stop);

  if (emit_log) emit_log->flush();
  log_port_stats(*ports);
  if (polling != nullptr) log_sdo_stats(polling->nodes());
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
