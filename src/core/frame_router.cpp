#include "core/frame_router.hpp"

namespace bms {

FrameRouter::FrameRouter(const Settings& settings) {
  for (const auto& b : settings.batteries) {
    interfaces_.push_back(b.interface);
    pylon::DecodeOptions o;
    o.voltage_scale_v = b.voltage_scale;
    options_.push_back(o);
  }
  if (settings.output.enabled) inverter_interface_ = settings.output.interface;
}

int FrameRouter::find_source(const CanFrame& frame) noexcept {
  const std::string_view iface = frame.iface_name();
  if (iface != last_iface_) {
    last_iface_.assign(iface);
    last_source_ = -1;
    for (std::size_t i = 0; i < interfaces_.size(); ++i) {
      if (interfaces_[i] == iface) {
        last_source_ = static_cast<int>(i);
        break;
      }
    }
    if (last_source_ < 0 && !inverter_interface_.empty() && iface == inverter_interface_) last_source_ = kInverterIndex;
  }
  return last_source_;
}

}  // namespace bms
