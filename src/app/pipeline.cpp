#include "app/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace bms {

/// The reader-thread side: FrameHandler that decodes into the ring.
class Pipeline::Producer final : public FrameHandler {
 public:
  explicit Producer(Pipeline& p) : p_(p) {}

  void on_frame(const CanFrame& frame) override {
    p_.router_.route(frame, [this](const Reading& r) { push(r); });
    // Wake the aggregator once per batch, not per frame: a futex wake per frame costs more
    // than decoding it. Sources flush() before they wait, so nothing is left waiting.
    if (++unannounced_ >= kFramesPerWake) flush();
  }
  void on_tick(std::int64_t now_us) override {
    Reading r;
    r.time_us = now_us;
    r.kind = ReadingKind::Tick;
    push(r);
    flush();
  }
  void on_gap(std::int64_t resume_us) override {
    Reading r;
    r.time_us = resume_us;
    r.kind = ReadingKind::Gap;
    push(r);
  }
  void burst_complete(std::int64_t last_frame_us) override {
    // A tick at the last frame's own time: the engine settles the readings of that instant
    // (publishing a protective change at once) without waiting for a later reading.
    on_tick(last_frame_us);
  }
  void flush() override {
    unannounced_ = 0;
    p_.doorbell_.ring();
  }
  void push(const Reading& r) {
    ++pushed_;
    while (!p_.ring_.try_push(r)) {
      // The aggregator drains until EndOfInput, so this wait always ends.
      ++full_waits_;
      p_.doorbell_.ring();
      std::this_thread::yield();
    }
  }
  static constexpr unsigned kFramesPerWake = 64;
  std::uint64_t pushed_ = 0;
  std::uint64_t full_waits_ = 0;
  unsigned unannounced_ = 0;

 private:
  Pipeline& p_;
};

Pipeline::Pipeline(const Settings& settings, Engine& engine, std::size_t ring_capacity)
    : engine_(engine), router_(settings), ring_(ring_capacity) {}

PipelineResult Pipeline::run(FrameSource& source, std::stop_token stop) {
  PipelineResult result;
  std::stop_source reader_stop;
  // A stop from outside stops the reader too, and wakes the aggregator if it sleeps.
  std::stop_callback forward(stop, [&] {
    reader_stop.request_stop();
    doorbell_.ring();
  });
  Producer producer(*this);

  std::jthread reader([&] {
    result.source = source.run(producer, reader_stop.get_token());
    Reading end;
    end.time_us = result.source.end_time_us;
    end.kind = ReadingKind::EndOfInput;
    producer.push(end);
    producer.flush();
  });

  if (side_ != nullptr) side_->connect(&doorbell_);
  // The next reading of each producer, held until it is the earliest. Side readings wait
  // until the frame source delivered its first reading: that fixes the time line (a replay's
  // first log time) they are moved onto.
  Reading primary;
  Reading side;
  bool have_primary = false;
  bool have_side = false;
  bool primary_started = false;
  std::int64_t last_time = 0;
  const auto take_side = [&] {
    if (have_side || side_ == nullptr || !(primary_started || have_primary)) return;
    if (!side_->try_pop(side)) return;
    have_side = true;
    const std::optional<std::int64_t> t = source.time_from_monotonic(side.time_us);
    const std::int64_t now = primary_started ? last_time : primary.time_us;
    // Never earlier than what the engine has seen: its clock does not run backwards.
    side.time_us = t ? std::max(*t, now) : now;
  };
  const auto take = [&] {
    if (!have_primary) have_primary = ring_.try_pop(primary);
    take_side();
    return have_primary || have_side;
  };

  Reading r;
  std::uint64_t seen_generation = settings_generation_ != nullptr ? settings_generation_->load() : 0;
  for (;;) {
    if (!take()) {
      // Idle: tell the source when the engine needs time next (a TimerSource ticks only then).
      source.set_next_deadline(engine_.next_due_us());
      const std::uint32_t ticket = doorbell_.prepare_wait();
      if (!take()) {
        doorbell_.wait(ticket);
        continue;
      }
      doorbell_.cancel_wait();
    }
    // Earliest first; at a tie the frame source's reading, except its EndOfInput, which
    // comes after everything of its time.
    const bool use_side = have_side && (!have_primary || side.time_us < primary.time_us ||
                                        (side.time_us == primary.time_us && primary.kind == ReadingKind::EndOfInput));
    if (use_side) {
      r = side;
      have_side = false;
      ++result.side_readings;
    } else {
      r = primary;
      have_primary = false;
      primary_started = true;
    }
    last_time = std::max(last_time, r.time_us);
    ++result.readings;
    if (settings_generation_ != nullptr && settings_generation_->load(std::memory_order_relaxed) != seen_generation) {
      seen_generation = settings_generation_->load();
      engine_.apply_policy(fetch_settings_());
      spdlog::info("reload: charge policy in force from time {}.{:06}", r.time_us / 1'000'000, r.time_us % 1'000'000);
    }
    engine_.on_reading(r);
    // Single writer: a plain load/store, no locked read-modify-write on the hot path.
    if (heartbeat_ != nullptr)
      heartbeat_->store(heartbeat_->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    // The reader always ends with EndOfInput, also when stopped, so this is the only exit.
    if (r.kind == ReadingKind::EndOfInput) break;
  }
  if (side_ != nullptr) side_->connect(nullptr);
  reader.join();
  result.router = router_.counters();
  result.ring_full_waits = producer.full_waits_;
  return result;
}

}  // namespace bms
