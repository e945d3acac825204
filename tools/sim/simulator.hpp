#pragma once
/// @file simulator.hpp
/// Runs a simulation: every interval each battery's frame set, in time order, with
/// absolute timestamps and interfaces, handed to a sink (a file writer, or a test).

#include <functional>

#include "protocols/can_frame.hpp"
#include "sim_options.hpp"

namespace bms::sim {

/// Calls `sink` with every frame in time order. @return the number of frames produced.
std::uint64_t run_simulation(const SimOptions& options, const std::function<void(const CanFrame&)>& sink);

}  // namespace bms::sim
