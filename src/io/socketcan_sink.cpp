#include "io/socketcan_sink.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

namespace bms {

can_frame to_can_frame(const CanFrame& frame) noexcept {
  can_frame out{};
  if (frame.error) {
    out.can_id = (frame.id & CAN_ERR_MASK) | CAN_ERR_FLAG;
  } else if (frame.extended) {
    out.can_id = (frame.id & CAN_EFF_MASK) | CAN_EFF_FLAG;
  } else {
    out.can_id = frame.id & CAN_SFF_MASK;
  }
  if (frame.remote) out.can_id |= CAN_RTR_FLAG;
  out.len = std::min<std::uint8_t>(frame.dlc, CAN_MAX_DLEN);
  if (!frame.remote) std::memcpy(out.data, frame.data.data(), out.len);
  return out;
}

namespace {

class SocketCanSink final : public FrameSink {
 public:
  SocketCanSink(std::shared_ptr<SocketCanPorts> ports, std::string_view default_iface)
      : ports_(std::move(ports)), default_port_(ports_->find(default_iface)) {}

  SendResult send(const CanFrame& frame) noexcept override {
    const std::string_view name = frame.iface_name();
    const std::optional<std::size_t> port = name.empty() ? default_port_ : ports_->find(name);
    if (!port) return SendResult::Failed;
    return ports_->send(*port, to_can_frame(frame));
  }

 private:
  std::shared_ptr<SocketCanPorts> ports_;
  std::optional<std::size_t> default_port_;
};

}  // namespace

std::unique_ptr<FrameSink> make_socketcan_sink(std::shared_ptr<SocketCanPorts> ports, std::string_view default_iface) {
  return std::make_unique<SocketCanSink>(std::move(ports), default_iface);
}

}  // namespace bms
