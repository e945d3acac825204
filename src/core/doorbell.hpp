#pragma once
/// @file doorbell.hpp
/// Lets the consumer of a lock-free ring sleep when it is empty, without a syscall per item
/// on the producer side: ring() only calls into the kernel when the consumer is asleep.
///
/// Protocol (all seq_cst so that either the producer sees `sleeping_` or the consumer sees
/// the new item): consumer calls prepare_wait(), re-checks the ring, then wait(ticket).

#include <atomic>
#include <cstdint>

namespace bms {

class Doorbell {
 public:
  /// Consumer: announce the intent to sleep. @return the ticket to pass to wait().
  [[nodiscard]] std::uint32_t prepare_wait() noexcept {
    sleeping_.store(true);
    return sequence_.load();
  }
  /// Consumer: sleep until ring() after prepare_wait(); returns at once if it already rang.
  void wait(std::uint32_t ticket) noexcept {
    sequence_.wait(ticket);
    sleeping_.store(false);
  }
  /// Consumer: the re-check found work; do not sleep.
  void cancel_wait() noexcept { sleeping_.store(false); }
  /// Producer: call after publishing items.
  void ring() noexcept {
    sequence_.fetch_add(1);
    if (sleeping_.load()) sequence_.notify_one();
  }

 private:
  std::atomic<std::uint32_t> sequence_{0};
  std::atomic<bool> sleeping_{false};
};

}  // namespace bms
