#pragma once
/// @file replay_plot.hpp
/// `--plot FILE.png`: draws a replay report with gnuplot: battery SOCs and soc_diff against
/// the imbalance thresholds above, the limits sent to the inverter below with each battery's
/// own limits beside them, and (when any battery reported them) the cell voltage extremes.

#include <string>
#include <vector>

#include "core/settings.hpp"

namespace bms {

/// The gnuplot script that draws `csv` into `png` (pure; exposed for tests).
[[nodiscard]] std::string replay_plot_script(const std::string& csv, const std::string& png,
                                             const std::vector<std::string>& battery_names,
                                             const ImbalanceSettings& imbalance, bool cell_voltages = false);

/// Runs gnuplot. @return empty on success, else what went wrong.
[[nodiscard]] std::string render_replay_plot(const std::string& csv, const std::string& png,
                                             const std::vector<std::string>& battery_names,
                                             const ImbalanceSettings& imbalance, bool cell_voltages = false);

}  // namespace bms
