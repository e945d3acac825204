#include "core/interface_bitrates.hpp"

namespace bms {

std::vector<BitrateConflict> bitrate_conflicts(const Settings& settings) {
  std::vector<BitrateConflict> out;
  const std::vector<BatterySettings>& bats = settings.batteries;
  const auto on_can = [](const BatterySettings& b) { return b.protocol != BatteryProtocol::Dbus && b.bitrate != 0; };
  for (std::size_t i = 0; i < bats.size(); ++i) {
    const BatterySettings& b = bats[i];
    if (!on_can(b)) continue;
    for (std::size_t j = 0; j < i; ++j) {
      const BatterySettings& a = bats[j];
      if (on_can(a) && a.interface == b.interface && a.bitrate != b.bitrate) {
        out.push_back({b.interface, i, b.bitrate, j, a.bitrate});
      }
    }
    const OutputSettings& o = settings.output;
    if (o.enabled && o.interface == b.interface && o.bitrate != 0 && o.bitrate != b.bitrate) {
      out.push_back({o.interface, bats.size(), o.bitrate, i, b.bitrate});
    }
  }
  return out;
}

}  // namespace bms
