#include "app/live_service.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "io/socketcan_sink.hpp"
#include "io/socketcan_source.hpp"
#include "io/timer_source.hpp"

namespace bms {

LiveInput open_live_input(const Settings& settings) {
  LiveInput in;
  std::vector<CanPortSpec> specs = socketcan_ports_for(settings);
  std::vector<SdoPolledNode> polled = sdo_polled_nodes_for(settings);
  const bool no_can_port = specs.empty();
  in.ports = SocketCanPorts::open(std::move(specs));
  if (no_can_port) {
    // Only D-Bus batteries and no inverter port: nothing to read from CAN; tick when due.
    in.sink = make_socketcan_sink(in.ports, settings.output.interface);
    in.source = std::make_unique<TimerSource>();
    return in;
  }
  // Every transmit (inverter frame set, SDO requests) goes through this one sink, on the
  // ports' own sockets, so none of it is read back by the source.
  in.sink = make_socketcan_sink(in.ports, settings.output.interface);
  in.source = make_socketcan_source(in.ports);
  if (!polled.empty()) {
    auto wrapped = std::make_unique<SdoPollingSource>(std::move(in.source), *in.sink, std::move(polled));
    in.polling = wrapped.get();
    in.source = std::move(wrapped);
  }
  return in;
}

void log_live_summary(const LiveInput& input, const PipelineResult& result) {
  for (std::size_t i = 0; i < input.ports->size(); ++i) {
    const CanPortStats s = input.ports->stats(i);
    spdlog::info(
        "can: {} {}: received {}, kernel drops {}, error frames {} (bus-off {}), reopens {}, sent {}, "
        "send busy {}, send failed {}",
        s.iface, to_string(s.state), s.frames_received, s.frames_dropped, s.error_frames, s.bus_off, s.reopens,
        s.frames_sent, s.send_busy, s.send_failed);
  }
  if (input.polling != nullptr) {
    for (const SdoPolledNode& n : input.polling->nodes()) {
      std::string values;
      for (std::size_t i = 0; i < n.map->sdo_objects.size(); ++i) {
        values += fmt::format(" {}={}", signal_name(n.map->sdo_objects[i].signal),
                              std::isnan(n.last_values[i]) ? std::string("-") : fmt::format("{:g}", n.last_values[i]));
      }
      spdlog::info(
          "sdo: battery {} (node {} on {}): requests {}, values {}, aborts {}, timeouts {}, send failures {};"
          " last{}",
          n.battery, n.poller.node(), n.iface, n.requests, n.values, n.aborts, n.timeouts, n.send_failures, values);
    }
  }
  spdlog::info("decoded {}, decode errors {}, other ids {}, unknown interfaces {}", result.router.decoded,
               result.router.decode_errors, result.router.foreign, result.router.unknown_source);
}

}  // namespace bms
