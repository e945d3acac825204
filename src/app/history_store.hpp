#pragma once
/// @file history_store.hpp
/// Keeps the bank's /History counters across restarts in the state file's `[history]` table
/// (dbus/state_file: atomic, shared with /CustomName). Writes happen on a small writer thread
/// of their own, so an fsync on slow flash never stalls the aggregator thread.

#include <toml++/toml.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/history.hpp"

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
  /// Writes what is pending, then joins the thread.
  ~HistoryWriter();
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  /// Hands the counters to the writer thread (the newest wins); never waits for the disk.
  void save(const HistoryCounters& counters, std::int64_t now_unix_s);
  /// Blocks until everything handed over is written (tests, stop).
  void wait_idle();
  [[nodiscard]] std::uint64_t writes() const;

 private:
  void run(std::stop_token stop);

  std::string path_;
  mutable std::mutex mutex_;
  std::condition_variable_any cv_;
  std::optional<toml::table> pending_;
  bool writing_ = false;
  std::uint64_t writes_ = 0;
  std::jthread thread_;  ///< last: started after the members it uses
};

}  // namespace bms
