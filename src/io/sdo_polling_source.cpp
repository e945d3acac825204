#include "io/sdo_polling_source.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>

#include "core/settings.hpp"

namespace bms {

std::vector<SdoPolledNode> sdo_polled_nodes_for(const Settings& settings) {
  std::vector<SdoPolledNode> out;
  for (const BatterySettings& b : settings.batteries) {
    if (b.protocol != BatteryProtocol::Canopen || !b.canopen_map || b.canopen_map->sdo_objects.empty()) continue;
    const canopen::ObjectMap& map = *b.canopen_map;
    std::vector<canopen::ObjectAddress> list;
    for (const canopen::SdoObject& o : map.sdo_objects) list.push_back(o.address);
    canopen::SdoPoller poller(static_cast<std::uint8_t>(b.node_id), std::move(list),
                              std::int64_t{map.sdo_timeout_ms} * 1000, std::int64_t{map.poll_interval_ms} * 1000);
    out.push_back(SdoPolledNode{b.name, b.interface, b.canopen_map, std::move(poller), 0, 0, 0, 0, 0, true,
                                std::vector<double>(map.sdo_objects.size(), std::numeric_limits<double>::quiet_NaN())});
  }
  return out;
}

/// Sees every frame and tick on their way to the pipeline's handler.
class SdoPollingSource::Tee final : public FrameHandler {
 public:
  Tee(FrameHandler& inner, FrameSink& sink, std::vector<SdoPolledNode>& nodes)
      : inner_(inner), sink_(sink), nodes_(nodes) {}

  void on_frame(const CanFrame& frame) override {
    inner_.on_frame(frame);
    if (frame.error || frame.remote || frame.extended) return;
    for (SdoPolledNode& n : nodes_) {
      if (frame.id != canopen::kSdoResponseBase + n.poller.node() || frame.iface_name() != n.iface) continue;
      if (const auto ev = n.poller.on_frame(frame, frame.time_us)) record(n, *ev);
      // An answer frees the node: ask for the next object at once, not on the next tick.
      poll(n, frame.time_us);
    }
  }

  void on_tick(std::int64_t now_us) override {
    for (SdoPolledNode& n : nodes_) {
      if (const auto ev = n.poller.check_timeout(now_us)) record(n, *ev);
      poll(n, now_us);
    }
    inner_.on_tick(now_us);
  }

  void flush() override { inner_.flush(); }
  void burst_complete(std::int64_t last_frame_us) override { inner_.burst_complete(last_frame_us); }

 private:
  void poll(SdoPolledNode& n, std::int64_t now_us) noexcept {
    std::optional<CanFrame> request = n.poller.next_request(now_us);
    if (!request) return;
    request->set_iface(n.iface);
    request->time_us = now_us;
    ++n.requests;
    // A request that cannot go out is left outstanding: the poller times it out and moves on.
    if (sink_.send(*request) != SendResult::Sent) ++n.send_failures;
  }

  static void record(SdoPolledNode& n, const canopen::SdoEvent& ev) {
    using Kind = canopen::SdoEvent::Kind;
    if (ev.kind == Kind::Timeout) {
      ++n.timeouts;
      if (n.answering) {
        spdlog::warn("sdo: battery {} (node {} on {}) is not answering SDO requests", n.battery, n.poller.node(),
                     n.iface);
      }
      n.answering = false;
      return;
    }
    if (ev.kind == Kind::Unexpected) return;
    if (!n.answering) spdlog::info("sdo: battery {} (node {}) answers again", n.battery, n.poller.node());
    n.answering = true;
    if (ev.kind == Kind::Abort) {
      ++n.aborts;
      return;
    }
    ++n.values;
    for (std::size_t i = 0; i < n.map->sdo_objects.size(); ++i) {
      if (n.map->sdo_objects[i].address == ev.object) {
        if (const auto v = canopen::sdo_value(n.map->sdo_objects[i], ev.response)) n.last_values[i] = *v;
      }
    }
  }

  FrameHandler& inner_;
  FrameSink& sink_;
  std::vector<SdoPolledNode>& nodes_;
};

SdoPollingSource::SdoPollingSource(std::unique_ptr<FrameSource> inner, FrameSink& sink,
                                   std::vector<SdoPolledNode> nodes)
    : inner_(std::move(inner)), sink_(sink), nodes_(std::move(nodes)) {}

SdoPollingSource::~SdoPollingSource() = default;

SourceResult SdoPollingSource::run(FrameHandler& handler, std::stop_token stop) {
  Tee tee(handler, sink_, nodes_);
  return inner_->run(tee, std::move(stop));
}

}  // namespace bms
