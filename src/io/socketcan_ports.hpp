#pragma once
/// @file socketcan_ports.hpp
/// The set of SocketCAN ports the gateway uses: one raw socket per interface, shared by
/// the source (receives, on the reader thread) and the sink (sends, on any thread). One
/// socket per interface is what keeps our own frames from being read back: the kernel
/// never delivers a socket's own frames to it (CAN_RAW_RECV_OWN_MSGS off) yet still loops
/// them back to every other local reader, such as candump.

#include <linux/can.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings.hpp"
#include "core/unique_fd.hpp"
#include "io/frame_sink.hpp"
#include "io/socketcan_filter.hpp"

namespace bms {

/// One interface and what is received on it.
struct CanPortSpec {
  std::string iface;
  std::vector<CanIdFilter> filters;  ///< exact ids to receive; empty = receive no data frames
  std::uint32_t bitrate = 0;         ///< bit/s to set at open; 0 = leave as the system set it
};

/// The ports the configuration needs: one per distinct interface, with the union of the
/// ids of the batteries on it, plus the inverter link ids on [output].interface.
/// Throws std::invalid_argument when two entries set different bitrates on one interface.
[[nodiscard]] std::vector<CanPortSpec> socketcan_ports_for(const Settings& settings);

enum class LinkState : unsigned char {
  Unknown,  ///< not checked yet
  Missing,  ///< no such interface, or the socket could not be opened/bound
  Down,     ///< interface exists but is not up and running
  Up,
};
/// "unknown", "missing", "down" or "up" (for logs and status).
[[nodiscard]] const char* to_string(LinkState s) noexcept;

/// Counters of one port. Written by the reader thread (receive side) and by senders
/// (send side) with relaxed atomics: they are statistics, nothing synchronises on them.
struct CanPortCounters {
  std::atomic<std::uint64_t> frames_received{0};
  std::atomic<std::uint64_t> frames_dropped{0};  ///< lost in the kernel queue (SO_RXQ_OVFL)
  std::atomic<std::uint64_t> error_frames{0};
  std::atomic<std::uint64_t> bus_off{0};
  std::atomic<std::uint64_t> controller_problems{0};
  std::atomic<std::uint64_t> restarts{0};  ///< successful restarts after bus-off
  std::atomic<std::uint64_t> reopens{0};   ///< sockets opened after the first
  std::atomic<std::uint64_t> state_changes{0};
  std::atomic<std::uint64_t> frames_sent{0};
  std::atomic<std::uint64_t> send_busy{0};  ///< back-pressure drops (ENOBUFS past the wait)
  std::atomic<std::uint64_t> send_failed{0};
};

/// A plain copy of one port's counters and state, for status output and tests.
struct CanPortStats {
  std::string iface;
  LinkState state = LinkState::Unknown;
  std::uint64_t frames_received = 0, frames_dropped = 0, error_frames = 0, bus_off = 0, controller_problems = 0,
                restarts = 0, reopens = 0, state_changes = 0, frames_sent = 0, send_busy = 0, send_failed = 0;
};

struct SocketCanPortOptions {
  /// How long a send may wait for the device queue to drain after ENOBUFS before it
  /// reports Busy (back-pressure). Short: the sender is on a timing-sensitive thread.
  std::int64_t enobufs_wait_us = 2000;
  /// Receive buffer per socket in bytes (0 = the system default); a bigger buffer rides
  /// out longer reader stalls before SO_RXQ_OVFL counts drops.
  int receive_buffer_bytes = 0;
};

class SocketCanPorts {
 public:
  /// Creates the ports and tries to open each one now. Never fails on a missing or down
  /// interface: such a port is retried by the source's link checks. Owns every fd it opens.
  [[nodiscard]] static std::shared_ptr<SocketCanPorts> open(std::vector<CanPortSpec> specs,
                                                            SocketCanPortOptions options = {});
  ~SocketCanPorts();
  SocketCanPorts(const SocketCanPorts&) = delete;
  SocketCanPorts& operator=(const SocketCanPorts&) = delete;

  /// Number of ports (interfaces); port indices are 0..size()-1 in configuration order.
  [[nodiscard]] std::size_t size() const noexcept { return ports_.size(); }
  /// The port's interface name.
  [[nodiscard]] const std::string& iface(std::size_t port) const noexcept;
  /// Index of the port on `iface`, if there is one.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view iface) const noexcept;

  /// Sends one classic CAN frame on a port. Thread-safe; never blocks longer than the
  /// ENOBUFS wait. Busy = back-pressure drop, Failed = port missing/down or write error.
  [[nodiscard]] SendResult send(std::size_t port, const can_frame& frame) noexcept;

  /// A snapshot of the port's state and counters; safe from any thread.
  [[nodiscard]] CanPortStats stats(std::size_t port) const;
  /// The port's live counters (the source and the sink add to them).
  [[nodiscard]] CanPortCounters& counters(std::size_t port) noexcept;

  // --- reader-thread side (SocketCanSource); not for other threads -------------------
  /// The port's socket, -1 when it is not open.
  [[nodiscard]] int reader_fd(std::size_t port) const noexcept;
  /// Re-checks the interface: opens, reopens (new ifindex) or closes the socket and logs a
  /// state change once. Returns true when the socket changed (the caller re-registers it).
  bool refresh(std::size_t port);
  /// True once after a sender saw the port fail (the reader then refreshes it at once).
  [[nodiscard]] bool take_check_request(std::size_t port) noexcept;
  /// The link state found by the last refresh().
  [[nodiscard]] LinkState state(std::size_t port) const noexcept;
  /// Last SO_RXQ_OVFL value seen on the port's current socket (a per-socket running count).
  std::uint32_t& overflow_mark(std::size_t port) noexcept;

 private:
  struct Port;
  SocketCanPorts(std::vector<CanPortSpec> specs, SocketCanPortOptions options);
  std::vector<std::unique_ptr<Port>> ports_;
  SocketCanPortOptions options_;
};

}  // namespace bms
