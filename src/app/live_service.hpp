#pragma once
/// @file live_service.hpp
/// Live mode: the pipeline on the configured SocketCAN ports (batteries' interfaces and
/// [output].interface), with the inverter frame set sent on the output port.

#include <stop_token>

#include "app/cli.hpp"
#include "app/service_hooks.hpp"
#include "core/settings.hpp"

namespace bms {

/// Runs until `stop`. Missing or down interfaces do not end it (they are retried).
/// `hooks`: READY once the ports and outputs are set up; the aggregator loop's heartbeat.
/// With --emit-log, every frame-set frame the port accepted is also written there (times
/// are the engine's: CLOCK_MONOTONIC microseconds, not wall-clock).
/// @return 0 after a stop, 2 for an impossible port set (one interface, two bitrates),
/// 1 when the event loop cannot run.
int run_live_service(const Settings& settings, const Options& options, std::stop_token stop,
                     const ServiceHooks& hooks = {});

}  // namespace bms
