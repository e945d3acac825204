#pragma once
/// @file dbus_battery_source.hpp
/// Batteries that Venus OS already knows: `protocol = "dbus"` batteries read from their
/// com.victronenergy.battery.* services, on the service's own connection and bus thread.
///
/// Event-driven: the battery names come from ListNames once and NameOwnerChanged after;
/// a service is read whole with one GetItems when it appears, then followed through its
/// ItemsChanged (Victron's C++ services) and PropertiesChanged (velib's Python services).
/// The only periodic work is a light liveness check per source every stale_after_ms / 3:
/// if it said anything since the last check, what it holds is re-issued with the new time
/// (a steady velib service sends nothing while nothing changes, and its values still hold);
/// if it said nothing, one asynchronous GetValue on /Connected asks. Every call is
/// asynchronous with a timeout: a source that hangs never blocks the bus thread.
///
/// A source is offline when its name vanishes, its /Connected is not 1, or it answered
/// nothing for its stale_after_ms. Our own service is never read. A service that publishes
/// no charge limits (a SmartShunt) is refused as a battery unless accept_non_bms is set.
/// Readings go to the aggregator thread through a SideInput, stamped with CLOCK_MONOTONIC.

#include <sdbus-c++/Types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sdbus {
class IProxy;
class Message;
}  // namespace sdbus

#include "core/dbus_battery_image.hpp"
#include "core/settings.hpp"
#include "core/side_input.hpp"
#include "dbus/bus_attachment.hpp"

namespace bms::dbus {

struct BusItemValue;

/// Counters for tests, the shutdown summary and docs/PERFORMANCE.md. Monotonic.
struct DbusSourceStats {
  std::uint64_t signals = 0;           ///< ItemsChanged/PropertiesChanged from bound sources
  std::uint64_t items = 0;             ///< items those carried
  std::uint64_t readings = 0;          ///< readings handed to the aggregator
  std::uint64_t readings_dropped = 0;  ///< side ring full
  std::uint64_t get_items_calls = 0;
  std::uint64_t probes = 0;         ///< liveness GetValue calls
  std::uint64_t call_failures = 0;  ///< errors and timeouts of our calls
  std::uint64_t bad_values = 0;     ///< a value of the wrong type (taken as unknown)
  std::uint64_t appeared = 0;       ///< bindings of a configured battery to a service
  std::uint64_t lost = 0;           ///< bound sources that went offline (name gone, /Connected 0)
  std::uint64_t refused = 0;        ///< services refused (not a BMS)
};

/// Index a bank shunt's readings carry (the [bank] current_source); see core/reading.hpp.
class DbusBatterySource final : public BusAttachment {
 public:
  struct Timing {
    std::chrono::milliseconds get_items_timeout{2000};
    std::chrono::milliseconds retry_after{5000};  ///< a scan that failed or timed out
  };
  DbusBatterySource(const Settings& settings, SideInput& out, Timing timing);
  DbusBatterySource(const Settings& settings, SideInput& out) : DbusBatterySource(settings, out, Timing{}) {}
  ~DbusBatterySource() override;

  void attach(sdbus::IConnection& connection) override;
  void detach() noexcept override;
  [[nodiscard]] std::optional<Clock::time_point> next_deadline() const override;
  void on_time(Clock::time_point now) override;

  [[nodiscard]] DbusSourceStats stats() const;
  /// The service each configured battery is read from now ("" while none), by battery index.
  [[nodiscard]] std::vector<std::string> bindings() const;

 private:
  struct Peer;
  struct Target;

  void on_names(const std::vector<std::string>& names);
  void on_owner(const std::string& name, const std::string& old_owner, const std::string& new_owner);
  void on_items_changed(sdbus::Message& msg);
  void on_properties_changed(sdbus::Message& msg);
  void start_scan(Peer& peer);
  void on_scanned(const std::string& name, const std::map<std::string, std::map<std::string, sdbus::Variant>>& items);
  void bind(Peer& peer, int target, const std::map<std::string, sdbus::Variant>& values);
  void apply_item(Peer& peer, const std::string& path, const sdbus::Variant& value, std::int64_t now_us);
  void apply_item(Peer& peer, const std::string& path, const BusItemValue& value, std::int64_t now_us);
  void set_connected(Peer& peer, bool connected, std::int64_t now_us);
  void lose(Peer& peer, const char* why);
  void probe(Peer& peer);
  void schedule_rescan(Peer& peer);
  [[nodiscard]] bool wants_time(const Peer& peer) const;
  static constexpr int kRescans = 6;  ///< GetItems again every retry_after, this often
  void heard(Peer& peer, std::int64_t now_us);
  [[nodiscard]] int match_target(const std::string& name, const std::string& serial,
                                 const std::string& custom_name) const;
  [[nodiscard]] Peer* peer_by_owner(const std::string& owner);
  void push(const Reading& r);
  void push_tick(std::int64_t now_us);
  void flush_round(Clock::time_point now);
  static constexpr std::int64_t kNoTick = std::numeric_limits<std::int64_t>::min();
  /// How long readings that change no decision (measurements) may wait for company.
  static constexpr std::chrono::milliseconds kMeasurementDelay{100};
  std::int64_t round_tick_us_ = kNoTick;  ///< latest reading time not yet handed over
  bool round_urgent_ = false;             ///< a reading not handed over can change a decision
  std::optional<Clock::time_point> measurement_flush_at_;

  std::vector<Target> targets_;  ///< configured D-Bus batteries (and the bank shunt)
  std::string own_service_;
  SideInput& out_;
  Timing timing_;

  sdbus::IConnection* connection_ = nullptr;
  std::string own_unique_name_;
  std::unique_ptr<sdbus::IProxy> bus_proxy_;  ///< org.freedesktop.DBus
  std::vector<std::unique_ptr<void, std::function<void(void*)>>> matches_;
  std::map<std::string, std::unique_ptr<Peer>> peers_;  ///< by well-known name

  /// DbusSourceStats as relaxed atomics: written by the bus thread, read by anyone.
  struct Counters {
    std::atomic<std::uint64_t> signals{0}, items{0}, readings{0}, readings_dropped{0}, get_items_calls{0}, probes{0},
        call_failures{0}, bad_values{0}, appeared{0}, lost{0}, refused{0};
  };
  Counters stats_;
  mutable std::mutex bindings_mutex_;
  std::vector<std::string> bindings_;  ///< under bindings_mutex_
};

}  // namespace bms::dbus
