#pragma once
/// @file status_command.hpp
/// `bms-aggregator status [--watch] [--json] [--dbus BUS] [--service NAME] [--interval S]`:
/// reads the running service over D-Bus and prints the bank and a table of packs.

#include <cstdio>
#include <string>
#include <vector>

namespace bms {

/// The options after `status`, parsed; `error` set on a usage error.
struct StatusOptions {
  bool watch = false;
  bool json = false;
  std::string bus = "system";  ///< "system", "session" or an address
  std::string service;         ///< empty: the bms-aggregator battery service found on the bus
  double interval_s = 2.0;     ///< --watch refresh
  std::string error;
};

[[nodiscard]] StatusOptions parse_status_args(const std::vector<std::string>& args);

/// Runs the command. @return 0 printed, 2 bad usage or the service not there (with a message
/// on `err` naming the bus). With --watch it prints every interval until SIGINT/SIGTERM (0),
/// or until the service goes away (2).
int run_status_command(const std::vector<std::string>& args, std::FILE* out = stdout, std::FILE* err = stderr);

}  // namespace bms
