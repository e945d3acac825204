// sdo_responder: a simulated CANopen battery's SDO server for the vm tests. It answers
// expedited upload requests to its node from a fixed object list, aborts the rest with
// 0x06020000 (object does not exist), and prints "REQ IIII:SS" per request (stdout, line
// buffered) so a scenario can check what was polled, in which order.
//
//   sdo_responder --iface IF --node N [--object IIII:SS=VALUE:SIZE]... [--mute-after-ms T] [--run-ms T]
//
// --mute-after-ms: stop answering after T ms (the gateway must time out and say so).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "io/socketcan_ports.hpp"
#include "io/socketcan_sink.hpp"
#include "io/socketcan_source.hpp"
#include "protocols/canopen/sdo.hpp"

namespace {

using namespace bms;

struct Answer {
  std::uint32_t value = 0;
  std::uint8_t size = 4;
};

class Responder final : public FrameHandler {
 public:
  Responder(FrameSink& sink, std::string iface, std::uint8_t node, std::map<std::uint32_t, Answer> objects,
            std::int64_t mute_after_us)
      : sink_(sink),
        iface_(std::move(iface)),
        node_(node),
        objects_(std::move(objects)),
        mute_after_us_(mute_after_us) {}

  void on_frame(const CanFrame& frame) override {
    canopen::ObjectAddress object;
    if (!canopen::parse_upload_request(frame, node_, object)) return;
    if (first_us_ == 0) first_us_ = frame.time_us;
    std::printf("REQ %04X:%02X\n", object.index, object.subindex);
    if (mute_after_us_ > 0 && frame.time_us - first_us_ >= mute_after_us_) return;
    const auto it = objects_.find(std::uint32_t{object.index} << 8 | object.subindex);
    CanFrame reply = it == objects_.end()
                         ? canopen::encode_abort(node_, object, 0x06020000)
                         : canopen::encode_upload_response(node_, object, it->second.value, it->second.size);
    reply.set_iface(iface_);
    if (sink_.send(reply) != SendResult::Sent) std::printf("SEND FAILED\n");
  }
  void on_tick(std::int64_t) override {}

 private:
  FrameSink& sink_;
  std::string iface_;
  std::uint8_t node_;
  std::map<std::uint32_t, Answer> objects_;
  std::int64_t mute_after_us_;
  std::int64_t first_us_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_default_logger(spdlog::stderr_color_mt("responder"));  // stdout is for REQ lines
  spdlog::flush_on(spdlog::level::info);
  std::string iface;
  int node = 0;
  std::int64_t mute_after_ms = 0, run_ms = 30'000;
  std::map<std::uint32_t, Answer> objects;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--iface")
      iface = v;
    else if (a == "--node")
      node = std::atoi(v.c_str());
    else if (a == "--mute-after-ms")
      mute_after_ms = std::atoll(v.c_str());
    else if (a == "--run-ms")
      run_ms = std::atoll(v.c_str());
    else if (a == "--object") {
      // IIII:SS=VALUE:SIZE, VALUE decimal (may be negative: two's complement in SIZE bytes)
      const std::uint32_t index = static_cast<std::uint32_t>(std::stoul(v.substr(0, 4), nullptr, 16));
      const std::uint32_t sub = static_cast<std::uint32_t>(std::stoul(v.substr(5, 2), nullptr, 16));
      const std::size_t colon = v.rfind(':');
      const long long value = std::stoll(v.substr(8, colon - 8));
      objects[index << 8 | sub] = {static_cast<std::uint32_t>(value),
                                   static_cast<std::uint8_t>(std::stoi(v.substr(colon + 1)))};
    } else {
      std::fprintf(stderr, "sdo_responder: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (iface.empty() || node < 1 || node > 127) {
    std::fprintf(stderr, "sdo_responder: --iface and --node 1..127 are required\n");
    return 2;
  }
  const std::uint32_t request_id = canopen::kSdoRequestBase + static_cast<std::uint32_t>(node);
  const std::vector<CanIdRange> ranges{{request_id, request_id, false}};
  auto ports = SocketCanPorts::open({{iface, filters_for_ranges(ranges), 0}});
  auto source = make_socketcan_source(ports);
  auto sink = make_socketcan_sink(ports, iface);
  Responder responder(*sink, iface, static_cast<std::uint8_t>(node), std::move(objects), mute_after_ms * 1000);
  std::stop_source stop;
  std::jthread deadline([&](std::stop_token own) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
    while (!own.stop_requested() && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop.request_stop();
  });
  const SourceResult r = source->run(responder, stop.get_token());
  return r.ok ? 0 : 1;
}
