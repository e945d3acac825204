#pragma once
/// @file random_source.hpp
/// Where the bank generator gets its choices: a seeded generator (deterministic per seed,
/// for the CI campaign and tools/fuzz-policy) or the bytes of a libFuzzer input (so the
/// fuzzer steers the bank). Both give the same kind of answers, so one generator serves both.

#include <cstddef>
#include <cstdint>
#include <span>

namespace bms::oracle {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  /// 64 bits of choice.
  virtual std::uint64_t next64() noexcept = 0;

  /// A number in 0 .. bound-1 (0 when bound is 0).
  std::uint64_t below(std::uint64_t bound) noexcept { return bound == 0 ? 0 : next64() % bound; }
  /// A whole number in lo .. hi (inclusive).
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    return hi <= lo ? lo : lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  /// True with probability `percent` %.
  bool chance(unsigned percent) noexcept { return below(100) < percent; }
};

/// splitmix64: tiny, fast, and every seed gives its own well-mixed sequence.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next64() noexcept override {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

/// Reads choices from fuzzer bytes, 2 per choice (spread over 64 bits, so a few bytes steer
/// a whole bank); once the bytes run out every choice is 0 (the lowest value of a range, and
/// `chance` says yes), so a short input still makes a complete bank.
class ByteRandom final : public RandomSource {
 public:
  explicit ByteRandom(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}
  std::uint64_t next64() noexcept override {
    std::uint64_t v = 0;
    for (int i = 0; i < 2 && at_ < bytes_.size(); ++i) v |= static_cast<std::uint64_t>(bytes_[at_++]) << (8 * i);
    // 0 stays 0 (plainest); anything else is spread so `below(n)` sees every residue.
    return v == 0 ? 0 : (v * 0x9E3779B97F4A7C15ULL) ^ (v << 17);
  }
  [[nodiscard]] bool exhausted() const noexcept { return at_ >= bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

/// A seed for bank `index` of a campaign started with `campaign_seed` (independent streams).
[[nodiscard]] inline std::uint64_t bank_seed(std::uint64_t campaign_seed, std::uint64_t index) noexcept {
  SeededRandom r(campaign_seed ^ (index * 0xD1B54A32D192ED03ULL));
  return r.next64();
}

}  // namespace bms::oracle
