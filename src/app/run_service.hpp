#pragma once
/// @file run_service.hpp
/// Assembles and runs the pipeline for a validated configuration: the frame source (a
/// replay log, or the CAN ports), the engine and its outputs. Returns the exit status.

#include <stop_token>

#include "app/cli.hpp"
#include "core/settings.hpp"

namespace bms {

/// @return 0 ok, 2 bad input (malformed log), 1 runtime failure.
int run_service(const Settings& settings, const Options& options, std::stop_token stop);

}  // namespace bms
