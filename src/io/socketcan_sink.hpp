#pragma once
/// @file socketcan_sink.hpp
/// Live frame sink: sends through the same per-interface sockets the source reads, so our
/// own frames are never read back, and every transmit (inverter frame set, CANopen SDO
/// requests) goes one way.

#include <memory>
#include <string_view>

#include "io/frame_sink.hpp"
#include "io/socketcan_ports.hpp"

namespace bms {

/// A FrameSink over `ports`. A frame goes to the port named by CanFrame::iface, or to
/// `default_iface` when the frame names none. send() returns Failed for an interface that is
/// not one of the ports or is missing/down, Busy for back-pressure. Thread-safe.
[[nodiscard]] std::unique_ptr<FrameSink> make_socketcan_sink(std::shared_ptr<SocketCanPorts> ports,
                                                             std::string_view default_iface = {});

/// The kernel's struct can_frame for a CanFrame (flags in the id, dlc clamped to 8).
[[nodiscard]] can_frame to_can_frame(const CanFrame& frame) noexcept;

}  // namespace bms
