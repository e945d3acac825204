#include "app/pipeline.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace bms {
namespace {

/// A source that delivers a fixed list of frames, optionally waiting for stop afterwards.
class ListSource final : public FrameSource {
 public:
  ListSource(std::vector<CanFrame> frames, bool wait_for_stop) : frames_(std::move(frames)), wait_(wait_for_stop) {}
  SourceResult run(FrameHandler& handler, std::stop_token stop) override {
    SourceResult r;
    for (const auto& f : frames_) {
      handler.on_frame(f);
      r.end_time_us = f.time_us;
    }
    delivered = true;
    while (wait_ && !stop.stop_requested()) {
      handler.on_tick(r.end_time_us);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return r;
  }
  std::atomic<bool> delivered{false};

 private:
  std::vector<CanFrame> frames_;
  bool wait_;
};

struct LastSnapshot final : SnapshotPublisher {
  Snapshot last;
  int count = 0;
  void publish(const Snapshot& s, PublishReason) override {
    last = s;
    ++count;
  }
};

CanFrame make(std::int64_t t, const char* iface, std::uint32_t id, std::initializer_list<std::uint8_t> bytes) {
  CanFrame f;
  f.time_us = t;
  f.id = id;
  f.set_iface(iface);
  for (std::uint8_t b : bytes) f.data[f.dlc++] = b;
  return f;
}

Settings two_pylontech() {
  Settings s;
  s.charge.max_charge_voltage = 56.0;
  s.charge.battery_low_voltage = 46.0;
  for (int i = 0; i < 2; ++i) {
    BatterySettings b;
    b.name = i == 0 ? "A" : "B";
    b.interface = i == 0 ? "can0" : "can1";
    b.capacity_ah = 100;
    s.batteries.push_back(b);
  }
  return s;
}

/// Many seconds of both batteries' frame sets, 6 frames each per second.
std::vector<CanFrame> many_frames(int seconds) {
  std::vector<CanFrame> frames;
  for (int k = 0; k < seconds; ++k) {
    for (int b = 0; b < 2; ++b) {
      const char* iface = b == 0 ? "can0" : "can1";
      const std::int64_t t = 1'000'000LL * k + b * 1000;
      const auto soc = static_cast<std::uint8_t>(b == 0 ? 80 : 70);
      frames.push_back(make(t, iface, 0x351, {0x14, 0x02, 0x50, 0x02, 0xC8, 0x05}));  // 53.2 V, 59.2 A, 148 A
      frames.push_back(make(t + 1, iface, 0x355, {soc, 0, 99, 0}));
      frames.push_back(make(t + 2, iface, 0x356, {0x77, 0x13, 0xA9, 0xFE, 0x0B, 0x01}));
      frames.push_back(make(t + 3, iface, 0x359, {0, 0, 0, 0, 4, 'P', 'N'}));
      frames.push_back(make(t + 4, iface, 0x35C, {0xC0, 0}));
      frames.push_back(make(t + 5, "can7", 0x123, {1, 2}));  // a foreign interface
    }
  }
  return frames;
}

TEST(Pipeline, ReplaysThroughBothThreadsToTheFinalAggregate) {
  const Settings settings = two_pylontech();
  Engine engine(settings);
  LastSnapshot out;
  engine.add_publisher(out, 1'000'000, 200'000);
  Pipeline pipeline(settings, engine, 64);  // a small ring: the reader must wait often
  ListSource source(many_frames(2000), false);
  const PipelineResult r = pipeline.run(source, std::stop_token{});
  EXPECT_TRUE(r.source.ok);
  EXPECT_EQ(r.router.frames, 2000U * 12U);
  EXPECT_EQ(r.router.decoded, 2000U * 10U);
  EXPECT_EQ(r.router.unknown_source, 2000U * 2U);
  ASSERT_TRUE(out.last.soc_pct);
  EXPECT_DOUBLE_EQ(*out.last.soc_pct, 75.0);
  EXPECT_DOUBLE_EQ(out.last.charge_current_limit_a, 118.4);     // 2 x 59.2 A
  EXPECT_DOUBLE_EQ(out.last.discharge_current_limit_a, 150.0);  // 2 x 148 capped at the configured 150
  EXPECT_DOUBLE_EQ(out.last.charge_voltage_limit_v, 53.2);
  EXPECT_DOUBLE_EQ(*out.last.voltage_v, 49.83);
  EXPECT_DOUBLE_EQ(*out.last.current_a, -68.6);
  EXPECT_EQ(out.last.batteries_online, 2);
  EXPECT_EQ(out.count, 2000 + 1);  // one per second of log time plus the final state
}

TEST(Pipeline, StopEndsALiveSourceAndStillPublishesTheFinalState) {
  const Settings settings = two_pylontech();
  Engine engine(settings);
  LastSnapshot out;
  engine.add_publisher(out, 1'000'000, 200'000);
  Pipeline pipeline(settings, engine);
  ListSource source(many_frames(3), true);
  std::stop_source stop;
  std::thread stopper([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!source.delivered && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    stop.request_stop();
  });
  const PipelineResult r = pipeline.run(source, stop.get_token());
  stopper.join();
  EXPECT_TRUE(source.delivered);
  EXPECT_EQ(r.router.decoded, 3U * 10U);
  ASSERT_TRUE(out.last.soc_pct);
  EXPECT_DOUBLE_EQ(*out.last.soc_pct, 75.0);
}

}  // namespace
}  // namespace bms
