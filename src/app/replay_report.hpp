#pragma once
/// @file replay_report.hpp
/// `--report FILE.csv`: one row per output publication (each periodic tick, each protective
/// change, and the final state): time, each battery's SOC and online state, soc_diff, the
/// imbalance tier, the limits sent, whether the inverter's 0x305 keep-alive is present, then
/// per battery its own charge/discharge current limits and cell voltage extremes (empty when
/// unknown or offline), so the pack that drove the bank limit can be seen at each moment.
/// What a user looks at to choose thresholds.

#include <string>
#include <vector>

#include "core/snapshot_publisher.hpp"
#include "io/line_file.hpp"

namespace bms {

class ReplayReport final : public SnapshotPublisher {
 public:
  /// Creates (truncates) `path` and writes the header. @throws std::runtime_error naming the file.
  ReplayReport(const std::string& path, const std::vector<std::string>& battery_names);

  void publish(const Snapshot& snapshot, PublishReason reason) override;
  void flush() noexcept { file_.flush(); }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  /// True once any battery reported cell voltages (the plot then draws them).
  [[nodiscard]] bool cell_voltages_seen() const noexcept { return cell_voltages_seen_; }
  /// "PATH: cannot write: why" after a write error (the file keeps whole rows); else empty.
  [[nodiscard]] const std::string& error() const noexcept { return file_.error(); }

 private:
  LineFile file_;
  std::size_t rows_ = 0;
  bool cell_voltages_seen_ = false;
};

/// The CSV header for these batteries (also what the plot script refers to by column).
[[nodiscard]] std::string replay_report_header(const std::vector<std::string>& battery_names);

}  // namespace bms
