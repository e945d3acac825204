#pragma once
/// @file frame_source.hpp
/// The one seam every received frame comes through: a candump log (replay), SocketCAN
/// ports, or a test fake. A source runs on the reader thread and hands frames and clock
/// ticks to a FrameHandler; it never decodes or aggregates.

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>

#include "protocols/can_frame.hpp"

namespace bms {

class FrameHandler {
 public:
  virtual ~FrameHandler() = default;
  /// One received frame, with its timestamp (log time or kernel time) in frame.time_us.
  virtual void on_frame(const CanFrame& frame) = 0;
  /// Time advanced to now_us with no frame (live sources tick so timers fire on quiet buses).
  virtual void on_tick(std::int64_t now_us) = 0;
  /// The input jumps forward to resume_us (a replay log whose time leaps by more than
  /// kGapUs): nothing is known of the time in between, so the periodic outputs are not
  /// replayed tick by tick through it. Called before the first frame after the jump.
  virtual void on_gap(std::int64_t resume_us) { (void)resume_us; }
  /// The source is about to wait (for the kernel, or for replay pacing): hand over what was
  /// delivered so far. Between flushes a handler may batch its wake-ups of the consumer.
  virtual void flush() {}
  /// A live burst ended: nothing more arrived within the source's flush delay, so every
  /// frame stamped up to `last_frame_us` has been delivered. A consumer acts on them now
  /// rather than at the next frame or tick (a block must not wait for the next tick).
  /// Default: flush().
  virtual void burst_complete(std::int64_t last_frame_us) {
    (void)last_frame_us;
    flush();
  }
};

/// A jump forward in a log's time larger than this is a gap (FrameHandler::on_gap).
inline constexpr std::int64_t kGapUs = 60'000'000;

struct SourceResult {
  bool ok = true;
  std::string error;             ///< what went wrong when !ok ("FILE:LINE: ..." for logs)
  std::int64_t end_time_us = 0;  ///< time of the last frame or tick
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  /// Delivers frames until the input ends (replay) or stop is requested (live).
  virtual SourceResult run(FrameHandler& handler, std::stop_token stop) = 0;
  /// This source's time for an instant of CLOCK_MONOTONIC (microseconds), so readings of
  /// other producers (D-Bus batteries) share its time line. nullopt: no mapping (yet); such
  /// readings are then taken at the aggregator's current time. Any thread.
  /// The engine's next timer on this source's time line, told by the aggregator thread before
  /// it sleeps, so a source that ticks only when needed can. Default: ignored (the source
  /// ticks on its own cadence).
  virtual void set_next_deadline(std::int64_t time_us) { (void)time_us; }
  [[nodiscard]] virtual std::optional<std::int64_t> time_from_monotonic(std::int64_t monotonic_us) const noexcept {
    (void)monotonic_us;
    return std::nullopt;
  }
};

}  // namespace bms
