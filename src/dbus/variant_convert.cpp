#include "dbus/variant_convert.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace bms::dbus {
namespace {

template <typename T>
std::optional<BusValue> int_if_fits(const sdbus::Variant& v) {
  const auto x = v.get<T>();
  using L = std::numeric_limits<std::int32_t>;
  if constexpr (std::is_signed_v<T>) {
    if (static_cast<std::int64_t>(x) < L::min() || static_cast<std::int64_t>(x) > L::max()) return std::nullopt;
  } else {
    if (static_cast<std::uint64_t>(x) > static_cast<std::uint64_t>(L::max())) return std::nullopt;
  }
  return BusValue(static_cast<std::int32_t>(x));
}

}  // namespace

std::optional<BusValue> from_variant(const sdbus::Variant& v) {
  const std::string type = v.peekValueType();
  if (type == "i") return int_if_fits<std::int32_t>(v);
  if (type == "u") return int_if_fits<std::uint32_t>(v);
  if (type == "x") return int_if_fits<std::int64_t>(v);
  if (type == "t") return int_if_fits<std::uint64_t>(v);
  if (type == "n") return int_if_fits<std::int16_t>(v);
  if (type == "q") return int_if_fits<std::uint16_t>(v);
  if (type == "y") return int_if_fits<std::uint8_t>(v);
  if (type == "b") return BusValue(static_cast<std::int32_t>(v.get<bool>() ? 1 : 0));
  if (type == "d") return BusValue(v.get<double>());
  if (type == "s") return BusValue(v.get<std::string>());
  // Venus clients send "invalid" as an empty array; velib uses ai, others ay or av.
  if (type == "ai" && v.get<std::vector<std::int32_t>>().empty()) return BusValue{};
  if (type == "ay" && v.get<std::vector<std::uint8_t>>().empty()) return BusValue{};
  if (type == "av" && v.get<std::vector<sdbus::Variant>>().empty()) return BusValue{};
  return std::nullopt;
}

}  // namespace bms::dbus
