#include "app/service_control.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "app/config_reload.hpp"

namespace bms {
namespace {

ServiceSignals make_signals() {
  ServiceSignalsResult made = ServiceSignals::make();
  if (!made.signals) throw std::runtime_error(made.error);
  return std::move(*made.signals);
}

/// Keys a reload applies to the running process at once. Everything else is kept for the
/// next start (logged as such), until the engine learns to take new limits while running.
/// What a reload changes in the running process: the log level, and the charge policy
/// ([charge], [imbalance]), which the aggregator loop takes at its next reading. Wiring
/// (ports, batteries, bus, output) needs a restart.
bool applies_live(const std::string& key) {
  return key == "log.level" || key.rfind("charge.", 0) == 0 || key.rfind("imbalance.", 0) == 0;
}

std::string first_key(const std::string& change) { return change.substr(0, change.find(": ")); }

const char* signal_name(int number) noexcept {
  switch (number) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "a signal";
  }
}

}  // namespace

ServiceControl::ServiceControl(std::string config_path, Settings settings, SystemdNotifier notifier)
    : config_path_(std::move(config_path)),
      notifier_(notifier),
      signals_(make_signals()),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      settings_(std::move(settings)) {
  if (!wake_fd_.valid()) throw std::runtime_error(std::string("cannot open an eventfd: ") + std::strerror(errno));
  // If this throws (no thread can be made), the members own what was opened and close it.
  thread_ = std::thread([this] { run(); });
}

ServiceControl::~ServiceControl() {
  const std::uint64_t one = 1;
  if (::write(wake_fd_.get(), &one, sizeof one) < 0) {
    // Cannot happen for a fresh eventfd; without the wake-up the thread would block in poll.
    std::terminate();
  }
  thread_.join();
}

ServiceHooks ServiceControl::hooks() {
  ServiceHooks h;
  h.ready = [this] {
    const Settings s = settings();
    notifier_.ready("running: " + std::to_string(s.batteries.size()) + " batteries, config " + config_path_);
  };
  h.heartbeat = &heartbeat_;
  h.idle = [this] { idle_.store(true); };
  h.settings_generation = &generation_;
  h.settings = [this] { return settings(); };
  return h;
}

Settings ServiceControl::settings() const {
  std::lock_guard lock(settings_mutex_);
  return settings_;
}

void ServiceControl::run() {
  const auto ping_interval = notifier_.watchdog_period() / 2;
  // Without a watchdog the thread only waits for signals; a long timeout is just a bound.
  const auto timeout = ping_interval.count() > 0
                           ? std::chrono::duration_cast<std::chrono::milliseconds>(ping_interval) / 2
                           : std::chrono::milliseconds(60'000);
  for (;;) {
    pollfd fds[2] = {{signals_.fd(), POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
    const int n = ::poll(fds, 2, static_cast<int>(std::max<long long>(timeout.count(), 1)));
    if (n < 0 && errno != EINTR) {
      spdlog::error("service control: poll failed: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents != 0) {
      const SignalEvent event = signals_.poll();
      if (event.request == ServiceRequest::Stop) {
        if (stop_.stop_requested()) {
          spdlog::info("received {} while stopping", signal_name(event.signal_number));
        } else {
          spdlog::info("received {}: stopping", signal_name(event.signal_number));
          stop_signal_.store(event.signal_number);
          notifier_.stopping(std::string("stopping (") + signal_name(event.signal_number) + ")");
          stop_.request_stop();
        }
      } else if (event.request == ServiceRequest::Reload) {
        reload();
      }
    }
    if (ping_interval.count() > 0) feed_watchdog(std::chrono::steady_clock::now());
  }
}

void ServiceControl::feed_watchdog(std::chrono::steady_clock::time_point now) {
  const auto ping_interval = notifier_.watchdog_period() / 2;
  if (last_watchdog_check_ != std::chrono::steady_clock::time_point{} && now - last_watchdog_check_ < ping_interval) {
    return;
  }
  last_watchdog_check_ = now;
  const std::uint64_t beat = heartbeat_.load(std::memory_order_relaxed);
  // Fed while the aggregator loop makes progress, or while it waits on purpose; a loop that
  // hangs stops the pings and systemd restarts the service after WatchdogSec.
  if (beat != last_heartbeat_ || idle_.load()) notifier_.watchdog_ping();
  last_heartbeat_ = beat;
}

void ServiceControl::reload() {
  spdlog::info("received SIGHUP: reloading {}", config_path_);
  notifier_.reloading("reloading " + config_path_);
  const Settings current = settings();
  ReloadResult result = reload_config(config_path_, current);
  if (!result.ok()) {
    for (const std::string& error : result.errors) spdlog::error("reload: {}", error);
    spdlog::error("reload of {} failed ({} error{}); still running with the previous configuration", config_path_,
                  result.errors.size(), result.errors.size() == 1 ? "" : "s");
    notifier_.ready("running; reload failed: " + result.errors.front());
    return;
  }
  if (result.changes.empty()) {
    spdlog::info("reload: {} unchanged", config_path_);
  }
  std::string deferred;
  for (const std::string& change : result.changes) {
    const std::string key = first_key(change);
    if (applies_live(key)) {
      spdlog::info("reload: {} (applied)", change);
    } else {
      spdlog::info("reload: {} (takes effect at the next restart)", change);
      deferred += (deferred.empty() ? "" : ", ") + key;
    }
  }
  spdlog::set_level(spdlog::level::from_str(result.settings->log.level));
  {
    std::lock_guard lock(settings_mutex_);
    settings_ = std::move(*result.settings);
  }
  generation_.fetch_add(1);
  if (!deferred.empty()) {
    spdlog::warn("reload: restart to apply {} (svc -t /service/bms-aggregator or systemctl restart bms-aggregator)",
                 deferred);
  }
  notifier_.ready("running; configuration reloaded from " + config_path_);
}

}  // namespace bms
