#pragma once
// Helpers that build Readings the way the frame router does, for core tests.
#include <cstdint>
#include <vector>

#include "core/reading.hpp"

namespace bms::test {

inline constexpr std::int64_t kSecond = 1'000'000;

/// A frame of battery `source` at `t` carrying `values`: FrameSeen, then one Signal each.
inline std::vector<Reading> frame(std::int64_t t, std::uint16_t source,
                                  std::initializer_list<std::pair<SignalId, double>> values) {
  std::vector<Reading> out;
  Reading seen;
  seen.time_us = t;
  seen.source = source;
  seen.kind = ReadingKind::FrameSeen;
  out.push_back(seen);
  for (const auto& [id, v] : values) {
    Reading r = seen;
    r.kind = ReadingKind::Signal;
    r.signal = id;
    r.value = v;
    out.push_back(r);
  }
  return out;
}

/// A healthy battery's full set: limits, SOC, measurements, both directions enabled.
inline std::vector<Reading> battery_set(std::int64_t t, std::uint16_t source, double soc, double ccl = 100.0,
                                        double dcl = 100.0, double cvl = 56.0) {
  return frame(t, source,
               {{SignalId::ChargeVoltageLimitV, cvl},
                {SignalId::ChargeCurrentLimitA, ccl},
                {SignalId::DischargeCurrentLimitA, dcl},
                {SignalId::SocPct, soc},
                {SignalId::SohPct, 99},
                {SignalId::VoltageV, 52.0},
                {SignalId::CurrentA, 10.0},
                {SignalId::TemperatureC, 25.0},
                {SignalId::ChargeEnable, 1},
                {SignalId::DischargeEnable, 1}});
}

}  // namespace bms::test
