#pragma once
/// @file status_line.hpp
/// A compact human-readable line per publication: what the demo shows and what the service
/// logs now and then. One line, fixed columns, so a stream of them reads like a table.

#include <cstdio>
#include <string>

#include "core/snapshot_publisher.hpp"

namespace bms {

/// Formats one status line (no newline). Time is shown as UTC time of day of the snapshot.
[[nodiscard]] std::string format_status_line(const Snapshot& snapshot);

class StatusLine final : public SnapshotPublisher {
 public:
  explicit StatusLine(std::FILE* out) : out_(out) {}
  void publish(const Snapshot& snapshot, PublishReason reason) override;

 private:
  std::FILE* out_;
};

}  // namespace bms
