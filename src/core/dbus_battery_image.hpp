#pragma once
/// @file dbus_battery_image.hpp
/// A Venus OS battery service (com.victronenergy.battery.*) seen as a battery: its items
/// (path + value) become the same signals a CAN battery's frames produce, so every policy
/// rule applies to a D-Bus pack unchanged. Pure: no bus, no clock; the caller stamps time
/// and source index on the readings.
///
/// The image keeps the current value of every mapped signal, because a velib service sends
/// nothing while nothing changes: when the source proves it is alive (a probe answered),
/// `refresh()` re-issues what it holds, stamped with the new time, so a steady limit does
/// not go stale while the pack is there.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/reading.hpp"

namespace bms {

/// One item value as read from the bus: unknown (an empty array, velib's "invalid"), a number
/// (every integer, double and boolean type), or text.
struct ItemValue {
  enum class Kind : std::uint8_t { Invalid, Number, Text };
  Kind kind = Kind::Invalid;
  double number = 0.0;
  std::string_view text;

  static ItemValue invalid() noexcept { return {}; }
  static ItemValue of(double v) noexcept { return {Kind::Number, v, {}}; }
  static ItemValue of_text(std::string_view t) noexcept { return {Kind::Text, 0.0, t}; }
};

/// What became of one item.
enum class ItemOutcome : std::uint8_t {
  Mapped,     ///< produced readings (possibly none, when nothing changed)
  Ignored,    ///< a path the aggregate does not use (history, cells, /Mgmt/...)
  WrongType,  ///< text where a number belongs or the reverse: taken as unknown
};

/// The readings one item produced: at most two (an alarm level is a protection/warning pair).
struct MappedItem {
  ItemOutcome outcome = ItemOutcome::Ignored;
  std::uint8_t count = 0;
  std::array<Reading, 2> readings{};
};

/// Paths that make a battery service a BMS (it publishes charge limits). A SmartShunt or a
/// Lynx Shunt is a com.victronenergy.battery service too, but has none of them.
[[nodiscard]] bool is_bms_limit_path(std::string_view path) noexcept;

class DbusBatteryImage {
 public:
  /// Maps one item; readings carry `time_us` and `source`. Alarm paths that share a signal
  /// pair (/Alarms/LowVoltage and /Alarms/LowCellVoltage) combine to the worst known level.
  MappedItem apply(std::string_view path, const ItemValue& value, std::int64_t time_us, std::uint16_t source) noexcept;

  /// Calls `emit(reading)` for every signal the image holds a value for, stamped `time_us`.
  template <typename Emit>
  void refresh(std::int64_t time_us, std::uint16_t source, Emit&& emit) const {
    for (std::size_t i = 0; i < kSignalCount; ++i) {
      if (!held_[i]) continue;
      Reading r = *held_[i];
      r.time_us = time_us;
      r.source = source;
      emit(r);
    }
  }

  /// Forgets every value (the source went away; what it said no longer holds).
  void clear() noexcept;

  /// Number of alarm paths that combine into signal pairs (see the .cpp table).
  static constexpr std::size_t kAlarmPaths = 14;

 private:
  void hold(const Reading& r) noexcept;
  std::array<std::optional<Reading>, kSignalCount> held_{};
  std::array<std::int8_t, kAlarmPaths> alarm_levels_ = [] {
    std::array<std::int8_t, kAlarmPaths> a{};
    a.fill(-1);  // unknown
    return a;
  }();
};

}  // namespace bms
