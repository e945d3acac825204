#include "core/frame_router.hpp"

#include <cstring>

namespace bms {

FrameRouter::FrameRouter(const Settings& settings) {
  for (const auto& b : settings.batteries) {
    Route r;
    // A D-Bus battery keeps its source index but no interface: no frame is ever routed to it.
    if (b.protocol != BatteryProtocol::Dbus) r.interface = b.interface;
    r.pylon.voltage_scale_v = b.voltage_scale;
    if (b.protocol == BatteryProtocol::Canopen && b.canopen_map) {
      maps_.push_back(b.canopen_map);
      r.canopen_map = b.canopen_map.get();
      r.node = static_cast<std::uint8_t>(b.node_id);
    }
    routes_.push_back(std::move(r));
  }
  if (settings.output.enabled) inverter_interface_ = settings.output.interface;
}

int FrameRouter::find_source(const CanFrame& frame) noexcept {
  // Consecutive frames mostly share an interface: the same 16 name bytes as the last frame
  // take the answer found for it, compared as two words (no strlen, no string compare). Equal
  // names with other bytes after the NUL are looked up again, which gives the same answer.
  static_assert(sizeof(frame.iface) == 2 * sizeof(std::uint64_t));
  std::uint64_t now_name[2];
  std::uint64_t last_name[2];
  std::memcpy(now_name, frame.iface.data(), sizeof now_name);
  std::memcpy(last_name, last_iface_.data(), sizeof last_name);
  if (now_name[0] != last_name[0] || now_name[1] != last_name[1]) {
    last_iface_ = frame.iface;
    const std::string_view iface = frame.iface_name();
    last_source_ = -1;
    last_is_canopen_ = false;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      if (routes_[i].interface != iface) continue;
      // The configuration allows one protocol per interface: the first battery says which.
      last_is_canopen_ = routes_[i].canopen_map != nullptr;
      last_source_ = last_is_canopen_ ? -1 : static_cast<int>(i);
      break;
    }
    if (last_source_ < 0 && !last_is_canopen_ && !inverter_interface_.empty() && iface == inverter_interface_) {
      last_source_ = kInverterIndex;
    }
  }
  if (!last_is_canopen_) return last_source_;
  const std::string_view iface = frame.iface_name();
  // CANopen: a TPDO a map places at an absolute COB-ID belongs to that map's battery.
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    if (r.canopen_map == nullptr || r.interface != iface) continue;
    for (const auto& pdo : r.canopen_map->pdos) {
      if (pdo.pdo_number == 0 && pdo.cob_id == frame.id) return static_cast<int>(i);
    }
  }
  // Otherwise several nodes share the interface; the COB-ID says which node sent it.
  const std::uint8_t node = canopen::classify_cob_id(frame.id).node;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].canopen_map != nullptr && routes_[i].node == node && routes_[i].interface == iface) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace bms
