#pragma once
/// @file state_file_writer.hpp
/// Writes to the state file from a thread of its own: a write ends in fsync, which can take
/// long on flash (and blocks for good on a stuck disk), and neither the bus thread nor the
/// aggregator thread may wait for it. The newest request wins: requests handed over while a
/// write runs are coalesced into one more write. Used for /CustomName (the D-Bus service)
/// and for the /History counters (app/history_store).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace bms::dbus {

class StateFileWriter {
 public:
  /// One write: true when done, false with `error` set. Runs on the writer thread.
  using Write = std::function<bool(std::string* error)>;

  /// Starts the writer thread; `failure_log` starts the warning logged when a write fails.
  /// @throws std::system_error when the thread cannot be started.
  explicit StateFileWriter(std::string failure_log);
  /// Runs a pending write, then joins the thread.
  ~StateFileWriter();
  StateFileWriter(const StateFileWriter&) = delete;
  StateFileWriter& operator=(const StateFileWriter&) = delete;

  /// Queues `write` (replacing one not started yet); returns at once.
  void request(Write write);
  /// Blocks until every request handed over has run (tests, stop).
  void wait_idle();
  /// Writes run so far (successful or not).
  [[nodiscard]] std::uint64_t writes() const;

 private:
  void run(std::stop_token stop);

  std::string failure_log_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::optional<Write> pending_;
  bool writing_ = false;
  std::uint64_t writes_ = 0;
  std::jthread thread_;  ///< last: started after the members it uses exist
};

}  // namespace bms::dbus
