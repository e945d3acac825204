#include "private_bus.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace bms::dbus::testing {
namespace {

using Clock = std::chrono::steady_clock;

/// Reads from fd until `stop(text)` or EOF or the deadline. Returns what was read.
std::string read_until(int fd, Clock::time_point deadline, const std::function<bool(const std::string&)>& stop) {
  std::string text;
  char buf[4096];
  while (!stop(text)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

/// fork + exec with stdout (and stderr if `merge`) on a pipe; child dies with the test.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env_overrides, int& out_fd,
            bool merge) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fds[1], 1);
    if (merge) {
      ::dup2(fds[1], 2);
    } else if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) {
      ::dup2(null, 2);  // dbus-daemon's harmless "cannot raise fd limit" noise
    }
    for (const auto& kv : env_overrides) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_fd = fds[0];
  return pid;
}

}  // namespace

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval of a deadline wait
  }
  return true;
}

PrivateBus::PrivateBus() {
  char tmpl[] = "/tmp/bms-dbus-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
  dir_ = tmpl;
  const auto socket = dir_ / "bus";
  address_ = "unix:path=" + socket.string();
  std::ofstream(dir_ / "bus.conf")
      << R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>)"
      << address_ << R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)";
  start();
}

PrivateBus::~PrivateBus() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PrivateBus::start() {
  if (pid_ > 0) return;
  std::error_code ec;
  std::filesystem::remove(dir_ / "bus", ec);
  int out = -1;
  pid_ = spawn({"dbus-daemon", "--config-file=" + (dir_ / "bus.conf").string(), "--nofork", "--print-address=1"}, {},
               out, false);
  const std::string printed = read_until(out, Clock::now() + std::chrono::seconds(10),
                                         [](const std::string& t) { return t.find('\n') != std::string::npos; });
  ::close(out);
  if (printed.find(dir_.string()) == std::string::npos) {
    stop();
    throw std::runtime_error("dbus-daemon did not start: " + printed);
  }
}

void PrivateBus::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& bus_address,
                          std::chrono::milliseconds timeout) {
  int out = -1;
  const pid_t pid = spawn(argv,
                          {"DBUS_SESSION_BUS_ADDRESS=" + bus_address, "DBUS_SYSTEM_BUS_ADDRESS=" + bus_address,
                           "PYTHONDONTWRITEBYTECODE=1"},
                          out, true);
  CommandResult result;
  result.out = read_until(out, Clock::now() + timeout, [](const std::string&) { return false; });
  ::close(out);
  int status = 0;
  const bool exited = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, std::chrono::seconds(5));
  if (!exited) {
    ::kill(pid, SIGKILL);  // still running past the timeout: a hung client fails the test
    ::waitpid(pid, &status, 0);
    result.out += "\n[killed after timeout]";
    return result;
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const std::string& bus_address,
                                     const std::filesystem::path& log)
    : log_(log) {
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + log.string());
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setenv("DBUS_SESSION_BUS_ADDRESS", bus_address.c_str(), 1);
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", bus_address.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fd);
}

BackgroundProcess::~BackgroundProcess() { (void)terminate(); }

std::string BackgroundProcess::output() const {
  std::ifstream in(log_);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int BackgroundProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(10))) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace bms::dbus::testing
