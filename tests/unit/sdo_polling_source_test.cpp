// SdoPollingSource on a scripted source: requests go out through the sink on ticks and as
// soon as an answer arrives, answers become values, silence becomes one timeout, and every
// frame and tick still reaches the pipeline's handler.
#include "io/sdo_polling_source.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <variant>
#include <vector>

#include "core/settings.hpp"
#include "protocols/canopen/sdo.hpp"

namespace bms {
namespace {

using canopen::ObjectAddress;

/// Replays a fixed list of frames and ticks, then ends.
class ScriptedSource final : public FrameSource {
 public:
  using Step = std::variant<CanFrame, std::int64_t>;  // a frame, or a tick at that time
  explicit ScriptedSource(std::vector<Step> steps) : steps_(std::move(steps)) {}
  SourceResult run(FrameHandler& handler, std::stop_token) override {
    for (const Step& s : steps_) {
      if (const auto* f = std::get_if<CanFrame>(&s))
        handler.on_frame(*f);
      else
        handler.on_tick(std::get<std::int64_t>(s));
    }
    return {};
  }

 private:
  std::vector<Step> steps_;
};

class RecordingSink final : public FrameSink {
 public:
  SendResult send(const CanFrame& frame) noexcept override {
    sent.push_back(frame);
    return result;
  }
  std::vector<CanFrame> sent;
  SendResult result = SendResult::Sent;
};

class CountingHandler final : public FrameHandler {
 public:
  void on_frame(const CanFrame&) override { ++frames; }
  void on_tick(std::int64_t) override { ++ticks; }
  int frames = 0, ticks = 0;
};

Settings two_object_battery() {
  auto map = std::make_shared<canopen::ObjectMap>();
  map->poll_interval_ms = 1000;
  map->sdo_timeout_ms = 100;
  map->sdo_objects.push_back({{0x6081, 0}, SignalId::SocPct, {8, false, 1.0, 1.0, 0.0}});
  map->sdo_objects.push_back({{0x6060, 0}, SignalId::VoltageV, {32, true, 1024.0, 1.0, 0.0}});
  Settings s;
  BatterySettings b;
  b.name = "S";
  b.interface = "can1";
  b.protocol = BatteryProtocol::Canopen;
  b.node_id = 5;
  b.canopen_map = map;
  s.batteries.push_back(b);
  return s;
}

CanFrame answer(ObjectAddress o, std::uint32_t value, std::uint8_t size, std::int64_t t) {
  CanFrame f = canopen::encode_upload_response(5, o, value, size);
  f.set_iface("can1");
  f.time_us = t;
  return f;
}

TEST(SdoPollingSource, PollsInOrderAndTurnsAnswersIntoValues) {
  RecordingSink sink;
  CountingHandler handler;
  const ObjectAddress soc{0x6081, 0}, volts{0x6060, 0};
  auto script = std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Step>{
      std::int64_t{0},                                        // tick: first request (SOC)
      answer(soc, 85, 1, 10'000),                             // answer: next request (voltage) at once
      answer(volts, 53760, 4, 20'000), std::int64_t{50'000},  // nothing due until the next cycle
      std::int64_t{1'000'000},                                // next cycle: SOC again
  });
  SdoPollingSource source(std::move(script), sink, sdo_polled_nodes_for(two_object_battery()));
  ASSERT_TRUE(source.run(handler, {}).ok);

  ASSERT_EQ(sink.sent.size(), 3U);
  ObjectAddress o;
  EXPECT_TRUE(canopen::parse_upload_request(sink.sent[0], 5, o));
  EXPECT_EQ(o, soc);
  EXPECT_TRUE(canopen::parse_upload_request(sink.sent[1], 5, o));
  EXPECT_EQ(o, volts);
  EXPECT_TRUE(canopen::parse_upload_request(sink.sent[2], 5, o));
  EXPECT_EQ(o, soc);
  EXPECT_EQ(sink.sent[0].iface_name(), "can1");
  EXPECT_EQ(sink.sent[1].time_us, 10'000);

  const SdoPolledNode& n = source.nodes().at(0);
  EXPECT_EQ(n.requests, 3U);
  EXPECT_EQ(n.values, 2U);
  EXPECT_EQ(n.timeouts, 0U);
  EXPECT_EQ(n.last_values[0], 85.0);
  EXPECT_EQ(n.last_values[1], 52.5);
  EXPECT_EQ(handler.frames, 2);
  EXPECT_EQ(handler.ticks, 3);
}

TEST(SdoPollingSource, SilenceIsOneTimeoutThenTheNextObject) {
  RecordingSink sink;
  CountingHandler handler;
  auto script = std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Step>{
      std::int64_t{0}, std::int64_t{50'000}, std::int64_t{100'000}, std::int64_t{150'000}});
  SdoPollingSource source(std::move(script), sink, sdo_polled_nodes_for(two_object_battery()));
  ASSERT_TRUE(source.run(handler, {}).ok);
  const SdoPolledNode& n = source.nodes().at(0);
  EXPECT_EQ(n.timeouts, 1U);  // SOC unanswered for 100 ms
  EXPECT_EQ(n.requests, 2U);  // then voltage, still waiting at 150 ms
  EXPECT_TRUE(std::isnan(n.last_values[0]));
  EXPECT_FALSE(n.answering);
}

TEST(SdoPollingSource, AnotherNodesOrInterfacesAnswerIsIgnored) {
  RecordingSink sink;
  CountingHandler handler;
  CanFrame other_iface = answer({0x6081, 0}, 99, 1, 10'000);
  other_iface.set_iface("can0");
  CanFrame other_node = canopen::encode_upload_response(6, {0x6081, 0}, 98, 1);
  other_node.set_iface("can1");
  other_node.time_us = 10'000;
  auto script =
      std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Step>{std::int64_t{0}, other_iface, other_node});
  SdoPollingSource source(std::move(script), sink, sdo_polled_nodes_for(two_object_battery()));
  ASSERT_TRUE(source.run(handler, {}).ok);
  const SdoPolledNode& n = source.nodes().at(0);
  EXPECT_EQ(n.values, 0U);
  EXPECT_EQ(n.requests, 1U);
  EXPECT_EQ(handler.frames, 2);  // still forwarded to the pipeline
}

TEST(SdoPollingSource, ARequestThatCannotGoOutIsCountedAndTimesOut) {
  RecordingSink sink;
  sink.result = SendResult::Failed;
  CountingHandler handler;
  auto script =
      std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Step>{std::int64_t{0}, std::int64_t{100'000}});
  SdoPollingSource source(std::move(script), sink, sdo_polled_nodes_for(two_object_battery()));
  ASSERT_TRUE(source.run(handler, {}).ok);
  const SdoPolledNode& n = source.nodes().at(0);
  EXPECT_EQ(n.send_failures, 2U);
  EXPECT_EQ(n.timeouts, 1U);
}

TEST(SdoPollingSource, PylontechBatteriesAndMapsWithoutPollListAreNotPolled) {
  Settings s = two_object_battery();
  auto no_polls = std::make_shared<canopen::ObjectMap>();
  s.batteries[0].canopen_map = no_polls;
  BatterySettings pylon;
  pylon.name = "P";
  pylon.interface = "can0";
  s.batteries.push_back(pylon);
  EXPECT_TRUE(sdo_polled_nodes_for(s).empty());
}

}  // namespace
}  // namespace bms
