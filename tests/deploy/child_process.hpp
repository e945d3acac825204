#pragma once
// A child process for whole-process service tests: started with fork/exec, stderr to a
// file the test polls with a deadline, signalled, and reaped with a deadline.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bms::test {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Polls `predicate` every 10 ms until it holds or `timeout` passed; true when it held.
inline bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

class ChildProcess {
 public:
  /// Starts argv[0] with `env` added to the environment; stdout goes to /dev/null,
  /// stderr to `stderr_path`, stdin is `stdin_fd` when given (else inherited).
  ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path,
               const std::vector<std::pair<std::string, std::string>>& env = {}, int stdin_fd = -1)
      : stderr_path_(stderr_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
      if (stdin_fd >= 0 && ::dup2(stdin_fd, STDIN_FILENO) < 0) ::_exit(126);
      // The test runner may have blocked signals; the child starts from a clean mask.
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      if (std::freopen("/dev/null", "w", stdout) == nullptr) ::_exit(126);
      if (std::freopen(stderr_path.c_str(), "w", stderr) == nullptr) ::_exit(126);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int s = 0;
      ::waitpid(pid_, &s, 0);
    }
  }

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] std::string err() const { return slurp(stderr_path_); }
  void signal(int number) const { ::kill(pid_, number); }

  /// Waits until stderr contains `text` (its `count`-th occurrence) or the deadline passes.
  [[nodiscard]] bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout,
                                     std::size_t count = 1) const {
    return wait_until(
        [&] {
          const std::string e = err();
          std::size_t found = 0;
          for (std::size_t at = e.find(text); at != std::string::npos; at = e.find(text, at + 1)) ++found;
          return found >= count;
        },
        timeout);
  }

  /// Reaps the child if it exits before the deadline. @return its exit status, or nullopt
  /// when it is still running (or was killed by a signal: then -signal).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    wait_until(
        [&] {
          int s = 0;
          const pid_t r = ::waitpid(pid_, &s, WNOHANG);
          if (r == pid_) status_ = WIFEXITED(s) ? WEXITSTATUS(s) : -WTERMSIG(s);
          return status_.has_value();
        },
        timeout);
    return status_;
  }

  [[nodiscard]] bool running() {
    if (status_) return false;
    int s = 0;
    const pid_t r = ::waitpid(pid_, &s, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(s) ? WEXITSTATUS(s) : -WTERMSIG(s);
      return false;
    }
    return true;
  }

 private:
  pid_t pid_ = -1;
  std::string stderr_path_;
  std::optional<int> status_;
};

}  // namespace bms::test
