#pragma once
/// @file service_hooks.hpp
/// What the running pipeline reports to the service supervisor (ServiceControl): that
/// start-up finished, that the aggregator loop is alive, that it stopped beating on purpose.
/// All members are optional; an empty ServiceHooks (tests, --check-config) does nothing.

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/settings.hpp"

namespace bms {

struct ServiceHooks {
  /// Called once when the sources are open and the outputs ready (sd_notify READY=1).
  std::function<void()> ready;
  /// Incremented (relaxed) by the aggregator loop on every reading it processes, ticks
  /// included; the watchdog is only fed while it moves. Not owned; may be null.
  std::atomic<std::uint64_t>* heartbeat = nullptr;
  /// Called when the loop stops beating on purpose (a replay ended under --keep-running),
  /// so the watchdog keeps being fed while the process waits for SIGTERM.
  std::function<void()> idle;
  /// Incremented by every successful SIGHUP reload (not owned; may be null). The aggregator
  /// loop compares it per reading (one relaxed load) and then fetches `settings`.
  const std::atomic<std::uint64_t>* settings_generation = nullptr;
  /// The settings in force after the latest reload.
  std::function<Settings()> settings;
};

}  // namespace bms
