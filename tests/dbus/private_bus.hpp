#pragma once
// A private dbus-daemon for one test: its own config on a unix socket in a temp dir, started
// as our child (dies with us via PR_SET_PDEATHSIG), never the machine's system or session bus.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace bms::dbus::testing {

/// Polls `done` until it is true or `timeout` passes; the deadline wait every test uses
/// instead of a sleep. @return the last value of done().
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));

class PrivateBus {
 public:
  /// Starts the daemon. @throws std::runtime_error if it does not come up within 10 s.
  PrivateBus();
  ~PrivateBus();
  PrivateBus(const PrivateBus&) = delete;
  PrivateBus& operator=(const PrivateBus&) = delete;

  /// "unix:path=/tmp/.../bus": the same across stop()/start(), so a service can come back.
  [[nodiscard]] const std::string& address() const noexcept { return address_; }
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
  /// Kills the daemon (every connection drops) and waits for it to exit.
  void stop();
  /// Starts it again on the same socket.
  void start();

 private:
  std::filesystem::path dir_;
  std::string address_;
  pid_t pid_ = -1;
};

/// Result of a command run by run_command().
struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};

/// Runs argv with DBUS_SESSION_BUS_ADDRESS=bus_address (and DBUS_SYSTEM_BUS_ADDRESS pointed
/// at the same private bus, so nothing can reach the machine's buses), killed after `timeout`.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& bus_address,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// A process running beside the test (the bms-aggregator binary), stdout and stderr to a
/// file, with DBUS_SESSION_BUS_ADDRESS (and DBUS_SYSTEM_BUS_ADDRESS) set to the private bus.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& bus_address,
                    const std::filesystem::path& log);
  /// SIGTERM and reap, if still running.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  /// Everything it printed so far.
  [[nodiscard]] std::string output() const;
  /// SIGTERM, wait up to 10 s. @return the exit code (128 + signal if killed by one).
  int terminate();

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

}  // namespace bms::dbus::testing
