// libFuzzer target: the input bytes choose a bank (batteries, configuration, faults) and its
// frame sequence (tests/oracle/bank_generator); the bank runs through the real pipeline and
// the independent policy oracle checks every emitted frame set. A violation (or a generated
// configuration the loader rejects) aborts, so the fuzzer searches for policy violations.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "bank_run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bms::oracle;
  ByteRandom random(std::span<const std::uint8_t>(data, size));
  GeneratorLimits limits;
  limits.max_batteries = 4;  // small, short banks: many executions per second
  limits.min_duration_us = 2'000'000;
  limits.max_duration_us = 12'000'000;
  limits.max_frames = 600;
  const GeneratedBank bank = generate_bank(random, 0, limits);
  const PipelineOutput out = run_pipeline_in_process(bank);
  BankFailure failure;
  failure.config_error = out.config_error;
  if (out.config_error.empty()) failure.report = check_emitted(bank, out.emitted);
  if (!failure.config_error.empty() || !failure.report.ok()) {
    std::fprintf(stderr, "%s\n%s", bank.config_toml.c_str(), describe(failure).c_str());
    std::abort();
  }
  return 0;
}
