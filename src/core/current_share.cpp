#include "core/current_share.hpp"

#include <algorithm>

#include "core/taper_math.hpp"

namespace bms {

std::optional<double> share_limited_current_a(std::span<const PackShare> packs, double bank_current_a,
                                              double threshold_a) noexcept {
  if (threshold_a <= 0.0 || bank_current_a <= threshold_a) return std::nullopt;
  std::optional<double> cap;
  for (const PackShare& p : packs) {
    if (!p.current_a) return std::nullopt;
    if (!p.limit_a || *p.current_a <= 0.0) continue;
    const double c = std::max(0.0, *p.limit_a) * bank_current_a / *p.current_a;
    cap = cap ? std::min(*cap, c) : c;
  }
  return cap;
}

std::optional<double> next_share_factor(std::optional<double> held, std::optional<double> cap_a,
                                        double n_times_min_a) noexcept {
  if (!cap_a || !(n_times_min_a > 0.0)) return std::nullopt;
  const double factor = std::min(1.0, *cap_a / n_times_min_a);
  if (!held) return factor;
  return hold_fall(*held, factor, kShareHysteresis * factor);
}

}  // namespace bms
