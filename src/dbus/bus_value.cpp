#include "dbus/bus_value.hpp"

#include <cmath>
#include <cstdio>

namespace bms::dbus {

double round_to(double value, int decimals) noexcept {
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(value * scale) / scale;
  return r == 0.0 ? 0.0 : r;  // no "-0.0" on the bus or in the text
}

std::string format_number(const BusValue& v, int decimals, std::string_view unit) {
  char buf[64];
  if (const auto* d = std::get_if<double>(&v)) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, round_to(*d, decimals));
  } else if (const auto* i = std::get_if<std::int32_t>(&v)) {
    std::snprintf(buf, sizeof buf, "%d", *i);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    return *s + std::string(unit);
  } else {
    return "---";
  }
  return std::string(buf) + std::string(unit);
}

std::string format_plain(const BusValue& v) {
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", *d);
    return buf;
  }
  if (const auto* i = std::get_if<std::int32_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return "---";
}

std::string format_hex(const BusValue& v) {
  if (const auto* i = std::get_if<std::int32_t>(&v)) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%X", static_cast<unsigned>(*i));
    return buf;
  }
  return format_plain(v);
}

}  // namespace bms::dbus
