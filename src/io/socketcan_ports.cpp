#include "io/socketcan_ports.hpp"

#include <linux/can/raw.h>
#include <net/if.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>

#include "core/interface_bitrates.hpp"
#include "io/socketcan_link.hpp"

namespace bms {

struct SocketCanPorts::Port {
  CanPortSpec spec;
  std::mutex fd_mutex;  ///< held by senders while writing and by the reader while swapping fds
  UniqueFd fd;
  unsigned ifindex = 0;
  std::atomic<LinkState> state{LinkState::Unknown};  ///< written by the reader, read by stats()
  int last_open_errno = 0;                           ///< so a failing open is logged once, not every retry
  bool opened_before = false;
  bool was_up = false;  ///< "up" the first time, "up again" after that
  bool bitrate_reported = false;
  std::uint32_t overflow_mark = 0;
  std::atomic<bool> check_requested{false};
  CanPortCounters counters;
};

namespace {

std::int64_t monotonic_us() noexcept {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

template <typename T>
bool set_option(int fd, int level, int name, const T& value) noexcept {
  return ::setsockopt(fd, level, name, &value, sizeof value) == 0;
}

/// Opens and binds a raw CAN socket on ifindex with the port's receive options.
/// Returns an empty fd and sets errno on failure.
UniqueFd open_raw_socket(unsigned ifindex, const CanPortSpec& spec, const SocketCanPortOptions& options) {
  UniqueFd fd(::socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW));
  if (!fd.valid()) return fd;
  static_assert(sizeof(CanIdFilter) == sizeof(can_filter), "CanIdFilter mirrors struct can_filter");
  std::vector<can_filter> filters;
  filters.reserve(spec.filters.size());
  for (const CanIdFilter& f : spec.filters) filters.push_back({f.id, f.mask});
  const int one = 1;
  const int zero = 0;
  const can_err_mask_t all_errors = CAN_ERR_MASK;
  // An empty filter list (length 0) receives no data frames at all: a pure output port.
  const bool ok =
      ::setsockopt(fd.get(), SOL_CAN_RAW, CAN_RAW_FILTER, filters.empty() ? nullptr : filters.data(),
                   static_cast<socklen_t>(filters.size() * sizeof(can_filter))) == 0 &&
      set_option(fd.get(), SOL_CAN_RAW, CAN_RAW_ERR_FILTER, all_errors) &&
      set_option(fd.get(), SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, zero) &&
      set_option(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, one) && set_option(fd.get(), SOL_SOCKET, SO_RXQ_OVFL, one) &&
      (options.receive_buffer_bytes <= 0 || set_option(fd.get(), SOL_SOCKET, SO_RCVBUF, options.receive_buffer_bytes));
  if (!ok) {
    const int saved = errno;
    fd.reset();
    errno = saved;
    return fd;
  }
  sockaddr_can addr{};
  addr.can_family = AF_CAN;
  addr.can_ifindex = static_cast<int>(ifindex);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int saved = errno;
    fd.reset();
    errno = saved;
  }
  return fd;
}

/// IFF_UP and IFF_RUNNING of the interface, asked through the port's own socket.
bool link_is_up(int fd, const std::string& iface) noexcept {
  ifreq req{};
  std::strncpy(req.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFFLAGS, &req) != 0) return false;
  const auto flags = static_cast<unsigned>(req.ifr_flags);
  return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
}

}  // namespace

const char* to_string(LinkState s) noexcept {
  switch (s) {
    case LinkState::Unknown:
      return "unknown";
    case LinkState::Missing:
      return "missing";
    case LinkState::Down:
      return "down";
    case LinkState::Up:
      return "up";
  }
  return "?";
}

std::vector<CanPortSpec> socketcan_ports_for(const Settings& settings) {
  struct Wanted {
    std::vector<CanIdRange> ranges;
    std::uint32_t bitrate = 0;
  };
  // The configuration loader reports a conflict with its line; settings built in code get
  // the same rule here, before a port is set to one of two bitrates.
  if (const std::vector<BitrateConflict> conflicts = bitrate_conflicts(settings); !conflicts.empty()) {
    const BitrateConflict& c = conflicts.front();
    throw std::invalid_argument("interface " + c.interface + " is given two bitrates: " +
                                std::to_string(c.earlier_bitrate) + " and " + std::to_string(c.bitrate));
  }
  std::map<std::string, Wanted> by_iface;
  std::vector<std::string> order;  // configuration order, so logs and indices are stable
  auto want = [&](const std::string& iface, const std::vector<CanIdRange>& ranges, std::uint32_t bitrate) {
    auto [it, inserted] = by_iface.try_emplace(iface);
    if (inserted) order.push_back(iface);
    it->second.ranges.insert(it->second.ranges.end(), ranges.begin(), ranges.end());
    if (bitrate != 0) it->second.bitrate = bitrate;  // all the same: checked above
  };
  for (const BatterySettings& b : settings.batteries) {
    if (b.protocol == BatteryProtocol::Dbus) continue;  // read from D-Bus, not a CAN port
    want(b.interface, battery_id_ranges(b), b.bitrate);
  }
  if (settings.output.enabled) want(settings.output.interface, inverter_link_id_ranges(), settings.output.bitrate);
  std::vector<CanPortSpec> out;
  for (const std::string& iface : order) {
    const Wanted& w = by_iface.at(iface);
    out.push_back({iface, filters_for_ranges(w.ranges), w.bitrate});
  }
  return out;
}

SocketCanPorts::SocketCanPorts(std::vector<CanPortSpec> specs, SocketCanPortOptions options) : options_(options) {
  for (CanPortSpec& spec : specs) {
    auto port = std::make_unique<Port>();
    port->spec = std::move(spec);
    ports_.push_back(std::move(port));
  }
}

SocketCanPorts::~SocketCanPorts() = default;

std::shared_ptr<SocketCanPorts> SocketCanPorts::open(std::vector<CanPortSpec> specs, SocketCanPortOptions options) {
  std::shared_ptr<SocketCanPorts> ports(new SocketCanPorts(std::move(specs), options));
  for (std::size_t i = 0; i < ports->size(); ++i) ports->refresh(i);
  return ports;
}

const std::string& SocketCanPorts::iface(std::size_t port) const noexcept { return ports_[port]->spec.iface; }

std::optional<std::size_t> SocketCanPorts::find(std::string_view iface) const noexcept {
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    if (ports_[i]->spec.iface == iface) return i;
  }
  return std::nullopt;
}

int SocketCanPorts::reader_fd(std::size_t port) const noexcept { return ports_[port]->fd.get(); }
LinkState SocketCanPorts::state(std::size_t port) const noexcept { return ports_[port]->state.load(); }
CanPortCounters& SocketCanPorts::counters(std::size_t port) noexcept { return ports_[port]->counters; }
std::uint32_t& SocketCanPorts::overflow_mark(std::size_t port) noexcept { return ports_[port]->overflow_mark; }

bool SocketCanPorts::take_check_request(std::size_t port) noexcept {
  return ports_[port]->check_requested.exchange(false, std::memory_order_relaxed);
}

bool SocketCanPorts::refresh(std::size_t index) {
  Port& p = *ports_[index];
  const std::string& name = p.spec.iface;
  const unsigned ifindex = ::if_nametoindex(name.c_str());
  bool fd_changed = false;
  LinkState next = LinkState::Missing;
  int open_errno = 0;

  if (ifindex == 0) {
    open_errno = ENODEV;
    if (p.fd.valid()) {
      const std::lock_guard lock(p.fd_mutex);
      p.fd.reset();
      fd_changed = true;
    }
  } else if (p.fd.valid() && ifindex == p.ifindex) {
    next = link_is_up(p.fd.get(), name) ? LinkState::Up : LinkState::Down;
  } else {
    // New interface, or one deleted and re-created under the same name (new ifindex): the
    // old binding is dead, so open and bind a fresh socket.
    if (p.spec.bitrate != 0) {
      const LinkControlResult r = apply_bitrate(name, p.spec.bitrate);
      if (!r.ok || !p.bitrate_reported) {
        if (r.ok)
          spdlog::info("can: {}: {}", name, r.detail);
        else if (!p.bitrate_reported)
          spdlog::warn("can: {}: {}", name, r.detail);
        p.bitrate_reported = true;
      }
    }
    UniqueFd fresh = open_raw_socket(ifindex, p.spec, options_);
    open_errno = fresh.valid() ? 0 : errno;
    {
      const std::lock_guard lock(p.fd_mutex);
      p.fd = std::move(fresh);
    }
    fd_changed = true;
    p.overflow_mark = 0;
    if (p.fd.valid()) {
      p.ifindex = ifindex;
      if (p.opened_before) p.counters.reopens.fetch_add(1, std::memory_order_relaxed);
      p.opened_before = true;
      next = link_is_up(p.fd.get(), name) ? LinkState::Up : LinkState::Down;
    } else {
      p.ifindex = 0;
    }
  }

  const LinkState previous = p.state.load();
  if (next != previous || (next == LinkState::Missing && open_errno != p.last_open_errno)) {
    if (next == LinkState::Missing) {
      spdlog::warn("can: {} unavailable ({}); retrying", name, std::strerror(open_errno));
    } else if (next == LinkState::Down) {
      spdlog::warn("can: {} is down; waiting for it to come up", name);
    } else {
      spdlog::info("can: {} is up{}", name, p.was_up ? " again" : "");
      p.was_up = true;
    }
    if (previous != LinkState::Unknown && next != previous) {
      p.counters.state_changes.fetch_add(1, std::memory_order_relaxed);
    }
    p.state.store(next);
  }
  p.last_open_errno = open_errno;
  return fd_changed;
}

SendResult SocketCanPorts::send(std::size_t index, const can_frame& frame) noexcept {
  Port& p = *ports_[index];
  const std::lock_guard lock(p.fd_mutex);
  if (!p.fd.valid()) {
    p.counters.send_failed.fetch_add(1, std::memory_order_relaxed);
    return SendResult::Failed;
  }
  const std::int64_t deadline = monotonic_us() + options_.enobufs_wait_us;
  for (;;) {
    const ssize_t n = ::send(p.fd.get(), &frame, sizeof frame, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(sizeof frame)) {
      p.counters.frames_sent.fetch_add(1, std::memory_order_relaxed);
      return SendResult::Sent;
    }
    if (n >= 0) {
      // A CAN frame is one datagram; a partial one would be a different frame. Never resend a tail.
      p.counters.send_failed.fetch_add(1, std::memory_order_relaxed);
      return SendResult::Failed;
    }
    if (errno == EINTR) continue;
    if (errno == ENOBUFS || errno == EAGAIN) {
      const std::int64_t left = deadline - monotonic_us();
      if (left <= 0) {
        p.counters.send_busy.fetch_add(1, std::memory_order_relaxed);
        return SendResult::Busy;
      }
      // ENOBUFS comes from the device queue, which POLLOUT does not track (it tracks the
      // socket's buffer), so after POLLOUT also give the queue a short moment to drain.
      pollfd pfd{p.fd.get(), POLLOUT, 0};
      const std::int64_t step = std::min<std::int64_t>(left, 200);
      const timespec wait{0, static_cast<long>(step * 1000)};
      if (::ppoll(&pfd, 1, &wait, nullptr) > 0) ::ppoll(nullptr, 0, &wait, nullptr);
      continue;
    }
    // ENETDOWN, ENODEV, ...: ask the reader thread to re-check the link now.
    p.counters.send_failed.fetch_add(1, std::memory_order_relaxed);
    p.check_requested.store(true, std::memory_order_relaxed);
    return SendResult::Failed;
  }
}

CanPortStats SocketCanPorts::stats(std::size_t index) const {
  const Port& p = *ports_[index];
  const CanPortCounters& c = p.counters;
  auto get = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  CanPortStats s;
  s.iface = p.spec.iface;
  s.state = p.state.load();
  s.frames_received = get(c.frames_received);
  s.frames_dropped = get(c.frames_dropped);
  s.error_frames = get(c.error_frames);
  s.bus_off = get(c.bus_off);
  s.controller_problems = get(c.controller_problems);
  s.restarts = get(c.restarts);
  s.reopens = get(c.reopens);
  s.state_changes = get(c.state_changes);
  s.frames_sent = get(c.frames_sent);
  s.send_busy = get(c.send_busy);
  s.send_failed = get(c.send_failed);
  return s;
}

}  // namespace bms
