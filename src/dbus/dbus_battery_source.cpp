#include "dbus/dbus_battery_source.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/dbus_names.hpp"
#include "core/decision_signals.hpp"
#include "dbus/item_value_reader.hpp"

namespace bms::dbus {
namespace {

constexpr const char* kBusItem = "com.victronenergy.BusItem";
using Items = std::map<std::string, std::map<std::string, sdbus::Variant>>;

std::int64_t monotonic_us(BusAttachment::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

/// A text item's value ("" when invalid or not text).
std::string text_of(const std::map<std::string, sdbus::Variant>& values, const std::string& path) {
  const auto it = values.find(path);
  if (it == values.end() || it->second.peekValueType() != "s") return {};
  return it->second.get<std::string>();
}

/// /Connected as a number; nullopt when absent or invalid.
std::optional<double> number_of(const BusItemValue& v) {
  if (v.kind != ItemValue::Kind::Number) return std::nullopt;
  return v.number;
}
std::optional<double> number_of(const sdbus::Variant& v) { return number_of(item_value_of(v)); }

}  // namespace

/// A configured D-Bus battery (or the bank's shunt) and the service it is bound to.
struct DbusBatterySource::Target {
  std::string battery;  ///< name in logs
  std::uint16_t source = 0;
  std::string service, serial, custom_name;
  bool accept_non_bms = false;
  std::chrono::microseconds stale_after{5'000'000};
  std::string bound;  ///< the well-known name it is read from now
};

/// One com.victronenergy.battery.* name on the bus.
struct DbusBatterySource::Peer {
  enum class State : std::uint8_t { Scanning, Bound, Unbound, Refused, Failed };
  std::string name;
  std::string owner;
  std::unique_ptr<sdbus::IProxy> root;  ///< "/" of the service: GetItems, and /Connected's probe
  std::unique_ptr<sdbus::IProxy> connected_item;
  /// Its ItemsChanged and PropertiesChanged, by its unique name: set up before its GetItems,
  /// so no change falls between what GetItems returns and the first signal we see.
  std::vector<sdbus::Slot> matches;
  State state = State::Scanning;
  int target = -1;
  DbusBatteryImage image;
  bool connected = false;
  bool heard_since_check = false;
  bool probe_pending = false;
  bool failure_logged = false;
  bool refusal_logged = false;
  /// Older velib services claim their name before they add their paths, so a first GetItems
  /// can miss /Serial or the limits: a service that is not (yet) ours is read again a few times.
  int rescans_left = kRescans;
  std::string serial, custom_name;  ///< as the service published them (for unbound matching)
  Clock::time_point next_check{};
};

DbusBatterySource::DbusBatterySource(const Settings& settings, SideInput& out, Timing timing)
    : own_service_(settings.service.service_name), out_(out), timing_(timing) {
  for (std::size_t i = 0; i < settings.batteries.size(); ++i) {
    const BatterySettings& b = settings.batteries[i];
    if (b.protocol != BatteryProtocol::Dbus) continue;
    Target t;
    t.battery = b.name;
    t.source = static_cast<std::uint16_t>(i);
    t.service = b.dbus_service;
    t.serial = b.dbus_serial;
    t.custom_name = b.dbus_custom_name;
    t.accept_non_bms = b.accept_non_bms;
    t.stale_after = std::chrono::milliseconds(b.stale_after_ms);
    targets_.push_back(std::move(t));
  }
  if (!settings.bank.current_source.empty()) {
    Target t;
    t.battery = "bank current source";
    t.source = kSourceBankShunt;
    t.service = settings.bank.current_source;
    t.accept_non_bms = true;  // a shunt is what it is meant to be
    targets_.push_back(std::move(t));
  }
  bindings_.assign(settings.batteries.size(), std::string());
}

DbusBatterySource::~DbusBatterySource() { detach(); }

void DbusBatterySource::attach(sdbus::IConnection& connection) {
  connection_ = &connection;
  own_unique_name_ = connection.getUniqueName();
  // Matches once per connection. NameOwnerChanged only for battery names.
  matches_.push_back(connection.addMatch(
      "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',"
      "arg0namespace='com.victronenergy.battery'",
      [this](sdbus::Message& msg) {
        std::string name, old_owner, new_owner;
        msg >> name >> old_owner >> new_owner;
        on_owner(name, old_owner, new_owner);
      }));
  // ItemsChanged and PropertiesChanged are matched per battery service (on_owner): on a GX
  // every other service (chargers, inverters, the hub) sends BusItem signals too.
  // Then the names already there: ListNames and one GetNameOwner each, asynchronously.
  bus_proxy_ = sdbus::createProxy(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  bus_proxy_->callMethodAsync("ListNames")
      .onInterface("org.freedesktop.DBus")
      .withTimeout(timing_.get_items_timeout)
      .uponReplyInvoke([this](const sdbus::Error* error, const std::vector<std::string>& names) {
        if (error != nullptr) {
          spdlog::warn("D-Bus sources: ListNames failed: {}", error->getMessage());
          return;
        }
        on_names(names);
      });
}

void DbusBatterySource::detach() noexcept {
  // Everything the sources said is void without the connection: they are offline now.
  const std::int64_t now = monotonic_us(Clock::now());
  for (auto& [name, peer] : peers_) {
    if (peer->state == Peer::State::Bound) {
      Reading r;
      r.time_us = now;
      r.source = targets_[static_cast<std::size_t>(peer->target)].source;
      r.kind = ReadingKind::SourceLost;
      push(r);
      targets_[static_cast<std::size_t>(peer->target)].bound.clear();
    }
  }
  if (!peers_.empty()) push_tick(now);
  round_urgent_ = true;  // lost packs: at once
  flush_round(Clock::now());
  peers_.clear();
  bus_proxy_.reset();
  matches_.clear();
  connection_ = nullptr;
  std::lock_guard lock(bindings_mutex_);
  std::fill(bindings_.begin(), bindings_.end(), std::string());
}

void DbusBatterySource::on_names(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (!name.starts_with(kBatteryServicePrefix) || peers_.count(name) != 0) continue;
    bus_proxy_->callMethodAsync("GetNameOwner")
        .onInterface("org.freedesktop.DBus")
        .withTimeout(timing_.get_items_timeout)
        .withArguments(name)
        .uponReplyInvoke([this, name](const sdbus::Error* error, const std::string& owner) {
          if (error == nullptr && peers_.count(name) == 0) on_owner(name, "", owner);
        });
  }
}

void DbusBatterySource::on_owner(const std::string& name, const std::string& /*old_owner*/,
                                 const std::string& new_owner) {
  if (!name.starts_with(kBatteryServicePrefix)) return;
  // Never our own service: reading our aggregate as a pack would feed it back into itself.
  if (name == own_service_ || new_owner == own_unique_name_) return;
  if (auto it = peers_.find(name); it != peers_.end()) {
    lose(*it->second, "its name left the bus");
    peers_.erase(it);  // drops its proxies: pending calls are cancelled
  }
  if (new_owner.empty()) return;
  auto peer = std::make_unique<Peer>();
  peer->name = name;
  peer->owner = new_owner;
  Peer& p = *peer;
  peers_.emplace(name, std::move(peer));
  const std::string sender = "type='signal',sender='" + new_owner + "',interface='com.victronenergy.BusItem',";
  p.matches.push_back(connection_->addMatch(sender + "member='ItemsChanged',path='/'",
                                            [this](sdbus::Message& msg) { on_items_changed(msg); }));
  p.matches.push_back(connection_->addMatch(sender + "member='PropertiesChanged'",
                                            [this](sdbus::Message& msg) { on_properties_changed(msg); }));
  start_scan(p);
}

void DbusBatterySource::start_scan(Peer& peer) {
  peer.state = Peer::State::Scanning;
  if (!peer.root) peer.root = sdbus::createProxy(*connection_, peer.name, "/");
  stats_.get_items_calls.fetch_add(1, std::memory_order_relaxed);
  const std::string name = peer.name;
  peer.root->callMethodAsync("GetItems")
      .onInterface(kBusItem)
      .withTimeout(timing_.get_items_timeout)
      .uponReplyInvoke([this, name](const sdbus::Error* error, const Items& items) {
        auto it = peers_.find(name);
        if (it == peers_.end()) return;
        Peer& p = *it->second;
        if (error != nullptr) {
          stats_.call_failures.fetch_add(1, std::memory_order_relaxed);
          if (!p.failure_logged) {
            spdlog::warn("D-Bus sources: {} did not answer GetItems: {} (retrying every {} ms)", name,
                         error->getMessage(), timing_.retry_after.count());
            p.failure_logged = true;
          }
          p.state = Peer::State::Failed;
          p.next_check = Clock::now() + timing_.retry_after;
          return;
        }
        on_scanned(name, items);
      });
}

int DbusBatterySource::match_target(const std::string& name, const std::string& serial,
                                    const std::string& custom_name) const {
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const Target& t = targets_[i];
    if ((!t.service.empty() && t.service == name) || (!t.serial.empty() && t.serial == serial) ||
        (!t.custom_name.empty() && t.custom_name == custom_name)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void DbusBatterySource::on_scanned(const std::string& name, const Items& items) {
  Peer& peer = *peers_.at(name);
  peer.failure_logged = false;
  std::map<std::string, sdbus::Variant> values;
  for (const auto& [path, entry] : items) {
    if (auto v = entry.find("Value"); v != entry.end()) values.emplace(path, v->second);
  }
  peer.serial = text_of(values, "/Serial");
  peer.custom_name = text_of(values, "/CustomName");
  const int target = match_target(name, peer.serial, peer.custom_name);
  if (target < 0) {
    peer.state = Peer::State::Unbound;  // not ours; watched for /Serial or /CustomName changes
    schedule_rescan(peer);
    spdlog::debug("D-Bus sources: {} (serial \"{}\") is not a configured battery", name, peer.serial);
    return;
  }
  bind(peer, target, values);
}

void DbusBatterySource::schedule_rescan(Peer& peer) {
  if (peer.rescans_left <= 0) {
    peer.next_check = Clock::time_point{};  // settled: not ours
    return;
  }
  --peer.rescans_left;
  peer.next_check = Clock::now() + timing_.retry_after;
}

void DbusBatterySource::bind(Peer& peer, int target, const std::map<std::string, sdbus::Variant>& values) {
  Target& t = targets_[static_cast<std::size_t>(target)];
  if (!t.bound.empty() && t.bound != peer.name) {
    spdlog::warn("D-Bus sources: {} also matches battery {}, which is read from {}; ignored", peer.name, t.battery,
                 t.bound);
    peer.state = Peer::State::Unbound;
    return;
  }
  const bool is_bms =
      std::any_of(values.begin(), values.end(), [](const auto& kv) { return is_bms_limit_path(kv.first); });
  if (!is_bms && !t.accept_non_bms) {
    if (!peer.refusal_logged) {
      spdlog::warn(
          "D-Bus sources: refused {} as battery {}: it publishes no /Info/MaxChargeVoltage, MaxChargeCurrent or "
          "MaxDischargeCurrent, so it is not a BMS (a shunt?); set accept_non_bms = true to take it anyway",
          peer.name, t.battery);
      peer.refusal_logged = true;
      stats_.refused.fetch_add(1, std::memory_order_relaxed);
    }
    peer.state = Peer::State::Refused;
    schedule_rescan(peer);
    return;
  }
  peer.state = Peer::State::Bound;
  peer.target = target;
  t.bound = peer.name;

  stats_.appeared.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(bindings_mutex_);
    if (t.source < bindings_.size()) bindings_[t.source] = peer.name;
  }
  const auto now = Clock::now();
  const std::int64_t now_us = monotonic_us(now);
  peer.image.clear();
  for (const auto& [path, value] : values) {
    if (path != "/Connected") apply_item(peer, path, value, now_us);
  }
  const auto connected_item = values.find("/Connected");
  const bool connected = connected_item != values.end() && number_of(connected_item->second) == 1.0;
  spdlog::info("D-Bus sources: battery {} is {} (serial \"{}\"){}", t.battery, peer.name, peer.serial,
               connected ? "" : "; /Connected is not 1: offline until it is");
  // Handed on only once it says it is connected (it has never been online before this).
  if (connected) set_connected(peer, true, now_us);
  peer.next_check = now + std::max(t.stale_after / 3, std::chrono::microseconds(50'000));
  push_tick(now_us);
}

void DbusBatterySource::apply_item(Peer& peer, const std::string& path, const sdbus::Variant& value,
                                   std::int64_t now_us) {
  apply_item(peer, path, item_value_of(value), now_us);
}

void DbusBatterySource::apply_item(Peer& peer, const std::string& path, const BusItemValue& value,
                                   std::int64_t now_us) {
  const std::uint16_t source = targets_[static_cast<std::size_t>(peer.target)].source;
  const MappedItem m = peer.image.apply(path, value.item(), now_us, source);
  if (value.wrong_type || m.outcome == ItemOutcome::WrongType) {
    if (stats_.bad_values.fetch_add(1, std::memory_order_relaxed) == 0) {
      spdlog::warn("D-Bus sources: {} {}: value of the wrong type, taken as unknown", peer.name, path);
    }
  }
  // While /Connected is not 1 the values are held in the image but not handed on.
  if (!peer.connected) return;
  for (std::uint8_t i = 0; i < m.count; ++i) push(m.readings[i]);
}

void DbusBatterySource::set_connected(Peer& peer, bool connected, std::int64_t now_us) {
  const Target& t = targets_[static_cast<std::size_t>(peer.target)];
  if (connected) {
    const bool was = peer.connected;
    peer.connected = true;
    heard(peer, now_us);
    if (!was) peer.image.refresh(now_us, t.source, [this](const Reading& r) { push(r); });
    return;
  }
  if (peer.connected)
    spdlog::warn("D-Bus sources: battery {} ({}): /Connected is not 1; offline", t.battery, peer.name);
  peer.connected = false;
  Reading r;
  r.time_us = now_us;
  r.source = t.source;
  r.kind = ReadingKind::SourceLost;
  push(r);
  stats_.lost.fetch_add(1, std::memory_order_relaxed);
}

void DbusBatterySource::heard(Peer& peer, std::int64_t now_us) {
  peer.heard_since_check = true;
  if (!peer.connected) return;
  Reading r;
  r.time_us = now_us;
  r.source = targets_[static_cast<std::size_t>(peer.target)].source;
  r.kind = ReadingKind::FrameSeen;
  push(r);
}

void DbusBatterySource::lose(Peer& peer, const char* why) {
  if (peer.state != Peer::State::Bound) return;
  Target& t = targets_[static_cast<std::size_t>(peer.target)];
  spdlog::warn("D-Bus sources: battery {} ({}): {}; offline", t.battery, peer.name, why);
  const std::int64_t now_us = monotonic_us(Clock::now());
  Reading r;
  r.time_us = now_us;
  r.source = t.source;
  r.kind = ReadingKind::SourceLost;
  push(r);
  push_tick(now_us);
  t.bound.clear();
  peer.state = Peer::State::Unbound;
  stats_.lost.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(bindings_mutex_);
  if (t.source < bindings_.size()) bindings_[t.source].clear();
}

bool DbusBatterySource::wants_time(const Peer& p) const {
  switch (p.state) {
    case Peer::State::Bound:
    case Peer::State::Failed:
      return true;
    case Peer::State::Unbound:
    case Peer::State::Refused:
      return p.next_check != Clock::time_point{};
    case Peer::State::Scanning:
      return false;
  }
  return false;
}

DbusBatterySource::Peer* DbusBatterySource::peer_by_owner(const std::string& owner) {
  for (auto& [name, peer] : peers_) {
    if (peer->owner == owner) return peer.get();
  }
  return nullptr;
}

void DbusBatterySource::on_items_changed(sdbus::Message& msg) {
  Peer* peer = peer_by_owner(msg.getSender());
  if (peer == nullptr) return;
  const std::int64_t now_us = monotonic_us(Clock::now());
  if (peer->state == Peer::State::Unbound) {
    // A pack named by serial or custom name may publish it after it appeared.
    bool named = false;
    (void)read_items_changed(msg, [&](const std::string& path, const BusItemValue& v) {
      if (v.kind != ItemValue::Kind::Text) return;
      if (path == "/Serial") {
        peer->serial = v.text;
        named = true;
      } else if (path == "/CustomName") {
        peer->custom_name = v.text;
        named = true;
      }
    });
    if (named && match_target(peer->name, peer->serial, peer->custom_name) >= 0) start_scan(*peer);
    return;
  }
  if (peer->state != Peer::State::Bound) return;
  std::uint64_t n = 0;
  std::optional<bool> connected;
  const bool ok = read_items_changed(msg, [&](const std::string& path, const BusItemValue& v) {
    ++n;
    if (path == "/Connected") {
      connected = number_of(v) == 1.0;
    } else {
      apply_item(*peer, path, v, now_us);
    }
  });
  if (!ok) {
    if (stats_.bad_values.fetch_add(1, std::memory_order_relaxed) == 0) {
      spdlog::warn("D-Bus sources: {}: ItemsChanged without the a{{sa{{sv}}}} shape; ignored", peer->name);
    }
    return;
  }
  stats_.signals.fetch_add(1, std::memory_order_relaxed);
  stats_.items.fetch_add(n, std::memory_order_relaxed);
  if (connected && *connected != peer->connected) set_connected(*peer, *connected, now_us);
  heard(*peer, now_us);
  push_tick(now_us);
}

void DbusBatterySource::on_properties_changed(sdbus::Message& msg) {
  Peer* peer = peer_by_owner(msg.getSender());
  if (peer == nullptr || peer->state != Peer::State::Bound) return;
  const std::optional<BusItemValue> value = read_properties_changed(msg);
  if (!value) return;  // a PropertiesChanged of another shape (not velib's): not ours to read
  const std::string path = msg.getPath();
  const std::int64_t now_us = monotonic_us(Clock::now());
  stats_.signals.fetch_add(1, std::memory_order_relaxed);
  stats_.items.fetch_add(1, std::memory_order_relaxed);
  if (path == "/Connected") {
    const bool connected = number_of(*value) == 1.0;
    if (connected != peer->connected) set_connected(*peer, connected, now_us);
  } else {
    apply_item(*peer, path, *value, now_us);
  }
  heard(*peer, now_us);
  push_tick(now_us);
}

void DbusBatterySource::probe(Peer& peer) {
  if (peer.probe_pending) return;
  if (!peer.connected_item) peer.connected_item = sdbus::createProxy(*connection_, peer.name, "/Connected");
  peer.probe_pending = true;
  stats_.probes.fetch_add(1, std::memory_order_relaxed);
  const Target& t = targets_[static_cast<std::size_t>(peer.target)];
  const std::string name = peer.name;
  peer.connected_item->callMethodAsync("GetValue")
      .onInterface(kBusItem)
      .withTimeout(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(t.stale_after / 3),
                            std::chrono::milliseconds(50)))
      .uponReplyInvoke([this, name](const sdbus::Error* error, const sdbus::Variant& value) {
        auto it = peers_.find(name);
        if (it == peers_.end()) return;
        Peer& p = *it->second;
        p.probe_pending = false;
        if (error != nullptr || p.state != Peer::State::Bound) {
          // Silence is not an answer: the battery goes stale on its own after stale_after_ms.
          stats_.call_failures.fetch_add(1, std::memory_order_relaxed);
          return;
        }
        const std::int64_t now_us = monotonic_us(Clock::now());
        const bool connected = number_of(value) == 1.0;
        const Target& tt = targets_[static_cast<std::size_t>(p.target)];
        if (connected != p.connected) {
          set_connected(p, connected, now_us);  // coming back re-issues what it holds
        } else if (connected) {
          heard(p, now_us);
          p.image.refresh(now_us, tt.source, [this](const Reading& r) { push(r); });
        }
        p.heard_since_check = false;  // this answer is the check
        push_tick(now_us);
      });
}

std::optional<BusAttachment::Clock::time_point> DbusBatterySource::next_deadline() const {
  std::optional<Clock::time_point> next = measurement_flush_at_;
  for (const auto& [name, peer] : peers_) {
    if (!wants_time(*peer)) continue;
    if (!next || peer->next_check < *next) next = peer->next_check;
  }
  return next;
}

void DbusBatterySource::on_time(Clock::time_point now) {
  bool pushed = false;
  const std::int64_t now_us = monotonic_us(now);
  for (auto& [name, peer] : peers_) {
    Peer& p = *peer;
    if (now < p.next_check) continue;
    if (!wants_time(p)) continue;
    if (p.state != Peer::State::Bound) {  // a failed scan, or a service not (yet) ours: read it again
      p.next_check = now + timing_.retry_after;
      start_scan(p);
      continue;
    }
    if (p.state != Peer::State::Bound) continue;
    const Target& t = targets_[static_cast<std::size_t>(p.target)];
    p.next_check = now + std::max(t.stale_after / 3, std::chrono::microseconds(50'000));
    if (p.heard_since_check && p.connected) {
      // It spoke since the last check and said nothing changed: what it holds is current.
      p.heard_since_check = false;
      p.image.refresh(now_us, t.source, [this](const Reading& r) { push(r); });
      Reading seen;
      seen.time_us = now_us;
      seen.source = t.source;
      seen.kind = ReadingKind::FrameSeen;
      push(seen);
      pushed = true;
    } else {
      probe(p);
    }
  }
  if (pushed) push_tick(now_us);
  flush_round(now);
}

void DbusBatterySource::push(const Reading& r) {
  // What can change a decision wakes the aggregator at the end of this dispatch round.
  if (r.kind == ReadingKind::SignalInvalid || r.kind == ReadingKind::SourceLost ||
      (r.kind == ReadingKind::Signal && is_decision_signal(r.signal))) {
    round_urgent_ = true;
  }
  if (out_.push(r)) {
    stats_.readings.fetch_add(1, std::memory_order_relaxed);
  } else {
    stats_.readings_dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void DbusBatterySource::push_tick(std::int64_t now_us) {
  // Deferred to the end of the dispatch round (flush_round), so a burst of signals (velib
  // sends one per path) wakes the aggregator once.
  round_tick_us_ = std::max(round_tick_us_, now_us);
}

void DbusBatterySource::flush_round(Clock::time_point now) {
  if (round_tick_us_ == kNoTick) return;
  // Measurements only (voltages, currents, cells): they are shown at the next publication
  // anyway, so they wait up to kMeasurementDelay and share one wake-up of the aggregator.
  if (!round_urgent_) {
    if (!measurement_flush_at_) measurement_flush_at_ = now + kMeasurementDelay;
    if (now < *measurement_flush_at_) return;
  }
  round_urgent_ = false;
  measurement_flush_at_.reset();
  // A tick at the readings' own time settles them at once: a protective change goes out
  // now, not when the next frame or tick happens to arrive.
  Reading tick;
  tick.time_us = round_tick_us_;
  tick.kind = ReadingKind::Tick;
  (void)out_.push(tick);
  out_.flush();
  round_tick_us_ = kNoTick;
}

DbusSourceStats DbusBatterySource::stats() const {
  const auto get = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  DbusSourceStats s;
  s.signals = get(stats_.signals);
  s.items = get(stats_.items);
  s.readings = get(stats_.readings);
  s.readings_dropped = get(stats_.readings_dropped);
  s.get_items_calls = get(stats_.get_items_calls);
  s.probes = get(stats_.probes);
  s.call_failures = get(stats_.call_failures);
  s.bad_values = get(stats_.bad_values);
  s.appeared = get(stats_.appeared);
  s.lost = get(stats_.lost);
  s.refused = get(stats_.refused);
  return s;
}

std::vector<std::string> DbusBatterySource::bindings() const {
  std::lock_guard lock(bindings_mutex_);
  return bindings_;
}

}  // namespace bms::dbus
