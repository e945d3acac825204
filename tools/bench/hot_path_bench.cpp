// Micro-benchmarks of the replay hot path: candump parsing, ring transfer, decoding.
// Whole-process numbers (lines/s, CPU, RSS) come from tools/bench/replay (see docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <vector>

#include "core/reading.hpp"
#include "core/spsc_ring.hpp"
#include "io/candump_format.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace {

const std::vector<std::string> kLines = {
    "(1700000000.000000) can0 351#14025002C805", "(1700000000.000200) can0 355#5F006300",
    "(1700000000.000400) can0 356#7713A9FE0B01", "(1700000000.000600) can0 359#0000000004504E",
    "(1700000000.000800) can0 35C#C000",         "(1700000000.001000) can0 35E#50594C4F4E202020",
};

void BM_ParseCandumpLogLine(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const bms::ParsedLine p = bms::parse_candump_line(kLines[i++ % kLines.size()]);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseCandumpLogLine);

// The reader's fast path for the shape almost every log line has.
void BM_ParseCanonicalLogLine(benchmark::State& state) {
  std::size_t i = 0;
  bms::CanFrame f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bms::parse_canonical_log_line(kLines[i++ % kLines.size()], f));
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseCanonicalLogLine);

void BM_FormatCandumpLogLine(benchmark::State& state) {
  const bms::CanFrame f = bms::parse_candump_line(kLines[0]).frame;
  char buf[bms::kCandumpLineMax];
  for (auto _ : state) {
    benchmark::DoNotOptimize(bms::write_candump_log_line(f, buf));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_FormatCandumpLogLine);

void BM_PylonDecode(benchmark::State& state) {
  std::vector<bms::CanFrame> frames;
  for (const auto& l : kLines) frames.push_back(bms::parse_candump_line(l).frame);
  std::size_t i = 0;
  for (auto _ : state) {
    const bms::DecodedFrame d = bms::pylon::decode(frames[i++ % frames.size()]);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_PylonDecode);

void BM_RingPushPopSameThread(benchmark::State& state) {
  bms::SpscRing<bms::Reading> ring(1024);
  bms::Reading r;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ring.try_push(r));
    benchmark::DoNotOptimize(ring.try_pop(r));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RingPushPopSameThread);

// Producer and consumer on separate threads: the cost that matters in the pipeline.
void BM_RingTransferTwoThreads(benchmark::State& state) {
  constexpr std::int64_t kBatch = 1 << 20;
  for (auto _ : state) {
    bms::SpscRing<bms::Reading> ring((1 << 12) - 1);  // the pipeline's 4096 slots
    std::thread producer([&] {
      bms::Reading r;
      for (std::int64_t i = 0; i < kBatch; ++i) {
        r.time_us = i;
        while (!ring.try_push(r)) {
        }
      }
    });
    bms::Reading out;
    std::int64_t received = 0;
    while (received < kBatch) {
      if (ring.try_pop(out)) ++received;
    }
    producer.join();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_RingTransferTwoThreads)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same transfer with the consumer taking batches in place, as the pipeline does.
void BM_RingTransferTwoThreadsConsumeBatches(benchmark::State& state) {
  constexpr std::int64_t kBatch = 1 << 20;
  for (auto _ : state) {
    bms::SpscRing<bms::Reading> ring((1 << 12) - 1);
    std::thread producer([&] {
      bms::Reading r;
      for (std::int64_t i = 0; i < kBatch; ++i) {
        r.time_us = i;
        while (!ring.try_push(r)) {
        }
      }
    });
    std::int64_t received = 0;
    std::int64_t last = 0;
    while (received < kBatch) {
      received += static_cast<std::int64_t>(ring.consume(256, [&](const bms::Reading& r) { last = r.time_us; }));
    }
    producer.join();
    benchmark::DoNotOptimize(last);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_RingTransferTwoThreadsConsumeBatches)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
