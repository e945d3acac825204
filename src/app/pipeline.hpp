#pragma once
/// @file pipeline.hpp
/// The two-thread pipeline: a reader thread runs a FrameSource, routes and decodes every
/// frame into Readings and pushes them into a lock-free SPSC ring; the calling thread is the
/// aggregator thread, draining the ring into the Engine, which publishes to the outputs.

#include <atomic>
#include <cstdint>
#include <functional>
#include <stop_token>

#include "core/doorbell.hpp"
#include "core/engine.hpp"
#include "core/frame_router.hpp"
#include "core/reading.hpp"
#include "core/side_input.hpp"
#include "core/spsc_ring.hpp"
#include "io/frame_source.hpp"

namespace bms {

struct PipelineResult {
  SourceResult source;
  RouterCounters router;
  std::uint64_t readings = 0;
  std::uint64_t ring_full_waits = 0;  ///< times the reader found the ring full and waited
  std::uint64_t side_readings = 0;    ///< readings taken from the side input (D-Bus batteries)
};

class Pipeline {
 public:
  /// 4096 slots of 32 bytes (128 KB): the ring keeps one slot free, so 2^12 - 1 usable
  /// (asking for 2^12 would double it to 8192 slots).
  static constexpr std::size_t kDefaultRingCapacity = (1 << 12) - 1;

  Pipeline(const Settings& settings, Engine& engine, std::size_t ring_capacity = kDefaultRingCapacity);

  /// Runs until the source ends (then the engine gets EndOfInput and publishes the final
  /// state) or `stop` is requested. Blocks the calling thread, which becomes the aggregator.
  PipelineResult run(FrameSource& source, const std::stop_token& stop);

  /// A counter the aggregator loop bumps (relaxed) per reading, for the service watchdog.
  /// Not owned; null (the default) disables it. Set before run().
  void set_heartbeat(std::atomic<std::uint64_t>* heartbeat) noexcept { heartbeat_ = heartbeat; }
  /// A second producer (the D-Bus battery sources' bus thread), drained beside the frame
  /// source in time order. Not owned; set before run().
  void set_side_input(SideInput* side) noexcept { side_ = side; }
  /// Reloaded settings: when `generation` moves, the aggregator thread fetches the settings
  /// and hands the charge policy ([charge], [imbalance]) to the engine.
  void set_settings_source(const std::atomic<std::uint64_t>* generation, std::function<Settings()> fetch) {
    settings_generation_ = generation;
    fetch_settings_ = std::move(fetch);
  }

 private:
  class Producer;
  Engine& engine_;
  FrameRouter router_;
  SpscRing<Reading> ring_;
  Doorbell doorbell_;  ///< rung by the reader: readings are waiting
  Doorbell space_;     ///< rung by the aggregator: the ring has room again
  /// How many readings the aggregator takes between rings of `space_`: half the ring, so a
  /// waiting reader wakes to a batch of room, not to one slot (each wake is a futex call).
  std::uint32_t space_batch_;
  /// Readings the aggregator takes from the ring in one go (then the slots are freed).
  static constexpr std::size_t kConsumeBatch = 256;
  SideInput* side_ = nullptr;
  std::atomic<std::uint64_t>* heartbeat_ = nullptr;
  const std::atomic<std::uint64_t>* settings_generation_ = nullptr;
  std::function<Settings()> fetch_settings_;
};

}  // namespace bms
