#pragma once
/// @file history_store.hpp
/// Keeps the bank's /History counters across restarts in the state file's `[history]` table
/// (dbus/state_file: atomic, shared with /CustomName). Writes happen on a writer thread
/// (dbus/state_file_writer), so an fsync on slow flash never stalls the aggregator thread.

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/history.hpp"
#include "dbus/state_file_writer.hpp"

namespace bms {

/// The `[history]` table's keys and back. Unknown keys are ignored (a newer version's);
/// a key of the wrong type or a negative counter makes the whole table unusable.
[[nodiscard]] toml::table history_to_table(const HistoryCounters& counters, std::int64_t saved_unix_s);
/// @return the counters, with the time the service was down (now_unix_s - saved_at, if
///         positive) added to seconds_since_full_charge; nullopt with `error` set when malformed.
[[nodiscard]] std::optional<HistoryCounters> history_from_table(const toml::table& history, std::int64_t now_unix_s,
                                                                std::string* error);

/// Loads `[history]` from the state file: nullopt (and `error` empty) when there is none yet.
[[nodiscard]] std::optional<HistoryCounters> load_history(const std::string& state_file, std::int64_t now_unix_s,
                                                          std::string* error);

class HistoryWriter {
 public:
  /// `state_file` empty: save() does nothing.
  explicit HistoryWriter(std::string state_file);

  /// Hands the counters to the writer thread (the newest wins); never waits for the disk.
  void save(const HistoryCounters& counters, std::int64_t now_unix_s);
  /// Blocks until everything handed over is written (tests, stop).
  void wait_idle() { writer_.wait_idle(); }
  [[nodiscard]] std::uint64_t writes() const { return writer_.writes(); }

 private:
  std::string path_;
  dbus::StateFileWriter writer_;  ///< writes what is pending when destroyed
};

}  // namespace bms
