#pragma once
/// @file spsc_ring.hpp
/// Lock-free single-producer / single-consumer ring between the reader thread and the
/// aggregator thread. In the spirit of rigtorp/SPSCQueue: indices on their own cache lines,
/// each side caches the other side's index so the shared line is touched only when the
/// cached value says full/empty, acquire/release only where the two threads meet.

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>

namespace bms {

/// Fixed on GCC 12: std::hardware_destructive_interference_size warns (-Winterference-size).
inline constexpr std::size_t kCacheLine = 64;

template <typename T>
class SpscRing {
  static_assert(std::is_nothrow_copy_assignable_v<T>, "ring slots are overwritten in place");
  static_assert(std::is_trivially_destructible_v<T>, "slots are never destroyed one by one");

 public:
  /// @param capacity usable slots; rounded up to a power of two (one slot stays free).
  explicit SpscRing(std::size_t capacity) : mask_(round_up_pow2(capacity + 1) - 1), slots_(new T[mask_ + 1]) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  /// Producer side. @return false when the ring is full (nothing written).
  [[nodiscard]] bool try_push(const T& value) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t next = (head + 1) & mask_;
    if (next == cached_tail_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (next == cached_tail_) return false;
    }
    slots_[head] = value;
    head_.store(next, std::memory_order_release);
    return true;
  }

  /// Consumer side. @return false when the ring is empty (out untouched).
  [[nodiscard]] bool try_pop(T& out) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == cached_head_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (tail == cached_head_) return false;
    }
    out = slots_[tail];
    tail_.store((tail + 1) & mask_, std::memory_order_release);
    return true;
  }

  /// Consumer side: calls f(const T&) on up to `max` waiting items in order, in place (no
  /// copy out), and frees their slots once at the end: one release store per batch instead
  /// of one per item. @return how many were consumed (0: the ring was empty).
  template <typename F>
  std::size_t consume(std::size_t max, F&& f) {
    std::size_t tail = tail_.load(std::memory_order_relaxed);
    std::size_t n = 0;
    for (; n < max; ++n) {
      if (tail == cached_head_) {
        cached_head_ = head_.load(std::memory_order_acquire);
        if (tail == cached_head_) break;
      }
      f(static_cast<const T&>(slots_[tail]));
      tail = (tail + 1) & mask_;
    }
    if (n > 0) tail_.store(tail, std::memory_order_release);
    return n;
  }

  /// Approximate: exact only when called from one side while the other is idle.
  [[nodiscard]] bool empty() const noexcept {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::size_t capacity() const noexcept { return mask_; }

 private:
  static std::size_t round_up_pow2(std::size_t n) noexcept {
    std::size_t p = 2;
    while (p < n) p <<= 1;
    return p;
  }

  const std::size_t mask_;
  std::unique_ptr<T[]> slots_;
  alignas(kCacheLine) std::atomic<std::size_t> head_{0};  // written by the producer
  alignas(kCacheLine) std::size_t cached_tail_ = 0;       // producer's copy of tail_
  alignas(kCacheLine) std::atomic<std::size_t> tail_{0};  // written by the consumer
  alignas(kCacheLine) std::size_t cached_head_ = 0;       // consumer's copy of head_
};

}  // namespace bms
