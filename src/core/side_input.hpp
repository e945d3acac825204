#pragma once
/// @file side_input.hpp
/// A second producer of readings beside the frame source: the D-Bus bus thread. The reader
/// ring is single-producer, so this producer gets a ring of its own; the aggregator thread
/// drains both (Pipeline) in time order. The producer never blocks: when the ring is full a
/// reading is dropped and counted (the next change or liveness refresh carries the state).
///
/// Readings pushed here carry CLOCK_MONOTONIC microseconds of their receipt; the pipeline
/// moves them onto the frame source's time line (identity for SocketCAN, the paced log time
/// for a replay).

#include <atomic>
#include <cstdint>

#include "core/doorbell.hpp"
#include "core/reading.hpp"
#include "core/spsc_ring.hpp"

namespace bms {

class SideInput {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;
  explicit SideInput(std::size_t capacity = kDefaultCapacity) : ring_(capacity) {}

  /// Producer: one reading. @return false when the ring was full (the reading is dropped).
  bool push(const Reading& r) noexcept {
    if (ring_.try_push(r)) return true;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  /// Producer: wake the aggregator for what was pushed (one wake per batch).
  void flush() noexcept {
    if (Doorbell* bell = bell_.load(std::memory_order_acquire)) bell->ring();
  }

  /// Consumer side (the pipeline).
  [[nodiscard]] bool try_pop(Reading& out) noexcept { return ring_.try_pop(out); }
  /// The pipeline's doorbell while it runs (null otherwise): producers ring it.
  void connect(Doorbell* bell) noexcept { bell_.store(bell, std::memory_order_release); }

  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  SpscRing<Reading> ring_;
  std::atomic<Doorbell*> bell_{nullptr};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace bms
