#pragma once
/// @file bank_generator.hpp
/// Random banks for the policy oracle: 1-8 batteries (Pylontech family and CANopen nodes on
/// a shipped object map), a random configuration within the documented ranges, and a frame
/// sequence with what goes wrong on real buses: dropped frames, partial frame sets, frames
/// too short to decode, silences (some ending exactly at a stale deadline), value walks,
/// forbidding flags and protections, EMCY/NMT/SDO timeouts, and time jumps.
/// Deterministic: the same RandomSource sequence gives the same bank.

#include <cstdint>
#include <string>

#include "bank_model.hpp"
#include "random_source.hpp"

namespace bms::oracle {

struct GeneratorLimits {
  int max_batteries = 8;
  std::int64_t min_duration_us = 20'000'000;
  std::int64_t max_duration_us = 240'000'000;
  /// Upper bound on generated frames (the fuzz target keeps banks small).
  std::size_t max_frames = 200'000;
};

/// Generates a bank. `seed` is only recorded in the result (to name the bank in reports).
[[nodiscard]] GeneratedBank generate_bank(RandomSource& random, std::uint64_t seed, const GeneratorLimits& limits = {});

/// The bank's configuration as a TOML file (what `config_toml` holds).
[[nodiscard]] std::string render_bank_config(const BankSpec& spec);

}  // namespace bms::oracle
