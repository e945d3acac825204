#pragma once
/// @file run_service.hpp
/// Assembles and runs the pipeline for a validated configuration: the frame source (a
/// replay log, or the CAN ports), the engine and its outputs. Returns the exit status.

#include <stop_token>

#include "app/cli.hpp"
#include "app/service_hooks.hpp"
#include "core/settings.hpp"

namespace bms {

/// @return 0 ok, 2 bad input (malformed log), 1 runtime failure.
/// `hooks` report start-up, liveness and idling to the service supervisor (ServiceControl).
int run_service(const Settings& settings, const Options& options, std::stop_token stop, const ServiceHooks& hooks = {});

}  // namespace bms
