// Cost of decoding and encoding one frame of the Pylontech family: the per-frame work
// of the reader thread and the emitter.

#include <benchmark/benchmark.h>

#include "protocols/pylon/pylon_codec.hpp"

namespace {

void BM_PylonDecodeLimits(benchmark::State& state) {
  bms::CanFrame f = bms::pylon::encode_limits({53.2, 59.2, 148.0, 0, 6});
  for (auto _ : state) {
    auto d = bms::pylon::decode(f);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_PylonDecodeLimits);

void BM_PylonDecodeAlarmPairs(benchmark::State& state) {
  bms::CanFrame f = bms::pylon::encode_alarm_pairs({});
  for (auto _ : state) {
    auto d = bms::pylon::decode(f);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_PylonDecodeAlarmPairs);

void BM_PylonEncodeMeasurements(benchmark::State& state) {
  bms::pylon::Measurements m{49.83, -34.3, 26.7, 0.01};
  for (auto _ : state) {
    auto f = bms::pylon::encode_measurements(m);
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_PylonEncodeMeasurements);

}  // namespace
