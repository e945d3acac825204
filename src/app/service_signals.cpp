#include "app/service_signals.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace bms {
namespace {

sigset_t service_signal_set() noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

ServiceRequest request_for(int signal_number) noexcept {
  switch (signal_number) {
    case SIGTERM:
    case SIGINT:
      return ServiceRequest::Stop;
    case SIGHUP:
      return ServiceRequest::Reload;
    default:
      return ServiceRequest::None;
  }
}

}  // namespace

const char* to_string(ServiceRequest request) noexcept {
  switch (request) {
    case ServiceRequest::None:
      return "none";
    case ServiceRequest::Stop:
      return "stop";
    case ServiceRequest::Reload:
      return "reload";
  }
  return "?";
}

ServiceSignalsResult ServiceSignals::make() noexcept {
  const sigset_t set = service_signal_set();
  sigset_t previous;
  if (int rc = pthread_sigmask(SIG_BLOCK, &set, &previous); rc != 0) {
    return {std::nullopt, std::string("cannot block the service signals: ") + std::strerror(rc)};
  }
  const int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return {std::nullopt, std::string("cannot open a signalfd: ") + std::strerror(err)};
  }
  return {ServiceSignals(fd, previous), {}};
}

ServiceSignals::ServiceSignals(ServiceSignals&& other) noexcept
    : fd_(std::move(other.fd_)), previous_mask_(other.previous_mask_) {}

ServiceSignals& ServiceSignals::operator=(ServiceSignals&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::move(other.fd_);
    previous_mask_ = other.previous_mask_;
  }
  return *this;
}

ServiceSignals::~ServiceSignals() { release(); }

void ServiceSignals::release() noexcept {
  if (!fd_.valid()) return;
  fd_.reset();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

SignalEvent ServiceSignals::wait(std::chrono::milliseconds timeout) noexcept {
  if (!fd_.valid()) return {};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    signalfd_siginfo info{};
    const ssize_t n = ::read(fd_.get(), &info, sizeof info);
    if (n == static_cast<ssize_t>(sizeof info)) {
      const int number = static_cast<int>(info.ssi_signo);
      return {request_for(number), number};
    }
    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) return {};  // a short read cannot happen

    if (timeout.count() <= 0) return {};
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {};
    pollfd pfd{fd_.get(), POLLIN, 0};
    const int wait_ms = static_cast<int>(std::min<long long>(left.count(), 24LL * 3600 * 1000));
    if (::poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) return {};
  }
}

}  // namespace bms
