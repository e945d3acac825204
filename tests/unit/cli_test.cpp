#include "app/cli.hpp"

#include <gtest/gtest.h>

namespace bms {
namespace {

CliResult parse(std::vector<std::string> args) { return parse_command_line(args); }

TEST(CommandLine, ReplayWithEveryOption) {
  const auto r = parse({"--config", "c.toml", "--replay", "x.log", "--speed", "max", "--emit-log", "out.log",
                        "--no-dbus", "--keep-running", "--skip-malformed", "--status-interval", "60"});
  ASSERT_TRUE(r.options) << r.error;
  const Options& o = *r.options;
  EXPECT_EQ(o.command, Command::Run);
  EXPECT_EQ(o.config_path, "c.toml");
  EXPECT_EQ(o.replay_path, "x.log");
  EXPECT_EQ(o.speed, 0.0);
  EXPECT_EQ(o.emit_log_path, "out.log");
  EXPECT_TRUE(o.no_dbus);
  EXPECT_TRUE(o.keep_running);
  EXPECT_TRUE(o.skip_malformed);
  EXPECT_EQ(o.status_interval_s, 60.0);
}

TEST(CommandLine, SpeedDefaultsToRealTimeAndAcceptsFactors) {
  EXPECT_EQ(parse({"--config", "c", "--replay", "l"}).options->speed, 1.0);
  EXPECT_EQ(parse({"--config", "c", "--replay", "l", "--speed", "12.5"}).options->speed, 12.5);
}

TEST(CommandLine, RejectsBadValuesWithAReason) {
  EXPECT_EQ(parse({"--config", "c", "--speed", "fast"}).error,
            "--speed: \"fast\" is not a number from 0.001 to 1000000, or max");
  EXPECT_EQ(parse({"--config", "c", "--speed", "0"}).error,
            "--speed: \"0\" is not a number from 0.001 to 1000000, or max");
  EXPECT_EQ(parse({"--config", "c", "--speed", "1e-300"}).error,
            "--speed: \"1e-300\" is not a number from 0.001 to 1000000, or max");
  for (const char* bad : {"1e-9", "inf", "nan", "1e300", "-1"}) {
    EXPECT_EQ(parse({"--config", "c", "--replay", "l", "--status-interval", bad}).error,
              "--status-interval needs a number of seconds from 0.001 to 1000000")
        << bad;
  }
  EXPECT_EQ(parse({"--config"}).error, "--config needs a FILE");
  EXPECT_EQ(parse({"--replay", "x"}).error, "--config FILE is required (see --help)");
  EXPECT_EQ(parse({"--config", "c", "--frobnicate"}).error, "unknown argument \"--frobnicate\" (see --help)");
  EXPECT_EQ(parse({"--config", "c", "--keep-running"}).error,
            "--keep-running, --skip-malformed, --report and --plot only apply with --replay");
}

TEST(CommandLine, CheckConfigVersionHelpAndDecode) {
  EXPECT_EQ(parse({"--check-config", "c.toml"}).options->command, Command::CheckConfig);
  EXPECT_EQ(parse({"--check-config", "c.toml"}).options->config_path, "c.toml");
  EXPECT_EQ(parse({"--version"}).options->command, Command::Version);
  EXPECT_EQ(parse({"--help"}).options->command, Command::Help);
  const auto d = parse({"decode", "--config", "c.toml", "-"});
  EXPECT_EQ(d.options->command, Command::Decode);
  EXPECT_EQ(d.options->decode_args, (std::vector<std::string>{"--config", "c.toml", "-"}));
}

}  // namespace
}  // namespace bms

namespace bms {
namespace {

TEST(CommandLine, StatusTakesEverythingAfterIt) {
  const auto r = parse_command_line({"status", "--json", "--dbus", "unix:path=/x"});
  ASSERT_TRUE(r.options);
  EXPECT_EQ(r.options->command, Command::Status);
  EXPECT_EQ(r.options->status_args, (std::vector<std::string>{"--json", "--dbus", "unix:path=/x"}));
}

}  // namespace
}  // namespace bms
