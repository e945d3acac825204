#include "io/socketcan_link.hpp"

#include <libsocketcan.h>
#include <linux/can/netlink.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace bms {

namespace {

std::string errno_text(const char* what) {
  // libsocketcan reports -1; errno is set by the netlink layer when it knows more.
  return std::string(what) + (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string());
}

/// Only interfaces backed by a controller (a /sys/class/net/IF/device link: sun4i_can,
/// mcp251x, gs_usb...) have bit timing and a bus-off state. libsocketcan would print its
/// own complaints to stderr for virtual ones (vcan, vxcan), so they are not asked at all.
bool has_controller(const std::string& iface) {
  struct stat st {};
  return ::stat(("/sys/class/net/" + iface + "/device").c_str(), &st) == 0;
}

}  // namespace

LinkControlResult apply_bitrate(const std::string& iface, std::uint32_t bitrate_bps) {
  if (!has_controller(iface)) return {false, "virtual interface: no bit timing; bitrate left alone"};
  can_bittiming bt{};
  errno = 0;
  if (can_get_bittiming(iface.c_str(), &bt) != 0) {
    return {false, errno_text("no CAN bit timing on this interface (virtual CAN?); bitrate left alone")};
  }
  if (bt.bitrate == bitrate_bps) return {true, "bitrate already " + std::to_string(bitrate_bps)};
  errno = 0;
  if (can_do_stop(iface.c_str()) != 0) return {false, errno_text("cannot stop the interface to set its bitrate")};
  errno = 0;
  const bool set = can_set_bitrate(iface.c_str(), bitrate_bps) == 0;
  const std::string set_error = set ? std::string() : errno_text("setting the bitrate failed");
  // Bring the interface back up even when the bitrate was refused: a running bus at the
  // old rate beats a stopped one.
  errno = 0;
  if (can_do_start(iface.c_str()) != 0) return {false, errno_text("cannot start the interface again")};
  if (!set) return {false, set_error};
  return {true, "bitrate set from " + std::to_string(bt.bitrate) + " to " + std::to_string(bitrate_bps)};
}

LinkControlResult restart_after_bus_off(const std::string& iface) {
  if (!has_controller(iface)) return {false, "virtual interface: no controller to restart"};
  errno = 0;
  if (can_do_restart(iface.c_str()) != 0) return {false, errno_text("restart not supported or refused")};
  return {true, "controller restarted"};
}

}  // namespace bms
