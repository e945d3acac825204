// socketcan_probe: drives the SocketCAN source and sink inside the VM, for the vm tests and
// tools/bench-vm. It prints what the source delivered (one "IFACE ID#DATA" line per frame,
// without the timestamp so a scenario can diff it), then one STATS line per port.
//
//   socketcan_probe --port IFACE=SPEC[+SPEC...] ... [--count N] [--timeout-ms T]
//                   [--stall-ms S] [--send IFACE:ID#DATA]... [--ready FILE] [--quiet]
//                   [--until "IFACE ID#DATA"] [--reading FILE] [--burst N]
//
// SPEC: pylon | canopen:NODE | inverter | all | none. --count: stop after N data frames;
// --timeout-ms: stop then anyway (exit 1 if --count or --until was not reached). --stall-ms: open the
// ports, touch --ready, and only start reading after S ms (to overflow the socket queue).
// --send: sent through the sink once the source runs (--burst N: each N times, back to
// back, then one BURST line: sent/busy/failed counts and the slowest send in us). --quiet: count only (benchmarks).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "io/candump_format.hpp"
#include "io/socketcan_ports.hpp"
#include "io/socketcan_sink.hpp"
#include "io/socketcan_source.hpp"

namespace {

using namespace bms;

std::int64_t mono_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::vector<CanIdRange> ranges_for(const std::string& spec) {
  std::vector<CanIdRange> out;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t end = std::min(spec.find('+', start), spec.size());
    const std::string one = spec.substr(start, end - start);
    start = end + 1;
    if (one == "none") continue;
    if (one == "all") {
      out.push_back({0, 0x7FF, false});
      out.push_back({0, 0x1FFFFFFF, true});
    } else if (one == "inverter") {
      const auto r = inverter_link_id_ranges();
      out.insert(out.end(), r.begin(), r.end());
    } else {
      BatterySettings b;
      if (one.rfind("canopen:", 0) == 0) {
        b.protocol = BatteryProtocol::Canopen;
        b.node_id = std::atoi(one.c_str() + 8);
      } else if (one != "pylon") {
        std::fprintf(stderr, "socketcan_probe: unknown port spec %s\n", one.c_str());
        std::exit(2);
      }
      const auto r = battery_id_ranges(b);
      out.insert(out.end(), r.begin(), r.end());
    }
  }
  return out;
}

class Recorder final : public FrameHandler {
 public:
  Recorder(std::int64_t count, bool quiet, std::stop_source& stop) : count_(count), quiet_(quiet), stop_(stop) {
    if (!quiet_) frames_.reserve(1 << 16);
  }
  void on_frame(const CanFrame& frame) override {
    if (!until_.empty()) {
      const std::string line = format_candump_log_line(frame);
      if (line.substr(line.find(' ') + 1) == until_) stop_.request_stop();
    }
    if (frame.time_us < last_time_us_) time_order_ok_ = false;
    last_time_us_ = frame.time_us;
    if (first_us_ == 0) first_us_ = mono_us();
    if (!quiet_) frames_.push_back(frame);
    if (!frame.error && ++data_frames_ == count_) {
      last_us_ = mono_us();
      stop_.request_stop();
    }
  }
  void on_tick(std::int64_t now_us) override {
    ++ticks_;
    last_tick_us_ = now_us;
  }
  std::int64_t count_;
  std::string until_;  ///< "IFACE ID#DATA": stop once this frame arrives
  bool quiet_;
  std::stop_source& stop_;
  std::vector<CanFrame> frames_;
  std::int64_t data_frames_ = 0, ticks_ = 0, last_time_us_ = 0, last_tick_us_ = 0, first_us_ = 0, last_us_ = 0;
  bool time_order_ok_ = true;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<CanPortSpec> specs;
  std::vector<std::string> sends;
  std::int64_t count = -1, timeout_ms = 10'000, stall_ms = 0;
  std::string ready;
  std::string reading;
  bool quiet = false;
  std::string until;
  std::int64_t burst = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "socketcan_probe: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port") {
      const std::string v = next();
      const std::size_t eq = v.find('=');
      const auto ranges = ranges_for(eq == std::string::npos ? "none" : v.substr(eq + 1));
      specs.push_back({v.substr(0, eq), filters_for_ranges(ranges), 0});
    } else if (a == "--count") {
      count = std::atoll(next().c_str());
    } else if (a == "--timeout-ms") {
      timeout_ms = std::atoll(next().c_str());
    } else if (a == "--stall-ms") {
      stall_ms = std::atoll(next().c_str());
    } else if (a == "--send") {
      sends.push_back(next());
    } else if (a == "--ready") {
      ready = next();
    } else if (a == "--reading") {
      reading = next();
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--until") {
      until = next();
    } else if (a == "--burst") {
      burst = std::atoll(next().c_str());
    } else {
      std::fprintf(stderr, "socketcan_probe: unknown argument %s\n", a.c_str());
      return 2;
    }
  }

  // Logs go to stderr, frames and stats to stdout, so a scenario can read each on its own.
  spdlog::set_default_logger(spdlog::stderr_color_mt("probe"));
  spdlog::flush_on(spdlog::level::info);
  SocketCanPortOptions port_options;
  port_options.receive_buffer_bytes = 0;
  auto ports = SocketCanPorts::open(specs, port_options);
  auto source = make_socketcan_source(ports);
  auto sink = make_socketcan_sink(ports);
  std::stop_source stop;
  Recorder recorder(count, quiet, stop);
  recorder.until_ = until;

  if (!ready.empty()) std::ofstream(ready) << "ready\n";
  if (stall_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(stall_ms));

  const double cpu0 = cpu_seconds();
  const std::int64_t start_us = mono_us();
  std::atomic<bool> timed_out{false};
  std::jthread watchdog([&](std::stop_token own) {
    if (!reading.empty()) std::ofstream(reading) << "reading\n";
    // Sends happen once the reader runs; the deadline ends the run when --count is not met.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const std::string& s : sends) {
      const std::size_t colon = s.find(':');
      const ParsedLine p = parse_candump_line("(0.000000) " + s.substr(0, colon) + " " + s.substr(colon + 1));
      if (p.status != LineStatus::Frame) {
        std::fprintf(stderr, "socketcan_probe: bad --send %s\n", s.c_str());
        continue;
      }
      if (burst > 1) {
        std::int64_t sent = 0, busy = 0, failed = 0, slowest_us = 0;
        for (std::int64_t k = 0; k < burst; ++k) {
          const std::int64_t t0 = mono_us();
          const SendResult r = sink->send(p.frame);
          slowest_us = std::max(slowest_us, mono_us() - t0);
          (r == SendResult::Sent ? sent : r == SendResult::Busy ? busy : failed) += 1;
        }
        std::printf("BURST %s sent=%lld busy=%lld failed=%lld slowest_us=%lld\n", s.c_str(),
                    static_cast<long long>(sent), static_cast<long long>(busy), static_cast<long long>(failed),
                    static_cast<long long>(slowest_us));
        continue;
      }
      const SendResult r = sink->send(p.frame);
      std::printf("SEND %s %s\n", s.c_str(),
                  r == SendResult::Sent   ? "sent"
                  : r == SendResult::Busy ? "busy"
                                          : "failed");
    }
    const std::int64_t deadline = start_us + timeout_ms * 1000;
    while (!own.stop_requested() && !stop.stop_requested()) {
      if (mono_us() >= deadline) {
        timed_out = true;
        stop.request_stop();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const SourceResult result = source->run(recorder, stop.get_token());
  watchdog.request_stop();
  watchdog.join();
  const double cpu = cpu_seconds() - cpu0;
  if (!result.ok) {
    std::fprintf(stderr, "socketcan_probe: %s\n", result.error.c_str());
    return 1;
  }

  const std::int64_t now_real = [] {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
  }();
  bool times_ok = recorder.time_order_ok_;
  for (const CanFrame& f : recorder.frames_) {
    // Monotonic time base: every kernel timestamp lies within this run.
    if (f.time_us < start_us - 1'000'000 * std::max<std::int64_t>(stall_ms / 1000 + 1, 1) || f.time_us > now_real)
      times_ok = false;
    std::string line = format_candump_log_line(f);
    std::printf("%s\n", line.substr(line.find(' ') + 1).c_str());
  }
  for (std::size_t i = 0; i < ports->size(); ++i) {
    const CanPortStats s = ports->stats(i);
    std::printf(
        "STATS %s state=%s received=%llu dropped=%llu error_frames=%llu bus_off=%llu controller=%llu "
        "reopens=%llu state_changes=%llu sent=%llu busy=%llu failed=%llu\n",
        s.iface.c_str(), to_string(s.state), static_cast<unsigned long long>(s.frames_received),
        static_cast<unsigned long long>(s.frames_dropped), static_cast<unsigned long long>(s.error_frames),
        static_cast<unsigned long long>(s.bus_off), static_cast<unsigned long long>(s.controller_problems),
        static_cast<unsigned long long>(s.reopens), static_cast<unsigned long long>(s.state_changes),
        static_cast<unsigned long long>(s.frames_sent), static_cast<unsigned long long>(s.send_busy),
        static_cast<unsigned long long>(s.send_failed));
  }
  std::printf("TIMES %s\n", times_ok ? "ok" : "bad");
  std::printf("TICKS %s\n", recorder.ticks_ > 0 ? "ok" : "none");
  const double span_s =
      recorder.last_us_ > recorder.first_us_ ? static_cast<double>(recorder.last_us_ - recorder.first_us_) / 1e6 : 0.0;
  std::printf("RESULT frames=%lld cpu_s=%.6f cpu_us_per_frame=%.3f wall_s=%.6f\n",
              static_cast<long long>(recorder.data_frames_), cpu,
              recorder.data_frames_ > 0 ? cpu * 1e6 / static_cast<double>(recorder.data_frames_) : 0.0, span_s);
  return timed_out && (count >= 0 || !until.empty()) ? 1 : 0;
}
