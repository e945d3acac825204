// Unit tests of the service plumbing: signalfd signals, sd_notify messages, watchdog
// pacing, and the SIGHUP reload's validation and change list.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/config_loader.hpp"
#include "app/config_reload.hpp"
#include "app/service_control.hpp"
#include "app/service_signals.hpp"
#include "app/systemd_notify.hpp"

namespace bms {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

bool blocked_in_this_thread(int signal_number) {
  sigset_t current;
  pthread_sigmask(SIG_BLOCK, nullptr, &current);
  return sigismember(&current, signal_number) == 1;
}

// ---------------------------------------------------------------- ServiceSignals

TEST(ServiceSignals, TurnsSighupIntoAReloadRequest) {
  auto made = ServiceSignals::make();
  ASSERT_TRUE(made.signals) << made.error;
  ::kill(::getpid(), SIGHUP);
  const SignalEvent event = made.signals->wait(2000ms);
  EXPECT_EQ(event.request, ServiceRequest::Reload);
  EXPECT_EQ(event.signal_number, SIGHUP);
}

TEST(ServiceSignals, TurnsSigtermAndSigintIntoStopRequests) {
  auto made = ServiceSignals::make();
  ASSERT_TRUE(made.signals) << made.error;
  ::kill(::getpid(), SIGTERM);
  SignalEvent event = made.signals->wait(2000ms);
  EXPECT_EQ(event.request, ServiceRequest::Stop);
  EXPECT_EQ(event.signal_number, SIGTERM);
  ::kill(::getpid(), SIGINT);
  event = made.signals->wait(2000ms);
  EXPECT_EQ(event.request, ServiceRequest::Stop);
  EXPECT_EQ(event.signal_number, SIGINT);
}

TEST(ServiceSignals, ReportsEachSignalOnce) {
  auto made = ServiceSignals::make();
  ASSERT_TRUE(made.signals) << made.error;
  ::kill(::getpid(), SIGHUP);
  EXPECT_EQ(made.signals->wait(2000ms).request, ServiceRequest::Reload);
  EXPECT_EQ(made.signals->poll().request, ServiceRequest::None);
}

TEST(ServiceSignals, WaitReturnsNoneAfterTheTimeout) {
  auto made = ServiceSignals::make();
  ASSERT_TRUE(made.signals) << made.error;
  const auto start = std::chrono::steady_clock::now();
  const SignalEvent event = made.signals->wait(50ms);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(event.request, ServiceRequest::None);
  EXPECT_EQ(event.signal_number, 0);
  EXPECT_GE(waited, 50ms);
  EXPECT_LT(waited, 1000ms);
}

TEST(ServiceSignals, BlocksTheSignalsWhileAliveAndRestoresTheMaskAfter) {
  ASSERT_FALSE(blocked_in_this_thread(SIGHUP));
  {
    auto made = ServiceSignals::make();
    ASSERT_TRUE(made.signals) << made.error;
    EXPECT_GE(made.signals->fd(), 0);
    EXPECT_TRUE(blocked_in_this_thread(SIGHUP));
    EXPECT_TRUE(blocked_in_this_thread(SIGTERM));
    EXPECT_TRUE(blocked_in_this_thread(SIGINT));
    ServiceSignals moved = std::move(*made.signals);
    EXPECT_EQ(made.signals->fd(), -1);
    EXPECT_TRUE(blocked_in_this_thread(SIGHUP));  // a moved-from object restores nothing
  }
  EXPECT_FALSE(blocked_in_this_thread(SIGHUP));
  EXPECT_FALSE(blocked_in_this_thread(SIGTERM));
  EXPECT_FALSE(blocked_in_this_thread(SIGINT));
}

// ---------------------------------------------------------------- SystemdNotifier

/// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

/// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  NotifySocket() {
    char dir[] = "/tmp/bms-notify-XXXXXX";
    dir_ = ::mkdtemp(dir);
    path_ = dir_ + "/notify";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) fd_ = -1;
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  [[nodiscard]] bool ok() const { return fd_ >= 0; }
  [[nodiscard]] const std::string& path() const { return path_; }
  /// The next message, or "" when none arrives within `timeout`.
  std::string receive(std::chrono::milliseconds timeout = 2000ms) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return "";
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
};

#if BMS_WITH_SYSTEMD

TEST(SystemdNotifier, IsSilentWithoutANotifySocket) {
  ScopedEnv socket("NOTIFY_SOCKET", nullptr);
  ScopedEnv watchdog("WATCHDOG_USEC", "4000000");
  const SystemdNotifier notifier = SystemdNotifier::from_environment();
  EXPECT_FALSE(notifier.active());
  EXPECT_EQ(notifier.watchdog_period().count(), 0);
  EXPECT_FALSE(notifier.send("READY=1"));
}

TEST(SystemdNotifier, SendsReadyStatusStoppingAndReloadingMessages) {
  NotifySocket systemd;
  ASSERT_TRUE(systemd.ok());
  ScopedEnv socket("NOTIFY_SOCKET", systemd.path().c_str());
  ScopedEnv watchdog("WATCHDOG_USEC", nullptr);
  const SystemdNotifier notifier = SystemdNotifier::from_environment();
  ASSERT_TRUE(notifier.active());
  EXPECT_EQ(notifier.watchdog_period().count(), 0);

  notifier.ready("running: 3 batteries");
  EXPECT_EQ(systemd.receive(), "READY=1\nSTATUS=running: 3 batteries");
  notifier.status("two\nlines");
  EXPECT_EQ(systemd.receive(), "STATUS=two lines");  // a newline would start a bogus assignment
  notifier.reloading("reloading /etc/x.toml");
  EXPECT_EQ(systemd.receive(), "RELOADING=1\nSTATUS=reloading /etc/x.toml");
  notifier.stopping("stopping (SIGTERM)");
  EXPECT_EQ(systemd.receive(), "STOPPING=1\nSTATUS=stopping (SIGTERM)");
  notifier.watchdog_ping();
  EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
}

TEST(SystemdNotifier, ReadsTheWatchdogPeriodForThisProcessOnly) {
  NotifySocket systemd;
  ASSERT_TRUE(systemd.ok());
  ScopedEnv socket("NOTIFY_SOCKET", systemd.path().c_str());
  ScopedEnv watchdog("WATCHDOG_USEC", "4000000");
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()).c_str());
    EXPECT_EQ(SystemdNotifier::from_environment().watchdog_period(), std::chrono::microseconds(4'000'000));
  }
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str());
    EXPECT_EQ(SystemdNotifier::from_environment().watchdog_period().count(), 0);
  }
}

/// Counts WATCHDOG=1 messages arriving within `window`.
int count_pings(NotifySocket& systemd, std::chrono::milliseconds window) {
  const auto end = std::chrono::steady_clock::now() + window;
  int pings = 0;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return pings;
    if (systemd.receive(left) == "WATCHDOG=1") ++pings;
  }
}

TEST(ServiceControlWatchdog, FeedsSystemdOnlyWhileTheAggregatorLoopBeatsOrIdlesOnPurpose) {
  NotifySocket systemd;
  ASSERT_TRUE(systemd.ok());
  ScopedEnv socket("NOTIFY_SOCKET", systemd.path().c_str());
  ScopedEnv watchdog("WATCHDOG_USEC", "100000");  // WatchdogSec=0.1 s: checks every 50 ms
  ScopedEnv pid("WATCHDOG_PID", nullptr);
  ServiceControl control("/nonexistent.toml", Settings{});
  ServiceHooks hooks = control.hooks();
  ASSERT_NE(hooks.heartbeat, nullptr);

  // A loop that never beats (hung) gets no pings: systemd would kill it after WatchdogSec.
  EXPECT_EQ(count_pings(systemd, 300ms), 0);

  // A loop that beats is fed, at most once per half period.
  std::atomic<bool> beating{true};
  std::thread loop([&] {
    while (beating.load()) {
      hooks.heartbeat->fetch_add(1, std::memory_order_relaxed);
      std::this_thread::sleep_for(5ms);
    }
  });
  const int fed = count_pings(systemd, 500ms);
  beating.store(false);
  loop.join();
  EXPECT_GE(fed, 4);
  EXPECT_LE(fed, 11);

  // It stops beating: the pings stop (one may still be in flight for the last beats).
  (void)count_pings(systemd, 200ms);
  EXPECT_EQ(count_pings(systemd, 300ms), 0);

  // Idle on purpose (replay finished under --keep-running): fed without beats.
  hooks.idle();
  EXPECT_GE(count_pings(systemd, 500ms), 4);
}

#endif  // BMS_WITH_SYSTEMD

// ---------------------------------------------------------------- reload_config

class ReloadConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/bms-reload-XXXXXX";
    dir_ = ::mkdtemp(dir);
    path_ = dir_ + "/config.toml";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& text) const { std::ofstream(path_) << text; }

  static std::string config(const std::string& nominal, const std::string& interface, const std::string& level) {
    return "[charge]\nnominal_charge_current = " + nominal + "\n\n[[battery]]\nname = \"A\"\ninterface = \"" +
           interface + "\"\nprotocol = \"pylontech\"\ncapacity_ah = 100.0\n\n[log]\nlevel = \"" + level + "\"\n";
  }

  Settings current() const {
    write(config("150.0", "can0", "info"));
    ConfigResult loaded = load_config_file(path_);
    EXPECT_TRUE(loaded.ok());
    return loaded.settings;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(ReloadConfig, ReturnsTheNewSettingsAndWhatChanged) {
  const Settings before = current();
  write(config("120.0", "can0", "debug"));
  const ReloadResult result = reload_config(path_, before);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.errors.empty());
  EXPECT_DOUBLE_EQ(result.settings->charge.nominal_charge_current, 120.0);
  EXPECT_EQ(result.settings->log.level, "debug");
  EXPECT_EQ(result.changes, (std::vector<std::string>{"charge.nominal_charge_current: 150.0 -> 120.0",
                                                      "log.level: \"info\" -> \"debug\""}));
  EXPECT_TRUE(result.changed_wiring.empty());
}

TEST_F(ReloadConfig, FlagsChangesThatNeedNewPortsOrBusNames) {
  const Settings before = current();
  write(config("150.0", "can1", "info"));
  const ReloadResult result = reload_config(path_, before);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.changes, (std::vector<std::string>{"battery[0].interface: \"can0\" -> \"can1\""}));
  EXPECT_EQ(result.changed_wiring, (std::vector<std::string>{"battery[0].interface"}));
}

TEST_F(ReloadConfig, PrintsNumbersInTheirShortestExactForm) {
  const Settings before = current();
  write(config("155.2", "can0", "info"));
  const ReloadResult result = reload_config(path_, before);
  ASSERT_TRUE(result.ok()) << result.errors.front();
  EXPECT_EQ(result.changes, (std::vector<std::string>{"charge.nominal_charge_current: 150.0 -> 155.2"}));
}

TEST_F(ReloadConfig, ReportsNoChangesForTheSameFile) {
  const Settings before = current();
  const ReloadResult result = reload_config(path_, before);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.changes.empty());
}

TEST_F(ReloadConfig, RejectsAnInvalidFileNamingFileLineAndKey) {
  const Settings before = current();
  write(config("150.0", "can0", "info") + "bogus = 1\n");
  const ReloadResult result = reload_config(path_, before);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.errors, (std::vector<std::string>{path_ + ":12: log.bogus: unknown key"}));
  EXPECT_TRUE(result.changes.empty());
}

TEST_F(ReloadConfig, RejectsAnUnreadableFile) {
  const Settings before = current();
  fs::remove(path_);
  const ReloadResult result = reload_config(path_, before);
  EXPECT_FALSE(result.ok());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find(path_), std::string::npos) << result.errors[0];
}

}  // namespace
}  // namespace bms
