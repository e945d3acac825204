#include "core/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "core/doorbell.hpp"

namespace bms {
namespace {

TEST(SpscRing, RoundsCapacityUpAndKeepsOneSlotFree) {
  SpscRing<int> ring(5);
  EXPECT_EQ(ring.capacity(), 7U);
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(ring.try_push(i));
  EXPECT_FALSE(ring.try_push(99));
}

TEST(SpscRing, PopsInFifoOrderAndReportsEmpty) {
  SpscRing<int> ring(4);
  int out = -1;
  EXPECT_FALSE(ring.try_pop(out));
  EXPECT_EQ(out, -1);
  ASSERT_TRUE(ring.try_push(1));
  ASSERT_TRUE(ring.try_push(2));
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(out, 1);
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(out, 2);
  EXPECT_TRUE(ring.empty());
}

TEST(SpscRing, WrapsAroundManyTimes) {
  SpscRing<std::uint64_t> ring(3);
  std::uint64_t expected = 0;
  std::uint64_t next = 0;
  for (int round = 0; round < 1000; ++round) {
    while (ring.try_push(next)) ++next;
    std::uint64_t v = 0;
    while (ring.try_pop(v)) EXPECT_EQ(v, expected++);
  }
  EXPECT_EQ(expected, next);
}

// Two threads, a small ring so both full and empty are hit often: every value arrives once,
// in order. Run under ThreadSanitizer by tools/test.
TEST(SpscRing, TwoThreadsTransferEveryValueInOrder) {
  constexpr std::uint64_t kCount = 1'000'000;
  SpscRing<std::uint64_t> ring(64);
  std::thread producer([&] {
    for (std::uint64_t i = 1; i <= kCount; ++i) {
      while (!ring.try_push(i)) std::this_thread::yield();
    }
  });
  std::uint64_t sum = 0;
  std::uint64_t expected = 1;
  bool in_order = true;
  while (expected <= kCount) {
    std::uint64_t v = 0;
    if (!ring.try_pop(v)) continue;
    in_order &= v == expected;
    sum += v;
    ++expected;
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(sum, kCount * (kCount + 1) / 2);
}

TEST(SpscRing, ConsumeTakesAtMostMaxInOrderAndFreesTheirSlots) {
  SpscRing<int> ring(7);
  for (int i = 1; i <= 7; ++i) ASSERT_TRUE(ring.try_push(i));
  EXPECT_FALSE(ring.try_push(8));
  std::vector<int> seen;
  EXPECT_EQ(ring.consume(3, [&](const int& v) { seen.push_back(v); }), 3U);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  // The three slots are free again, and the rest follows in order after the new items.
  for (int i = 8; i <= 10; ++i) EXPECT_TRUE(ring.try_push(i));
  EXPECT_FALSE(ring.try_push(11));
  EXPECT_EQ(ring.consume(100, [&](const int& v) { seen.push_back(v); }), 7U);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(ring.consume(100, [&](const int&) { ADD_FAILURE() << "empty ring gave an item"; }), 0U);
  EXPECT_TRUE(ring.empty());
}

// Batches taken while the producer refills: every value once, in order (run under TSan too).
TEST(SpscRing, TwoThreadsConsumeInBatchesEveryValueInOrder) {
  constexpr std::uint64_t kCount = 1'000'000;
  SpscRing<std::uint64_t> ring(64);
  std::thread producer([&] {
    for (std::uint64_t i = 1; i <= kCount; ++i) {
      while (!ring.try_push(i)) std::this_thread::yield();
    }
  });
  std::uint64_t expected = 1;
  bool in_order = true;
  while (expected <= kCount) {
    ring.consume(16, [&](const std::uint64_t& v) {
      in_order &= v == expected;
      ++expected;
    });
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected, kCount + 1);
}

// The consumer sleeps on the doorbell whenever the ring is empty; no item may be stranded.
TEST(Doorbell, ConsumerSleepingOnEmptyRingNeverMissesAnItem) {
  constexpr int kCount = 200'000;
  SpscRing<int> ring(16);
  Doorbell bell;
  std::thread producer([&] {
    for (int i = 1; i <= kCount; ++i) {
      while (!ring.try_push(i)) std::this_thread::yield();
      bell.ring();
    }
  });
  long long sum = 0;
  int received = 0;
  while (received < kCount) {
    int v = 0;
    if (!ring.try_pop(v)) {
      const auto ticket = bell.prepare_wait();
      if (!ring.try_pop(v)) {
        bell.wait(ticket);
        continue;
      }
      bell.cancel_wait();
    }
    sum += v;
    ++received;
  }
  producer.join();
  EXPECT_EQ(sum, static_cast<long long>(kCount) * (kCount + 1) / 2);
}

}  // namespace
}  // namespace bms
