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
    while (!p_.ring_.try_push(r)) {
      // Full: sleep until the aggregator has drained half the ring (it rings
      // `space_` every space_batch_ readings and before it idles). Spinning here cost a
      // third of the replay's CPU in sched_yield. The aggregator drains until EndOfInput,
      // so this wait always ends.
      ++full_waits_;
      p_.doorbell_.ring();
      const std::uint32_t ticket = p_.space_.prepare_wait();
      if (p_.ring_.try_push(r)) {
        p_.space_.cancel_wait();
        return;
      }
      p_.space_.wait(ticket);
    }
  }
  static constexpr unsigned kFramesPerWake = 64;
  std::uint64_t full_waits_ = 0;
  unsigned unannounced_ = 0;

 private:
  Pipeline& p_;
};

Pipeline::Pipeline(const Settings& settings, Engine& engine, std::size_t ring_capacity)
    : engine_(engine),
      router_(settings),
      ring_(ring_capacity),
      space_batch_(static_cast<std::uint32_t>(std::max<std::size_t>(1, ring_.capacity() / 2))) {}

PipelineResult Pipeline::run(FrameSource& source, const std::stop_token& stop) {
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
  // Side readings (D-Bus batteries) wait until the frame source delivered its first reading:
  // that fixes the time line (a replay's first log time) they are moved onto. Then both go
  // to the engine earliest first; at a tie the frame source's reading first, except its
  // EndOfInput, which comes after everything of its time.
  Reading side;
  bool have_side = false;
  bool primary_started = false;
  bool ended = false;
  std::int64_t last_time = 0;
  std::uint64_t seen_generation = settings_generation_ != nullptr ? settings_generation_->load() : 0;
  const auto fetch_side = [&](std::int64_t now) {
    if (have_side) return true;
    if (side_ == nullptr || !side_->try_pop(side)) return false;
    have_side = true;
    const std::optional<std::int64_t> t = source.time_from_monotonic(side.time_us);
    // Never earlier than what the engine has seen: its clock does not run backwards.
    side.time_us = t ? std::max(*t, now) : now;
    return true;
  };
  const auto deliver = [&](const Reading& r) {
    last_time = std::max(last_time, r.time_us);
    ++result.readings;
    engine_.on_reading(r);
  };
  // Once per batch, not per reading: a reload takes effect before the next batch, and the
  // watchdog's heartbeat moves with every batch (single writer: a plain load/store).
  const auto between_batches = [&](std::size_t delivered) {
    if (heartbeat_ != nullptr && delivered > 0) {
      heartbeat_->store(heartbeat_->load(std::memory_order_relaxed) + delivered, std::memory_order_relaxed);
    }
    if (settings_generation_ != nullptr && settings_generation_->load(std::memory_order_relaxed) != seen_generation) {
      seen_generation = settings_generation_->load();
      engine_.apply_policy(fetch_settings_());
      spdlog::info("reload: charge policy in force from time {}.{:06}", last_time / 1'000'000, last_time % 1'000'000);
    }
  };
  const auto deliver_side = [&] {
    have_side = false;
    ++result.side_readings;
    deliver(side);
  };
  const auto deliver_alone = [&](const Reading& p) {
    primary_started = true;
    deliver(p);
    // The reader always ends with EndOfInput, also when stopped, so this is the only exit.
    if (p.kind == ReadingKind::EndOfInput) ended = true;
  };
  const auto deliver_merged = [&](const Reading& p) {
    while (fetch_side(primary_started ? last_time : p.time_us) &&
           (side.time_us < p.time_us || (side.time_us == p.time_us && p.kind == ReadingKind::EndOfInput))) {
      deliver_side();
    }
    deliver_alone(p);
  };

  std::uint32_t since_space = 0;
  while (!ended) {
    // Readings are taken in batches, in place: one ring index update per batch.
    const std::uint64_t before = result.readings;
    // Without a side input there is nothing to merge: each reading goes straight on.
    const std::size_t n =
        side_ == nullptr ? ring_.consume(kConsumeBatch, deliver_alone) : ring_.consume(kConsumeBatch, deliver_merged);
    between_batches(result.readings - before);
    if (n > 0) {
      // A reader waiting for room sleeps until a batch is free, not per slot.
      if ((since_space += static_cast<std::uint32_t>(n)) >= space_batch_) {
        since_space = 0;
        space_.ring();
      }
      continue;
    }
    if (primary_started && fetch_side(last_time)) {  // no frame waiting: the side's readings go now
      deliver_side();
      between_batches(1);
      continue;
    }
    // Idle: tell the source when the engine needs time next (a TimerSource ticks only then).
    source.set_next_deadline(engine_.next_due_us());
    space_.ring();  // the ring is empty: a reader waiting for room must not wait on
    const std::uint32_t ticket = doorbell_.prepare_wait();
    if (!ring_.empty() || (primary_started && fetch_side(last_time))) {
      doorbell_.cancel_wait();
      continue;
    }
    doorbell_.wait(ticket);
  }
  if (side_ != nullptr) side_->connect(nullptr);
  reader.join();
  result.router = router_.counters();
  result.ring_full_waits = producer.full_waits_;
  return result;
}

}  // namespace bms
