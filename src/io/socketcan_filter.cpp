#include "io/socketcan_filter.hpp"

#include <linux/can.h>

#include <algorithm>

namespace bms {

namespace {

std::vector<CanIdRange> merged(std::vector<CanIdRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const CanIdRange& a, const CanIdRange& b) {
    return a.extended != b.extended ? !a.extended : a.first < b.first;
  });
  std::vector<CanIdRange> out;
  for (const CanIdRange& r : ranges) {
    if (r.first > r.last) continue;
    // Merge overlapping and adjacent ranges so the cover below uses the biggest blocks.
    if (!out.empty() && out.back().extended == r.extended && r.first <= out.back().last + 1) {
      out.back().last = std::max(out.back().last, r.last);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace

std::vector<CanIdFilter> filters_for_ranges(std::span<const CanIdRange> ranges) {
  std::vector<CanIdFilter> out;
  for (const CanIdRange& r : merged({ranges.begin(), ranges.end()})) {
    const std::uint32_t id_mask = r.extended ? CAN_EFF_MASK : CAN_SFF_MASK;
    const std::uint32_t flags = r.extended ? CAN_EFF_FLAG : 0U;
    std::uint64_t a = std::min(r.first, id_mask);
    const std::uint64_t last = std::min(r.last, id_mask);
    // Cover [a, last] with aligned power-of-two blocks, largest first (like CIDR prefixes):
    // each block is one id/mask pair, and no id outside the range is accepted.
    while (a <= last) {
      std::uint64_t size = 1;
      while ((a % (size * 2)) == 0 && a + size * 2 - 1 <= last) size *= 2;
      const auto block_mask = static_cast<std::uint32_t>(id_mask & ~(size - 1));
      out.push_back({static_cast<std::uint32_t>(a) | flags, block_mask | CAN_EFF_FLAG | CAN_RTR_FLAG});
      a += size;
    }
  }
  return out;
}

bool filters_accept(std::span<const CanIdFilter> filters, std::uint32_t id, bool extended, bool remote) noexcept {
  const std::uint32_t can_id = id | (extended ? CAN_EFF_FLAG : 0U) | (remote ? CAN_RTR_FLAG : 0U);
  return std::any_of(filters.begin(), filters.end(),
                     [&](const CanIdFilter& f) { return (can_id & f.mask) == (f.id & f.mask); });
}

std::vector<CanIdRange> battery_id_ranges(const BatterySettings& battery) {
  if (battery.protocol == BatteryProtocol::Pylontech) return {{0x351, 0x382, false}};
  const auto n = static_cast<std::uint32_t>(battery.node_id);
  std::vector<CanIdRange> out;
  for (std::uint32_t base : {0x080U, 0x180U, 0x280U, 0x380U, 0x480U, 0x580U, 0x700U}) {
    out.push_back({base + n, base + n, false});
  }
  // TPDOs a map places at an absolute COB-ID (not "TPDOn of the node").
  if (battery.canopen_map) {
    for (const auto& pdo : battery.canopen_map->pdos) {
      if (pdo.pdo_number == 0) out.push_back({pdo.cob_id, pdo.cob_id, false});
    }
  }
  return out;
}

std::vector<CanIdRange> inverter_link_id_ranges() { return {{0x305, 0x307, false}, {0x305, 0x305, true}}; }

}  // namespace bms
