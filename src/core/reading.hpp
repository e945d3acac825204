#pragma once
/// @file reading.hpp
/// The item that crosses the ring from the reader thread to the aggregator thread. A small
/// trivially copyable POD: one decoded signal of one source at one instant, or a clock tick.

#include <array>
#include <cstdint>
#include <type_traits>

#include "protocols/signals.hpp"

namespace bms {

/// Source index for readings that do not belong to a configured battery.
inline constexpr std::uint16_t kSourceInverter = 0xFFFE;   ///< inverter side (0x305/0x307)
inline constexpr std::uint16_t kSourceBankShunt = 0xFFFD;  ///< [bank] current_source (a D-Bus shunt)
inline constexpr std::uint16_t kSourceClock = 0xFFFF;      ///< time only, no value

enum class ReadingKind : std::uint8_t {
  Signal,         ///< `signal` of battery `source` has `value`/`text`
  FrameSeen,      ///< battery `source` sent a frame (liveness), no value
  DecodeError,    ///< battery `source` sent a frame that failed to decode
  SignalInvalid,  ///< battery `source` says `signal` is unknown now (a D-Bus item set to [])
  SourceLost,     ///< battery `source` is gone now (its D-Bus name vanished, /Connected left 1)
  Tick,           ///< time advanced to time_us; nothing else
  EndOfInput,     ///< the source ended (end of replay log)
  Gap,            ///< the input resumes at time_us after a jump (a paused capture): periodic outputs restart there
};

struct Reading {
  std::int64_t time_us = 0;
  double value = 0.0;
  std::array<char, 8> text{};
  std::uint16_t source = kSourceClock;
  SignalId signal{};
  ReadingKind kind = ReadingKind::Tick;
};
static_assert(std::is_trivially_copyable_v<Reading>);
static_assert(sizeof(Reading) <= 32, "keep ring slots small");

}  // namespace bms
