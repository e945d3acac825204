#pragma once
/// @file sdo_polling_source.hpp
/// CANopen SDO polling on the live reader thread: wraps the SocketCAN source, feeds each
/// CANopen battery's SdoPoller the frames received and the source's ticks, and sends the
/// requests through the one FrameSink every transmit goes through. No thread, no sleep:
/// polls fire on the source's timerfd ticks and as soon as the previous answer arrives.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/frame_sink.hpp"
#include "io/frame_source.hpp"
#include "protocols/canopen/object_map.hpp"
#include "protocols/canopen/sdo_client.hpp"

namespace bms {

struct Settings;

/// One polled node and what came of its polls (reader thread only while running).
struct SdoPolledNode {
  std::string battery;  ///< configured battery name, for logs
  std::string iface;
  std::shared_ptr<const canopen::ObjectMap> map;  ///< shared with the frame router
  canopen::SdoPoller poller;
  std::uint64_t requests = 0, values = 0, aborts = 0, timeouts = 0, send_failures = 0;
  bool answering = true;  ///< for log-once of "not answering" / "answering again"
  /// Last value per poll-list entry (NaN until answered), in map->sdo_objects order.
  std::vector<double> last_values;
};

/// The polled nodes of the configuration: every CANopen battery whose object map (loaded
/// with the configuration) has an SDO poll list.
[[nodiscard]] std::vector<SdoPolledNode> sdo_polled_nodes_for(const Settings& settings);

class SdoPollingSource final : public FrameSource {
 public:
  /// `sink` must outlive the source; it receives the requests (with CanFrame::iface set).
  SdoPollingSource(std::unique_ptr<FrameSource> inner, FrameSink& sink, std::vector<SdoPolledNode> nodes);
  ~SdoPollingSource() override;
  /// Runs the wrapped source with a handler that polls, then forwards every frame and tick.
  SourceResult run(FrameHandler& handler, std::stop_token stop) override;
  [[nodiscard]] std::optional<std::int64_t> time_from_monotonic(std::int64_t monotonic_us) const noexcept override {
    return inner_->time_from_monotonic(monotonic_us);
  }

  /// The nodes and their counters; read them after run() returned.
  [[nodiscard]] const std::vector<SdoPolledNode>& nodes() const noexcept { return nodes_; }

 private:
  class Tee;
  std::unique_ptr<FrameSource> inner_;
  FrameSink& sink_;
  std::vector<SdoPolledNode> nodes_;
};

}  // namespace bms
