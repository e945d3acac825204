#include "io/socketcan_source.hpp"

#include <linux/can/error.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/unique_fd.hpp"
#include "io/socketcan_link.hpp"

namespace bms {

namespace {

constexpr std::uint64_t kTimerTag = ~std::uint64_t{0};
constexpr std::uint64_t kWakeTag = ~std::uint64_t{0} - 1;
/// Frames fetched per recvmmsg call: one system call for a whole burst is what makes a
/// frame cheaper than candump's recvmsg per frame.
constexpr unsigned kBatch = 32;
/// recvmmsg calls per port per wakeup, so one busy bus cannot starve the others or the timer.
constexpr int kBatchesPerWake = 8;
constexpr std::int64_t kDropLogIntervalUs = 60'000'000;
constexpr std::size_t kControlBytes = CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(std::uint32_t));

std::int64_t clock_us(clockid_t clock) noexcept {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}

class SocketCanSource final : public FrameSource {
 public:
  SocketCanSource(std::shared_ptr<SocketCanPorts> ports, SocketCanSourceOptions options)
      : ports_(std::move(ports)), options_(options), ports_state_(ports_->size()) {
    for (unsigned i = 0; i < kBatch; ++i) {
      iov_[i] = {&frames_[i], sizeof(can_frame)};
      msgs_[i].msg_hdr.msg_iov = &iov_[i];
      msgs_[i].msg_hdr.msg_iovlen = 1;
      msgs_[i].msg_hdr.msg_control = control_[i].bytes.data();
    }
  }

  [[nodiscard]] std::optional<std::int64_t> time_from_monotonic(std::int64_t monotonic_us) const noexcept override {
    if (options_.time_base == TimeBase::Monotonic) return monotonic_us;
    return std::nullopt;  // candump-style wall time: taken at the aggregator's current time
  }

  SourceResult run(FrameHandler& handler, std::stop_token stop) override {
    UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    UniqueFd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!epoll.valid() || !timer.valid() || !wake.valid()) {
      return {false, std::string("socketcan: cannot set up the event loop: ") + std::strerror(errno), 0};
    }
    const std::int64_t tick = options_.tick_interval_us > 0 ? options_.tick_interval_us : 50'000;
    tick_us_ = tick;
    const timespec period{static_cast<time_t>(tick / 1'000'000), static_cast<long>((tick % 1'000'000) * 1000)};
    const itimerspec spec{period, period};
    if (::timerfd_settime(timer.get(), 0, &spec, nullptr) != 0 || !watch(epoll.get(), timer.get(), kTimerTag) ||
        !watch(epoll.get(), wake.get(), kWakeTag)) {
      return {false, std::string("socketcan: cannot arm the tick timer: ") + std::strerror(errno), 0};
    }
    epoll_fd_ = epoll.get();
    for (std::size_t i = 0; i < ports_->size(); ++i) rewatch(i);
    // The stop callback runs on the stopping thread: an eventfd write is the one thing it
    // may do to a loop blocked in epoll_wait.
    const int wake_fd = wake.get();
    const std::stop_callback on_stop(stop, [wake_fd] {
      const std::uint64_t one = 1;
      [[maybe_unused]] const ssize_t n = ::write(wake_fd, &one, sizeof one);
    });

    sample_clocks();
    std::int64_t next_link_check = mono_now_us_ + options_.link_check_interval_us;
    std::array<epoll_event, 16> events{};
    while (!stop.stop_requested()) {
      const int timeout_ms = delivered_since_flush_ ? options_.flush_delay_ms : -1;
      const int n = ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), timeout_ms);
      if (n == 0) {
        // Nothing more arrived within the flush delay: hand the burst over, complete.
        handler.burst_complete(last_time_us_);
        delivered_since_flush_ = false;
        continue;
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        return {false, std::string("socketcan: epoll_wait failed: ") + std::strerror(errno), last_time_us_};
      }
      for (int e = 0; e < n; ++e) {
        const std::uint64_t tag = events[static_cast<std::size_t>(e)].data.u64;
        if (tag == kWakeTag) continue;  // the loop condition sees the stop
        if (tag == kTimerTag) {
          std::uint64_t expirations = 0;
          [[maybe_unused]] const ssize_t r = ::read(timer.get(), &expirations, sizeof expirations);
          // Clocks are read here only, not per frame: on some hosts (a VM without a stable
          // TSC) each read is a system call. The realtime-to-monotonic offset used for the
          // frames' kernel timestamps is thus at most one tick old.
          sample_clocks();
          if (mono_now_us_ >= next_link_check) {
            next_link_check = mono_now_us_ + options_.link_check_interval_us;
            for (std::size_t i = 0; i < ports_->size(); ++i) refresh(i);
          }
          last_time_us_ = std::max(last_time_us_, now_us());
          handler.on_tick(last_time_us_);
          handler.flush();
          delivered_since_flush_ = false;
          continue;
        }
        drain(static_cast<std::size_t>(tag), handler);
      }
      for (std::size_t i = 0; i < ports_->size(); ++i) {
        if (ports_->take_check_request(i)) refresh(i);
      }
      if (delivered_since_flush_ && options_.flush_delay_ms <= 0) {
        handler.burst_complete(last_time_us_);
        delivered_since_flush_ = false;
      }
    }
    epoll_fd_ = -1;
    return {true, {}, last_time_us_};
  }

 private:
  struct PortState {
    int watched_fd = -1;
    bool bus_off = false;
    std::uint8_t controller_status = 0;  ///< last CAN_ERR_CRTL data[1], for log-once
    std::int64_t last_restart_us = 0;
    bool restart_reported = false;
    bool drops_logged = false;
    std::int64_t last_drop_log_us = 0;
  };

  static bool watch(int epoll, int fd, std::uint64_t tag) noexcept {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    return ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev) == 0;
  }

  /// Registers the port's current socket. A replaced socket was closed by the ports object,
  /// which removed it from the epoll set already.
  void rewatch(std::size_t i) {
    const int fd = ports_->reader_fd(i);
    ports_state_[i].watched_fd = -1;
    if (fd >= 0 && watch(epoll_fd_, fd, i)) ports_state_[i].watched_fd = fd;
  }

  void refresh(std::size_t i) {
    if (ports_->refresh(i)) {
      ports_state_[i] = PortState{};
      rewatch(i);
    }
  }

  void sample_clocks() noexcept {
    mono_now_us_ = clock_us(CLOCK_MONOTONIC);
    real_now_us_ = clock_us(CLOCK_REALTIME);
  }

  [[nodiscard]] std::int64_t now_us() const noexcept {
    return options_.time_base == TimeBase::Monotonic ? mono_now_us_ : real_now_us_;
  }

  /// Reads what is queued on one port, batch by batch, until the socket is empty or the
  /// per-wakeup budget is spent (level-triggered epoll brings us back for the rest).
  void drain(std::size_t i, FrameHandler& handler) {
    const int fd = ports_->reader_fd(i);
    if (fd < 0) return;
    CanPortCounters& counters = ports_->counters(i);
    for (int batch = 0; batch < kBatchesPerWake; ++batch) {
      for (unsigned m = 0; m < kBatch; ++m) {
        msgs_[m].msg_hdr.msg_controllen = kControlBytes;
        msgs_[m].msg_hdr.msg_flags = 0;
      }
      const int got = ::recvmmsg(fd, msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (got < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return;
        // ENETDOWN / ENODEV (interface went down or away): a link event, not a frame.
        refresh(i);
        return;
      }
      for (int m = 0; m < got; ++m) deliver(i, static_cast<unsigned>(m), counters, handler);
      if (static_cast<unsigned>(got) < kBatch) return;
    }
  }

  void deliver(std::size_t port, unsigned m, CanPortCounters& counters, FrameHandler& handler) {
    const msghdr& hdr = msgs_[m].msg_hdr;
    // Exactly one classic frame per datagram; anything else (truncated) is not a frame.
    if (msgs_[m].msg_len != sizeof(can_frame) || (hdr.msg_flags & MSG_TRUNC) != 0) return;
    std::int64_t time_us = now_us();
    for (cmsghdr* c = CMSG_FIRSTHDR(&hdr); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&hdr), c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SO_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        const std::int64_t kernel_real_us = std::int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
        if (options_.time_base == TimeBase::Realtime) {
          time_us = kernel_real_us;
        } else {
          // The offset was sampled at the last tick. Should the wall clock step before the
          // next one, the shifted time would jump; bound it to [previous frame, tick + 2
          // ticks] so time on the reader thread never runs backwards or leaps ahead.
          const std::int64_t shifted = kernel_real_us - real_now_us_ + mono_now_us_;
          time_us = std::max(last_time_us_, std::min(shifted, mono_now_us_ + 2 * tick_us_));
        }
      } else if (c->cmsg_type == SO_RXQ_OVFL) {
        std::uint32_t dropped_total = 0;
        std::memcpy(&dropped_total, CMSG_DATA(c), sizeof dropped_total);
        std::uint32_t& mark = ports_->overflow_mark(port);
        if (dropped_total != mark) {
          const std::uint32_t lost = dropped_total - mark;  // unsigned: wraps like the kernel's counter
          const std::uint64_t total = counters.frames_dropped.fetch_add(lost, std::memory_order_relaxed) + lost;
          // At most one line a minute: a reader that keeps falling behind must not flood the log.
          PortState& st = ports_state_[port];
          if (!st.drops_logged || mono_now_us_ - st.last_drop_log_us >= kDropLogIntervalUs) {
            spdlog::warn("can: {}: the kernel dropped {} frame(s) ({} in all): the reader fell behind",
                         ports_->iface(port), lost, total);
            st.drops_logged = true;
            st.last_drop_log_us = mono_now_us_;
          }
          mark = dropped_total;
        }
      }
    }
    const can_frame& cf = frames_[m];
    CanFrame frame;
    frame.error = (cf.can_id & CAN_ERR_FLAG) != 0;
    frame.extended = !frame.error && (cf.can_id & CAN_EFF_FLAG) != 0;
    frame.remote = !frame.error && (cf.can_id & CAN_RTR_FLAG) != 0;
    frame.id = cf.can_id & (frame.error ? CAN_ERR_MASK : frame.extended ? CAN_EFF_MASK : CAN_SFF_MASK);
    frame.dlc = cf.len <= CAN_MAX_DLEN ? cf.len : CAN_MAX_DLEN;
    std::memcpy(frame.data.data(), cf.data, frame.dlc);
    frame.time_us = time_us;
    frame.set_iface(ports_->iface(port));
    last_time_us_ = time_us;
    if (frame.error) {
      on_error_frame(port, cf, counters);
      if (!options_.deliver_error_frames) return;
    } else {
      counters.frames_received.fetch_add(1, std::memory_order_relaxed);
      if (ports_state_[port].bus_off) {
        ports_state_[port].bus_off = false;
        spdlog::info("can: {}: receiving again after bus-off", ports_->iface(port));
      }
    }
    handler.on_frame(frame);
    delivered_since_flush_ = true;
  }

  void on_error_frame(std::size_t port, const can_frame& cf, CanPortCounters& counters) {
    counters.error_frames.fetch_add(1, std::memory_order_relaxed);
    PortState& st = ports_state_[port];
    const std::string& name = ports_->iface(port);
    if ((cf.can_id & CAN_ERR_CRTL) != 0) {
      counters.controller_problems.fetch_add(1, std::memory_order_relaxed);
      const std::uint8_t status = cf.data[1];
      if (status != st.controller_status) {
        spdlog::warn("can: {}: controller status 0x{:02x}{}{}{}{}", name, status,
                     (status & (CAN_ERR_CRTL_RX_OVERFLOW | CAN_ERR_CRTL_TX_OVERFLOW)) ? " (buffer overflow)" : "",
                     (status & (CAN_ERR_CRTL_RX_WARNING | CAN_ERR_CRTL_TX_WARNING)) ? " (error warning)" : "",
                     (status & (CAN_ERR_CRTL_RX_PASSIVE | CAN_ERR_CRTL_TX_PASSIVE)) ? " (error passive)" : "",
                     (status & CAN_ERR_CRTL_ACTIVE) ? " (back to error active)" : "");
        st.controller_status = status;
      }
    }
    if ((cf.can_id & CAN_ERR_RESTARTED) != 0 && st.bus_off) {
      st.bus_off = false;
      spdlog::info("can: {}: controller restarted after bus-off", name);
    }
    if ((cf.can_id & CAN_ERR_BUSOFF) == 0) return;
    counters.bus_off.fetch_add(1, std::memory_order_relaxed);
    if (!st.bus_off) spdlog::error("can: {} went bus-off", name);
    st.bus_off = true;
    if (mono_now_us_ - st.last_restart_us < options_.restart_interval_us && st.last_restart_us != 0) return;
    st.last_restart_us = mono_now_us_;
    const LinkControlResult r = restart_after_bus_off(name);
    if (r.ok) counters.restarts.fetch_add(1, std::memory_order_relaxed);
    if (r.ok || !st.restart_reported) {
      spdlog::log(r.ok ? spdlog::level::info : spdlog::level::warn, "can: {}: bus-off restart: {}", name, r.detail);
      st.restart_reported = true;
    }
  }

  std::shared_ptr<SocketCanPorts> ports_;
  SocketCanSourceOptions options_;
  std::vector<PortState> ports_state_;
  int epoll_fd_ = -1;
  std::int64_t mono_now_us_ = 0;
  std::int64_t real_now_us_ = 0;
  std::int64_t last_time_us_ = 0;
  std::int64_t tick_us_ = 50'000;
  bool delivered_since_flush_ = false;
  std::array<can_frame, kBatch> frames_{};
  std::array<iovec, kBatch> iov_{};
  std::array<mmsghdr, kBatch> msgs_{};
  /// cmsg buffers must be aligned like cmsghdr for CMSG_FIRSTHDR/CMSG_NXTHDR to be valid.
  struct alignas(cmsghdr) ControlBuffer {
    std::array<unsigned char, kControlBytes> bytes;
  };
  std::array<ControlBuffer, kBatch> control_{};
};

}  // namespace

std::unique_ptr<FrameSource> make_socketcan_source(std::shared_ptr<SocketCanPorts> ports,
                                                   SocketCanSourceOptions options) {
  return std::make_unique<SocketCanSource>(std::move(ports), options);
}

}  // namespace bms
