#pragma once
/// @file service_signals.hpp
/// Turns the service signals into requests the main loop acts on, without doing any work
/// in a signal handler: SIGTERM, SIGINT and SIGHUP are blocked and read from a signalfd.
///
/// Create it in main() before any thread starts: threads inherit the signal mask, and a
/// process-directed signal is only queued for the signalfd when no thread has it unblocked.

#include <signal.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/unique_fd.hpp"

namespace bms {

/// What a received signal asks the service to do.
enum class ServiceRequest : unsigned char {
  None,    ///< no signal arrived before the timeout
  Stop,    ///< SIGTERM or SIGINT: stop cleanly and exit 0
  Reload,  ///< SIGHUP: re-read the configuration
};

[[nodiscard]] const char* to_string(ServiceRequest request) noexcept;

/// A received signal: the request and the signal number (for the log line).
struct SignalEvent {
  ServiceRequest request = ServiceRequest::None;
  int signal_number = 0;
};

class ServiceSignals;

/// Either the signal source or why it could not be made (errno text).
struct ServiceSignalsResult;

/// Owns the signalfd and the blocked mask; move-only. On destruction the fd is closed and the
/// calling thread's previous mask restored (signals still pending then stay pending).
class ServiceSignals {
 public:
  /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and opens a non-blocking,
  /// close-on-exec signalfd for them. Never throws.
  [[nodiscard]] static ServiceSignalsResult make() noexcept;

  ServiceSignals(ServiceSignals&& other) noexcept;
  ServiceSignals& operator=(ServiceSignals&& other) noexcept;
  ServiceSignals(const ServiceSignals&) = delete;
  ServiceSignals& operator=(const ServiceSignals&) = delete;
  ~ServiceSignals();

  /// The signalfd, readable when a signal is pending (for an epoll set). Owned by this object.
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }

  /// Waits up to `timeout` for one signal (EINTR is retried against the same deadline).
  /// @return the event, or an event with ServiceRequest::None on timeout or read error.
  [[nodiscard]] SignalEvent wait(std::chrono::milliseconds timeout) noexcept;

  /// Reads one pending signal without waiting; ServiceRequest::None when there is none.
  [[nodiscard]] SignalEvent poll() noexcept { return wait(std::chrono::milliseconds{0}); }

 private:
  ServiceSignals(int fd, const sigset_t& previous_mask) noexcept : fd_(fd), previous_mask_(previous_mask) {}
  void release() noexcept;

  UniqueFd fd_;  ///< empty once moved from or released: then the mask is not ours to restore
  sigset_t previous_mask_{};
};

struct ServiceSignalsResult {
  std::optional<ServiceSignals> signals;
  std::string error;  ///< set when !signals
};

}  // namespace bms
