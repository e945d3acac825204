// bms-aggregator entry point: parse the command line, load the configuration, run.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/config_loader.hpp"
#include "app/decode_command.hpp"
#include "app/run_service.hpp"
#include "app/service_control.hpp"
#if BMS_WITH_DBUS
#include "app/status_command.hpp"
#endif
#include "version.hpp"

namespace {

/// Loads the config or prints every error ("FILE:LINE: key: what") and returns nullopt.
std::optional<bms::Settings> load_or_report(const std::string& path) {
  bms::ConfigResult config = bms::load_config_file(path);
  if (!config.ok()) {
    for (const auto& e : config.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return std::nullopt;
  }
  return config.settings;
}

}  // namespace

int main(int argc, char** argv) {
  // The armhf bundle starts us through its own ld-linux-armhf.so.3, whose name the process
  // would carry in top, ps -o comm, pidof and killall on the GX device.
  prctl(PR_SET_NAME, "bms-aggregator", 0, 0, 0);
  // A reader of stdout/stderr that goes away (runit's log service restarting, `| head`) or a
  // file size limit must not kill the service: writes then fail with EPIPE/EFBIG instead.
  // Log lines that cannot be written are lost; data files (--emit-log, --report) report it.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  // Logs go to stderr (runit's log/run and journald both collect it); stdout is for data.
  spdlog::set_default_logger(spdlog::stderr_color_mt("bms"));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

  const bms::CliResult cli = bms::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!cli.options) {
    std::fprintf(stderr, "bms-aggregator: %s\n", cli.error.c_str());
    return 2;
  }
  const bms::Options& options = *cli.options;
  switch (options.command) {
    case bms::Command::Help:
      std::fputs(bms::help_text(), stdout);
      return 0;
    case bms::Command::Version:
      std::printf("bms-aggregator %s\n", bms::kVersion);
      return 0;
    case bms::Command::Decode: {
      std::vector<std::string> args = options.decode_args;
      std::vector<char*> raw;
      for (auto& a : args) raw.push_back(a.data());
      return bms::run_decode_command(static_cast<int>(raw.size()), raw.data());
    }
    case bms::Command::Status:
#if BMS_WITH_DBUS
      return bms::run_status_command(options.status_args);
#else
      std::fputs("bms-aggregator: this build has no D-Bus support (BMS_WITH_DBUS=OFF)\n", stderr);
      return 2;
#endif
    case bms::Command::CheckConfig: {
      const auto settings = load_or_report(options.config_path);
      if (!settings) return 2;
      std::fputs(bms::render_config(*settings).c_str(), stdout);
      return 0;
    }
    case bms::Command::Run:
      break;
  }

  const auto settings = load_or_report(options.config_path);
  if (!settings) return 2;
  spdlog::set_level(spdlog::level::from_str(settings->log.level));

  try {
    // First thread-related step: blocks SIGTERM/SIGINT/SIGHUP before any thread exists.
    bms::ServiceControl control(options.config_path, *settings);
    const int status = bms::run_service(*settings, options, control.stop_token(), control.hooks());
    control.stopping(status == 0 ? "stopped" : "stopped with exit status " + std::to_string(status));
    if (control.stop_signal() != 0) spdlog::info("stopped on request, exit status {}", status);
    return status;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
