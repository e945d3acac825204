#pragma once
/// @file live_service.hpp
/// Live input: the SocketCAN ports of the configuration (batteries' interfaces and
/// [output].interface), the frame source that reads them (with CANopen SDO polling when a
/// battery needs it) and the sink every transmit goes through. run_service() puts the
/// same outputs (BMS-CAN on the output port, D-Bus, status, event log) behind it as behind
/// a replay.

#include <memory>
#include <vector>

#include "app/pipeline.hpp"
#include "core/settings.hpp"
#include "io/frame_sink.hpp"
#include "io/frame_source.hpp"
#include "io/sdo_polling_source.hpp"
#include "io/socketcan_ports.hpp"

namespace bms {

struct LiveInput {
  std::shared_ptr<SocketCanPorts> ports;
  /// Sends on the ports' own sockets; frames without an interface go to [output].interface.
  std::unique_ptr<FrameSink> sink;
  std::unique_ptr<FrameSource> source;
  const SdoPollingSource* polling = nullptr;  ///< inside `source`, when CANopen polls exist
};

/// Opens the ports (missing or down interfaces are retried later, never an error) and
/// builds the source. @throws std::invalid_argument for an impossible port set (one
/// interface, two bitrates).
[[nodiscard]] LiveInput open_live_input(const Settings& settings);

/// Logs per-port counters, SDO polling results and the router's counters after a run.
void log_live_summary(const LiveInput& input, const PipelineResult& result);

/// --emit-log in live mode: the frame set goes to the port and, once sent, to the log
/// too, so the log holds exactly what the inverter was given.
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

}  // namespace bms
