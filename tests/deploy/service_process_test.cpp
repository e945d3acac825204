// The real bms-aggregator binary as a supervised service: SIGTERM/SIGINT stop it cleanly,
// SIGHUP reloads its configuration (keeping the old one when the new file is invalid), and
// it speaks the systemd notify protocol (READY, WATCHDOG, RELOADING, STOPPING).
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace bms {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::ChildProcess;

constexpr auto kStartup = 10s;  // generous for a loaded CI machine; normally < 100 ms
constexpr const char* kServing = "serving the final state until SIGTERM/SIGINT";

class SupervisedService : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/bms-service-XXXXXX";
    dir_ = ::mkdtemp(dir);
    config_ = dir_ + "/config.toml";
    fs::copy_file(std::string(BMS_SOURCE_DIR) + "/config/demo.toml", config_);
    log_ = dir_ + "/stderr.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  [[nodiscard]] std::vector<std::string> argv() const {
    return {BMS_BINARY_PATH,
            "--config",
            config_,
            "--replay",
            std::string(BMS_TEST_DATA_DIR) + "/three-batteries-10s.log",
            "--speed",
            "max",
            "--no-dbus",
            "--keep-running"};
  }

  /// Rewrites one `key = value` line of the config (the first that starts with `key =`).
  void set_config_line(const std::string& key, const std::string& line) const {
    std::ifstream in(config_);
    std::string text, l;
    bool done = false;
    while (std::getline(in, l)) {
      if (!done && l.rfind(key + " =", 0) == 0) {
        l = line;
        done = true;
      }
      text += l + "\n";
    }
    ASSERT_TRUE(done) << key;
    std::ofstream(config_) << text;
  }

  [[nodiscard]] int line_of(const std::string& prefix) const {
    std::ifstream in(config_);
    std::string l;
    for (int n = 1; std::getline(in, l); ++n) {
      if (l.rfind(prefix, 0) == 0) return n;
    }
    return -1;
  }

  std::string dir_;
  std::string config_;
  std::string log_;
};

TEST_F(SupervisedService, ExitsZeroPromptlyOnSigterm) {
  ChildProcess service(argv(), log_);
  ASSERT_TRUE(service.wait_for_stderr(kServing, kStartup)) << service.err();
  const auto sent = std::chrono::steady_clock::now();
  service.signal(SIGTERM);
  const auto status = service.wait_exit(5s);
  const auto took = std::chrono::steady_clock::now() - sent;
  ASSERT_TRUE(status.has_value()) << "still running 5 s after SIGTERM\n" << service.err();
  EXPECT_EQ(*status, 0) << service.err();
  EXPECT_LT(took, 1s);
  EXPECT_NE(service.err().find("received SIGTERM: stopping"), std::string::npos) << service.err();
  EXPECT_NE(service.err().find("stopped on request, exit status 0"), std::string::npos) << service.err();
}

TEST_F(SupervisedService, ExitsZeroPromptlyOnSigint) {
  ChildProcess service(argv(), log_);
  ASSERT_TRUE(service.wait_for_stderr(kServing, kStartup)) << service.err();
  service.signal(SIGINT);
  const auto status = service.wait_exit(5s);
  ASSERT_TRUE(status.has_value()) << service.err();
  EXPECT_EQ(*status, 0) << service.err();
  EXPECT_NE(service.err().find("received SIGINT: stopping"), std::string::npos) << service.err();
}

TEST_F(SupervisedService, KeepsRunningWithTheOldConfigWhenTheReloadedOneIsInvalid) {
  ChildProcess service(argv(), log_);
  ASSERT_TRUE(service.wait_for_stderr(kServing, kStartup)) << service.err();
  set_config_line("level", "level = \"info\"\ncolour = \"red\"");
  const int line = line_of("colour");
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_stderr("still running with the previous configuration", 5s)) << service.err();
  const std::string err = service.err();
  EXPECT_NE(err.find("error reload: " + config_ + ":" + std::to_string(line) + ": log.colour: unknown key\n"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("error reload of " + config_ + " failed (1 error); still running with the previous configuration"),
            std::string::npos)
      << err;
  EXPECT_TRUE(service.running());

  // Still serving: a later good reload is compared against the configuration it kept.
  set_config_line("colour", "");
  set_config_line("max_charge_voltage", "max_charge_voltage = 54.0");
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_stderr("reload: charge.max_charge_voltage: 55.2 -> 54.0", 5s)) << service.err();
  service.signal(SIGTERM);
  const auto status = service.wait_exit(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);
}

TEST_F(SupervisedService, AppliesAValidReloadedConfig) {
  ChildProcess service(argv(), log_);
  ASSERT_TRUE(service.wait_for_stderr(kServing, kStartup)) << service.err();
  set_config_line("level", "level = \"warn\"");
  set_config_line("nominal_charge_current", "nominal_charge_current = 120.0");
  set_config_line("interval_ms", "interval_ms = 500");
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_stderr("warning reload: restart to apply", 5s)) << service.err();
  std::string err = service.err();
  EXPECT_NE(err.find("info reload: log.level: \"info\" -> \"warn\" (applied)"), std::string::npos) << err;
  EXPECT_NE(err.find("info reload: charge.nominal_charge_current: 150.0 -> 120.0 (applied)"), std::string::npos) << err;
  EXPECT_NE(err.find("info reload: output.interval_ms: 1000 -> 500 (takes effect at the next restart)"),
            std::string::npos)
      << err;

  // The new level is live: the next reload's info lines are filtered, its warning is not.
  set_config_line("interval_ms", "interval_ms = 400");
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_stderr("warning reload: restart to apply", 5s, 2)) << service.err();
  err = service.err();
  EXPECT_EQ(err.find("500 -> 400"), std::string::npos) << err;
  EXPECT_EQ(err.find("received SIGHUP", err.find("(applied)")), std::string::npos) << err;
  service.signal(SIGTERM);
  const auto status = service.wait_exit(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);
}

TEST_F(SupervisedService, ReloadedChargePolicyReachesTheInverterAtOnce) {
  // A real-time replay (10 s of log), so the reload lands while frames still flow.
  const std::string emitted = dir_ + "/emitted.log";
  ChildProcess service(
      {BMS_BINARY_PATH, "--config", config_, "--replay", std::string(BMS_TEST_DATA_DIR) + "/three-batteries-10s.log",
       "--speed", "1", "--no-dbus", "--emit-log", emitted},
      log_);
  ASSERT_TRUE(service.wait_for_stderr("first aggregate", kStartup)) << service.err();
  set_config_line("nominal_charge_current", "nominal_charge_current = 100.0");
  service.signal(SIGHUP);
  ASSERT_TRUE(service.wait_for_stderr("reload: charge policy in force from time", 5s)) << service.err();
  service.signal(SIGTERM);
  const auto status = service.wait_exit(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);

  // Before the reload: 0.85 x 150 = 127.5 A (minor tier); after: 0.85 x 100 = 85.0 A, sent
  // as a protective change at the reading after the reload, not at the next periodic tick.
  std::ifstream in(emitted);
  std::string line;
  std::vector<std::string> limits;
  std::string first_reduced_time;
  while (std::getline(in, line)) {
    if (line.find(" can9 351#") == std::string::npos) continue;
    limits.push_back(line.substr(line.find('#') + 1));
    if (limits.back() == "12025203D007CC01" && first_reduced_time.empty())
      first_reduced_time = line.substr(0, line.find(')') + 1);
  }
  ASSERT_GE(limits.size(), 2U);
  EXPECT_EQ(limits.front(), "1202FB04D007CC01");  // 53.0 V, 127.5 A, 200.0 A, 46.0 V
  EXPECT_EQ(limits.back(), "12025203D007CC01");   // 53.0 V, 85.0 A, 200.0 A, 46.0 V
  // The periodic grid of this capture is at .020200 of each second; the reduced limit goes
  // out off the grid, at the reading that followed the reload.
  ASSERT_FALSE(first_reduced_time.empty());
  EXPECT_EQ(first_reduced_time.find(".020200)"), std::string::npos) << first_reduced_time;
}

#if BMS_WITH_SYSTEMD

/// systemd's side of the notify protocol: a datagram socket the service writes to.
class FakeSystemd {
 public:
  explicit FakeSystemd(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FakeSystemd() {
    if (fd_ >= 0) ::close(fd_);
  }
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;
  [[nodiscard]] bool ok() const { return fd_ >= 0; }

  /// Waits for a message that starts with `prefix`, skipping others (kept in `seen`).
  std::string expect(const std::string& prefix, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return "";
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      std::string message(buf, static_cast<std::size_t>(n));
      seen.push_back(message);
      if (message.rfind(prefix, 0) == 0) return message;
    }
  }
  std::vector<std::string> seen;

 private:
  std::string path_;
  int fd_ = -1;
};

TEST_F(SupervisedService, TellsSystemdReadyWatchdogReloadingAndStopping) {
  FakeSystemd systemd(dir_ + "/notify");
  ASSERT_TRUE(systemd.ok());
  ChildProcess service(argv(), log_, {{"NOTIFY_SOCKET", dir_ + "/notify"}, {"WATCHDOG_USEC", "200000"}});

  EXPECT_EQ(systemd.expect("READY=1", kStartup), "READY=1\nSTATUS=running: 3 batteries, config " + config_);
  // WatchdogSec=0.2 s: pings every 0.1 s while idle under --keep-running; three within 1 s.
  const auto first_ping = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(systemd.expect("WATCHDOG=1", 1s), "WATCHDOG=1") << i << "\n" << service.err();
  EXPECT_LT(std::chrono::steady_clock::now() - first_ping, 1s);

  service.signal(SIGHUP);
  EXPECT_EQ(systemd.expect("RELOADING=1", 5s), "RELOADING=1\nSTATUS=reloading " + config_);
  EXPECT_EQ(systemd.expect("READY=1", 5s), "READY=1\nSTATUS=running; configuration reloaded from " + config_);

  service.signal(SIGTERM);
  EXPECT_EQ(systemd.expect("STOPPING=1", 5s), "STOPPING=1\nSTATUS=stopping (SIGTERM)");
  const auto status = service.wait_exit(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);
}

#endif  // BMS_WITH_SYSTEMD

}  // namespace
}  // namespace bms
