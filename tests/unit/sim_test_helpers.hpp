#pragma once
// Shared helpers of the bms-sim tests: run the simulator in-process on a command line.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim_options.hpp"
#include "simulator.hpp"

namespace bms::test {

/// The frames `bms-sim ARGS...` would write, in order (the arguments must parse).
inline std::vector<CanFrame> simulate(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"bms-sim"};
  for (const auto& a : args) argv.push_back(a.c_str());
  const sim::ParseResult p = sim::parse_sim_options(static_cast<int>(argv.size()), argv.data());
  EXPECT_TRUE(p.error.empty()) << p.error;
  std::vector<CanFrame> frames;
  sim::run_simulation(p.options, [&](const CanFrame& f) { frames.push_back(f); });
  return frames;
}

/// A frame's time in seconds after the simulator's start (1700000000 s).
inline double seconds(const CanFrame& f) { return static_cast<double>(f.time_us - 1700000000LL * 1000000) / 1e6; }

}  // namespace bms::test
