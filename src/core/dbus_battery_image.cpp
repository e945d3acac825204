#include "core/dbus_battery_image.hpp"

#include <algorithm>
#include <cmath>

namespace bms {
namespace {

/// Numeric items that are one signal each (units as Venus OS publishes them).
struct NumberPath {
  std::string_view path;
  SignalId signal;
};
constexpr NumberPath kNumberPaths[] = {
    {"/Soc", SignalId::SocPct},
    {"/Soh", SignalId::SohPct},
    {"/Dc/0/Voltage", SignalId::VoltageV},
    {"/Dc/0/Current", SignalId::CurrentA},
    {"/Dc/0/Power", SignalId::PowerW},
    {"/Dc/0/Temperature", SignalId::TemperatureC},
    {"/Info/MaxChargeVoltage", SignalId::ChargeVoltageLimitV},
    {"/Info/MaxChargeCurrent", SignalId::ChargeCurrentLimitA},
    {"/Info/MaxDischargeCurrent", SignalId::DischargeCurrentLimitA},
    {"/Info/BatteryLowVoltage", SignalId::DischargeVoltageLimitV},
    {"/Io/AllowToCharge", SignalId::ChargeEnable},
    {"/Io/AllowToDischarge", SignalId::DischargeEnable},
    {"/System/MinCellVoltage", SignalId::MinCellVoltageV},
    {"/System/MaxCellVoltage", SignalId::MaxCellVoltageV},
    {"/System/MinCellTemperature", SignalId::MinCellTemperatureC},
    {"/System/MaxCellTemperature", SignalId::MaxCellTemperatureC},
    {"/System/NrOfModulesOnline", SignalId::ModulesOnline},
    {"/System/NrOfModulesOffline", SignalId::ModulesOffline},
    {"/System/NrOfModulesBlockingCharge", SignalId::ModulesBlockingCharge},
    {"/System/NrOfModulesBlockingDischarge", SignalId::ModulesBlockingDischarge},
    {"/InstalledCapacity", SignalId::InstalledCapacityAh},
    {"/Capacity", SignalId::AvailableCapacityAh},
};

/// Text items (the reading holds 8 bytes: cell ids such as "C16" or "1-5" fit).
constexpr NumberPath kTextPaths[] = {
    {"/System/MinVoltageCellId", SignalId::MinCellVoltageId},
    {"/System/MaxVoltageCellId", SignalId::MaxCellVoltageId},
    {"/System/MinTemperatureCellId", SignalId::MinCellTemperatureId},
    {"/System/MaxTemperatureCellId", SignalId::MaxCellTemperatureId},
    {"/ProductName", SignalId::ProductName},
    {"/Serial", SignalId::SerialNumber},
};

/// An alarm level (0 ok, 1 warning, 2 alarm) becomes the protection/warning pair a CAN BMS
/// sends for the same condition, so the aggregate's alarms and blocking rules are the CAN ones.
struct AlarmPair {
  SignalId protection;
  SignalId warning;
};
struct AlarmPath {
  std::string_view path;
  AlarmPair pair;
};
constexpr AlarmPair kHighVoltage{SignalId::ProtectionHighVoltage, SignalId::AlarmHighVoltage};
constexpr AlarmPair kLowVoltage{SignalId::ProtectionLowVoltage, SignalId::AlarmLowVoltage};
constexpr AlarmPair kInternal{SignalId::ProtectionGeneral, SignalId::AlarmGeneral};
constexpr AlarmPath kAlarmTable[] = {
    {"/Alarms/HighVoltage", kHighVoltage},
    {"/Alarms/HighCellVoltage", kHighVoltage},  // dbus-serialbattery
    {"/Alarms/LowVoltage", kLowVoltage},
    {"/Alarms/LowCellVoltage", kLowVoltage},
    {"/Alarms/HighTemperature", {SignalId::ProtectionHighTemperature, SignalId::AlarmHighTemperature}},
    {"/Alarms/LowTemperature", {SignalId::ProtectionLowTemperature, SignalId::AlarmLowTemperature}},
    // Charge temperatures block charging at level 2, as 0x35A's do.
    {"/Alarms/HighChargeTemperature",
     {SignalId::ProtectionHighChargeTemperature, SignalId::AlarmHighChargeTemperature}},
    {"/Alarms/LowChargeTemperature", {SignalId::ProtectionLowChargeTemperature, SignalId::AlarmLowChargeTemperature}},
    {"/Alarms/HighChargeCurrent", {SignalId::ProtectionHighChargeCurrent, SignalId::AlarmHighChargeCurrent}},
    {"/Alarms/HighDischargeCurrent", {SignalId::ProtectionHighDischargeCurrent, SignalId::AlarmHighDischargeCurrent}},
    {"/Alarms/CellImbalance", {SignalId::ProtectionCellImbalance, SignalId::AlarmCellImbalance}},
    {"/Alarms/InternalFailure", kInternal},
    {"/Alarms/FuseBlown", kInternal},
    // The pack's own BMS lost its cells or modules: a BMS failure, like 0x359's system error.
    {"/Alarms/BmsCable", {SignalId::ProtectionSystemError, SignalId::AlarmInternalCommunication}},
};
static_assert(std::size(kAlarmTable) == DbusBatteryImage::kAlarmPaths);

Reading signal_reading(SignalId id, double v, std::int64_t t, std::uint16_t source) noexcept {
  Reading r;
  r.time_us = t;
  r.source = source;
  r.kind = ReadingKind::Signal;
  r.signal = id;
  r.value = v;
  return r;
}

Reading invalid_reading(SignalId id, std::int64_t t, std::uint16_t source) noexcept {
  Reading r = signal_reading(id, 0.0, t, source);
  r.kind = ReadingKind::SignalInvalid;
  return r;
}

/// An alarm level as velib publishes it; anything but 0, 1 or 2 (rounded) is not a level.
std::int8_t alarm_level(const ItemValue& v) noexcept {
  if (v.kind != ItemValue::Kind::Number || !std::isfinite(v.number)) return -1;
  const double l = std::round(v.number);
  if (l < 0 || l > 2) return -1;
  return static_cast<std::int8_t>(l);
}

}  // namespace

bool is_bms_limit_path(std::string_view path) noexcept {
  return path == "/Info/MaxChargeCurrent" || path == "/Info/MaxDischargeCurrent" || path == "/Info/MaxChargeVoltage";
}

void DbusBatteryImage::hold(const Reading& r) noexcept {
  const auto i = static_cast<std::size_t>(r.signal);
  if (r.kind == ReadingKind::Signal) {
    held_[i] = r;
  } else {
    held_[i].reset();
  }
}

void DbusBatteryImage::clear() noexcept {
  held_.fill(std::nullopt);
  alarm_levels_.fill(-1);
}

MappedItem DbusBatteryImage::apply(std::string_view path, const ItemValue& value, std::int64_t time_us,
                                   std::uint16_t source) noexcept {
  MappedItem out;
  const auto add = [&](const Reading& r) {
    out.readings[out.count++] = r;
    hold(r);
  };
  for (const NumberPath& p : kNumberPaths) {
    if (p.path != path) continue;
    out.outcome = ItemOutcome::Mapped;
    if (value.kind == ItemValue::Kind::Number && std::isfinite(value.number)) {
      add(signal_reading(p.signal, value.number, time_us, source));
    } else {
      // [] is unknown; so is text or a non-finite number where a number belongs.
      if (value.kind != ItemValue::Kind::Invalid) out.outcome = ItemOutcome::WrongType;
      add(invalid_reading(p.signal, time_us, source));
    }
    return out;
  }
  for (const NumberPath& p : kTextPaths) {
    if (p.path != path) continue;
    out.outcome = ItemOutcome::Mapped;
    if (value.kind == ItemValue::Kind::Text) {
      Reading r = signal_reading(p.signal, 0.0, time_us, source);
      const std::size_t n = std::min(value.text.size(), r.text.size());
      std::copy_n(value.text.begin(), n, r.text.begin());
      add(r);
    } else {
      if (value.kind != ItemValue::Kind::Invalid) out.outcome = ItemOutcome::WrongType;
      add(invalid_reading(p.signal, time_us, source));
    }
    return out;
  }
  for (std::size_t i = 0; i < std::size(kAlarmTable); ++i) {
    if (kAlarmTable[i].path != path) continue;
    out.outcome = ItemOutcome::Mapped;
    const std::int8_t level = alarm_level(value);
    if (level < 0 && value.kind != ItemValue::Kind::Invalid) out.outcome = ItemOutcome::WrongType;
    alarm_levels_[i] = level;
    // The pair's level is the worst known level of every path that shares it.
    const AlarmPair pair = kAlarmTable[i].pair;
    std::int8_t worst = -1;
    for (std::size_t k = 0; k < std::size(kAlarmTable); ++k) {
      if (kAlarmTable[k].pair.protection == pair.protection) worst = std::max(worst, alarm_levels_[k]);
    }
    if (worst < 0) {
      add(invalid_reading(pair.protection, time_us, source));
      add(invalid_reading(pair.warning, time_us, source));
    } else {
      add(signal_reading(pair.protection, worst == 2 ? 1.0 : 0.0, time_us, source));
      add(signal_reading(pair.warning, worst == 1 ? 1.0 : 0.0, time_us, source));
    }
    return out;
  }
  return out;
}

}  // namespace bms
