#include "fake_battery.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "private_bus.hpp"

namespace bms::dbus::testing {

FakeBattery::FakeBattery(const std::string& bus_address, const std::filesystem::path& dir, const std::string& name,
                         const std::vector<std::string>& args)
    : log_(dir / ("fake-" + name + ".log")) {
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) throw std::runtime_error("cannot create " + log_.string());
  std::vector<std::string> argv{BMS_DBUS_PYTHON, std::string(BMS_DBUS_TEST_DIR) + "/fake_battery.py", "--name", name};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(in[0], 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::setenv("DBUS_SESSION_BUS_ADDRESS", bus_address.c_str(), 1);
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", bus_address.c_str(), 1);
    ::setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    ::execv(a[0], a.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out);
  stdin_fd_ = in[1];
  if (!wait_until([&] { return output().find("ready " + name) != std::string::npos; }, std::chrono::seconds(10))) {
    throw std::runtime_error("fake battery " + name + " did not come up: " + output());
  }
}

FakeBattery::~FakeBattery() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (pid_ <= 0) return;
  int status = 0;
  if (!wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(3))) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
}

bool FakeBattery::command(const std::string& json) {
  const std::string line = json + "\n";
  if (::write(stdin_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return false;
  const std::string ack = "ok " + std::to_string(++sent_) + "\n";
  return wait_until([&] { return output().find(ack) != std::string::npos; }, std::chrono::seconds(10));
}

std::string FakeBattery::output() const {
  std::ifstream in(log_);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 65536 ? text.substr(text.size() - 65536) : text;  // bounded in messages
}

}  // namespace bms::dbus::testing
