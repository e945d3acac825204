#pragma once
/// @file custom_name_writer.hpp
/// Keeps a /CustomName written over D-Bus in the state file from a thread of its own: the
/// write ends in fsync, which can take long on flash (and blocks for good on a stuck disk),
/// and the bus thread must keep answering GetValue meanwhile. The latest name wins: names
/// set while a write runs are coalesced into one more write.

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "dbus/custom_name_store.hpp"

namespace bms::dbus {

class CustomNameWriter {
 public:
  /// Starts the writer thread. @throws std::system_error when it cannot be started.
  explicit CustomNameWriter(CustomNameStore store);
  /// Writes a pending name, then joins the thread.
  ~CustomNameWriter();
  CustomNameWriter(const CustomNameWriter&) = delete;
  CustomNameWriter& operator=(const CustomNameWriter&) = delete;

  /// Queues `name` for writing; returns at once.
  void request(std::string name);

 private:
  void run(std::stop_token stop);

  CustomNameStore store_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::optional<std::string> pending_;
  std::jthread thread_;  ///< last: started after the members it uses exist
};

}  // namespace bms::dbus
