// The same random banks through the real binary (`--replay --emit-log`, with its reader
// thread and ring): the emitted frames are the in-process run's, frame for frame, and the
// oracle finds nothing in them.
#include <gtest/gtest.h>

#include <sstream>

#include "../replay/process.hpp"
#include "bank_run.hpp"
#include "io/candump_format.hpp"
#include "support/scratch_dir.hpp"

namespace bms::oracle {
namespace {

std::vector<CanFrame> read_candump(const std::string& text) {
  std::vector<CanFrame> frames;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const ParsedLine p = parse_candump_line(line);
    if (p.status == LineStatus::Frame) frames.push_back(p.frame);
  }
  return frames;
}

TEST(PolicyReplay, TheBinaryEmitsWhatTheInProcessPipelineEmitsAndTheOracleAcceptsIt) {
  test::ScratchDir dir("bms-policy-replay");
  std::uint64_t sets_checked = 0;
  for (std::uint64_t i = 0; i < 16; ++i) {
    const std::uint64_t seed = bank_seed(777, i);
    SeededRandom random(seed);
    const GeneratedBank bank = generate_bank(random, seed);
    std::string log;
    for (const CanFrame& f : bank.frames) log += format_candump_log_line(f) + "\n";
    const std::string config = dir.write("bank.toml", bank.config_toml);
    const std::string input = dir.write("input.log", log);
    const std::string emitted = dir.path("emitted.log");
    const test::ProcessResult run =
        test::run_process(std::string(BMS_BINARY_PATH) + " --config " + config + " --replay " + input +
                          " --speed max --no-dbus --emit-log " + emitted);
    ASSERT_EQ(run.exit_code, 0) << "bank " << seed << ": " << run.err.substr(0, 2000);
    const std::vector<CanFrame> from_binary = read_candump(test::read_file(emitted));
    const PipelineOutput in_process = run_pipeline_in_process(bank);
    ASSERT_TRUE(in_process.config_error.empty()) << in_process.config_error;
    ASSERT_EQ(from_binary.size(), in_process.emitted.size()) << "bank " << seed;
    for (std::size_t k = 0; k < from_binary.size(); ++k) {
      const CanFrame& a = from_binary[k];
      const CanFrame& b = in_process.emitted[k];
      ASSERT_TRUE(a.id == b.id && a.dlc == b.dlc && a.data == b.data && a.time_us == b.time_us)
          << "bank " << seed << " frame " << k << ": binary " << format_candump_log_line(a) << ", in-process "
          << format_candump_log_line(b);
    }
    BankFailure failure;
    failure.seed = seed;
    failure.report = check_emitted(bank, from_binary);
    EXPECT_TRUE(failure.report.ok()) << describe(failure);
    sets_checked += failure.report.frame_sets;
  }
  EXPECT_GT(sets_checked, 1000U);
}

}  // namespace
}  // namespace bms::oracle
