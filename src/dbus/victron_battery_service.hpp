#pragma once
/// @file victron_battery_service.hpp
/// The aggregate as the Victron battery D-Bus service (com.victronenergy.battery.*).
///
/// Threading: publish() runs on the aggregator thread and never blocks on the bus: it stores
/// the latest snapshot under a short lock and wakes the service's own bus thread. The bus thread
/// owns the connection and the item model, serves method calls, and publishes at most once per
/// update_interval_ms (at once for Protective and Final), one batched ItemsChanged with only
/// the items that changed. If the bus goes away it keeps taking snapshots, and re-registers
/// (objects first, name last) with backoff when the bus is back.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/settings.hpp"
#include "core/snapshot_publisher.hpp"
#include "core/unique_fd.hpp"
#include "dbus/battery_items.hpp"
#include "dbus/bus_attachment.hpp"
#include "dbus/bus_target.hpp"
#include "dbus/custom_name_store.hpp"
#include "dbus/item_tree.hpp"
#include "dbus/state_file_writer.hpp"

namespace bms::dbus {

/// How fast the service tries to (re)join the bus: doubling from `first` up to `max`.
struct RetryPolicy {
  std::chrono::milliseconds first{250};
  std::chrono::milliseconds max{5000};
};

/// Counters for tests, the status line and docs/PERFORMANCE.md. Monotonic.
struct ServiceStats {
  std::uint64_t registrations = 0;  ///< times the name was claimed (1 + re-registrations)
  std::uint64_t bus_losses = 0;     ///< times a live connection failed
  std::uint64_t flushes = 0;        ///< snapshots applied to the item model
  std::uint64_t items_changed_signals = 0;
  std::uint64_t properties_changed_signals = 0;
  std::uint64_t items_sent = 0;  ///< items carried by all ItemsChanged signals
};

class VictronBatteryService final : public SnapshotPublisher {
 public:
  /// Builds the item model (every path, identity values, /CustomName from the state file or
  /// the config). Does not touch the bus. @throws std::invalid_argument for a bad `dbus` value.
  VictronBatteryService(const Settings& settings, ServiceIdentity identity, RetryPolicy retry = {});
  /// Stops the bus thread if running.
  ~VictronBatteryService() override;
  VictronBatteryService(const VictronBatteryService&) = delete;
  VictronBatteryService& operator=(const VictronBatteryService&) = delete;

  /// Shares the connection and the bus thread with `attachment` (the D-Bus battery sources).
  /// Not owned; call before start().
  void set_attachment(BusAttachment* attachment) noexcept { attachment_ = attachment; }

  /// Starts the bus thread; returns at once. Joining the bus happens there, retried until it
  /// works, so a bus that is not up yet is not an error. @throws std::system_error if the
  /// thread or its wake-up eventfd cannot be made.
  void start();
  /// Publishes any pending snapshot, leaves the bus (the name disappears), joins the thread.
  void stop();

  /// Hands the snapshot to the bus thread. Never blocks on the bus; safe from any one thread.
  void publish(const Snapshot& snapshot, PublishReason reason) override;

  /// True while the service owns its bus name.
  [[nodiscard]] bool registered() const noexcept { return registered_.load(); }
  [[nodiscard]] ServiceStats stats() const;
  [[nodiscard]] const std::string& service_name() const noexcept { return settings_.service.service_name; }

 private:
  struct Session;
  using Clock = std::chrono::steady_clock;

  void run();
  void join_bus();
  void serve_once();
  void wait_for_wake(std::chrono::milliseconds timeout);
  bool flush(bool force);
  SetResult on_set_value(const std::string& path, const BusValue& value);
  [[nodiscard]] int next_flush_timeout_ms();
  void wake() noexcept;

  Settings settings_;
  BusTarget target_;
  RetryPolicy retry_;
  CustomNameStore name_store_;
  StateFileWriter name_writer_;  ///< /CustomName writes, off the bus thread
  ItemTree tree_;                ///< bus thread only

  std::mutex pending_mutex_;
  std::optional<Snapshot> pending_;  ///< latest unpublished snapshot
  bool urgent_ = false;              ///< a Protective/Final snapshot is pending
  bool final_ = false;               ///< the pending snapshot is the Final one (logged when out)

  UniqueFd wake_fd_;  ///< eventfd: wakes the bus thread (publish, stop)
  std::atomic<bool> stopping_{false};
  std::atomic<bool> registered_{false};
  std::unique_ptr<Session> session_;  ///< bus thread only
  BusAttachment* attachment_ = nullptr;
  bool attached_ = false;  ///< bus thread only
  void drop_session() noexcept;
  Clock::time_point next_flush_{};
  std::thread thread_;

  mutable std::mutex stats_mutex_;
  ServiceStats stats_;
};

/// The factory the application calls: a service ready to start(). `identity` fills
/// /Mgmt/Connection etc. (defaults derive from the settings).
[[nodiscard]] std::unique_ptr<VictronBatteryService> make_battery_service(const Settings& settings,
                                                                          ServiceIdentity identity = {});

}  // namespace bms::dbus
