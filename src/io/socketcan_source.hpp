#pragma once
/// @file socketcan_source.hpp
/// Live frame source: every SocketCAN port in one epoll loop on the reader thread, with a
/// timerfd for periodic ticks and link checks, and an eventfd to wake it for stop.

#include <cstdint>
#include <memory>

#include "io/frame_source.hpp"
#include "io/socketcan_ports.hpp"

namespace bms {

/// Which clock frame and tick times are given in.
enum class TimeBase : unsigned char {
  /// CLOCK_MONOTONIC: kernel receive timestamps are shifted onto it. Wall-clock steps (a GX
  /// setting its clock from NTP/GPS after boot) then never make batteries look stale.
  Monotonic,
  /// CLOCK_REALTIME, as candump prints it (microseconds since the epoch).
  Realtime,
};

struct SocketCanSourceOptions {
  std::int64_t tick_interval_us = 50'000;           ///< on_tick cadence (timers, staleness)
  std::int64_t link_check_interval_us = 1'000'000;  ///< missing/down interfaces re-checked
  std::int64_t restart_interval_us = 1'000'000;     ///< at most one bus-off restart per port per interval
  TimeBase time_base = TimeBase::Monotonic;
  /// Hand error frames (CanFrame::error) to the handler too. Off: the source counts and
  /// logs them itself, and decoders never see an error class where they expect an id.
  bool deliver_error_frames = false;
  /// How long delivered frames may wait for more before the burst is complete (the
  /// consumer woken and the frames' instant settled), in ms; 0 = before every wait. 0 by
  /// default: a protective change (a BMS blocking charge) must reach the inverter within a
  /// few milliseconds, and the frames that arrive while the reader works are batched anyway
  /// (one epoll round reads up to 32 per system call); a quiet bus costs one wake per frame.
  int flush_delay_ms = 0;
};

/// A FrameSource over `ports`. run() returns ok when stop is requested; !ok only when the
/// loop itself cannot be set up (epoll/timerfd/eventfd creation failed). Missing, down or
/// vanished interfaces never end it. The source keeps `ports` alive.
[[nodiscard]] std::unique_ptr<FrameSource> make_socketcan_source(std::shared_ptr<SocketCanPorts> ports,
                                                                 SocketCanSourceOptions options = {});

}  // namespace bms
