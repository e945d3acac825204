#pragma once
/// @file frame_sink.hpp
/// The one seam every transmitted frame goes through: a SocketCAN port, an emit log, or a
/// test fake. Sending is a value-returning, non-throwing call: it runs on the hot path.

#include "protocols/can_frame.hpp"

namespace bms {

enum class SendResult : unsigned char {
  Sent,
  Busy,    ///< back-pressure (ENOBUFS / queue full): frame dropped, counted by the caller
  Failed,  ///< the port is down or the write failed
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  /// Transmits one frame. The frame's time_us is the instant it is due (log time in replay).
  virtual SendResult send(const CanFrame& frame) noexcept = 0;
  virtual void flush() noexcept {}
};

}  // namespace bms
