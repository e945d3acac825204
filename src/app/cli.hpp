#pragma once
/// @file cli.hpp
/// Command-line parsing. Pure: argv in, Options or a usage error out.

#include <optional>
#include <string>
#include <vector>

namespace bms {

enum class Command : unsigned char { Run, CheckConfig, Decode, Status, Version, Help };

struct Options {
  Command command = Command::Run;
  std::string config_path;
  std::string replay_path;
  double speed = 1.0;  ///< replay pacing: 1 real time, N faster, 0 = max
  std::string emit_log_path;
  std::string report_path;  ///< --report FILE.csv
  std::string plot_path;    ///< --plot FILE.png
  bool no_dbus = false;
  bool keep_running = false;
  bool skip_malformed = false;
  double status_interval_s = 0;          ///< 0 = no status lines
  std::vector<std::string> decode_args;  ///< arguments after `decode`
  std::vector<std::string> status_args;  ///< arguments after `status` (app/status_command)
};

struct CliResult {
  std::optional<Options> options;
  std::string error;  ///< usage error, when options is empty
};

[[nodiscard]] CliResult parse_command_line(const std::vector<std::string>& args);

/// The --help text (kept next to the parser so it says what the parser does).
[[nodiscard]] const char* help_text() noexcept;

}  // namespace bms
