#pragma once
// A fake velib-style battery service (fake_battery.py, Debian's python3-dbus) on the private
// bus, driven through its stdin: every command is acknowledged before command() returns.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace bms::dbus::testing {

class FakeBattery {
 public:
  /// Starts `fake_battery.py --name NAME ARGS...` and waits (10 s deadline) until its name is
  /// claimed. @throws std::runtime_error when it does not come up.
  FakeBattery(const std::string& bus_address, const std::filesystem::path& dir, const std::string& name,
              const std::vector<std::string>& args = {});
  /// Closes its stdin (it quits), then SIGTERM if it is still there.
  ~FakeBattery();
  FakeBattery(const FakeBattery&) = delete;
  FakeBattery& operator=(const FakeBattery&) = delete;

  /// Sends one JSON command line and waits (10 s) for its acknowledgement. @return false on timeout.
  bool command(const std::string& json);
  /// {"set": {PATH: VALUE}} with VALUE already JSON ("30.0", "null", "\"C5\"").
  bool set(const std::string& path, const std::string& json_value) {
    return command("{\"set\": {\"" + path + "\": " + json_value + "}}");
  }
  [[nodiscard]] std::string output() const;

 private:
  std::filesystem::path log_;
  int stdin_fd_ = -1;
  int pid_ = -1;
  int sent_ = 0;
};

}  // namespace bms::dbus::testing
