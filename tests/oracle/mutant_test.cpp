// One planted fault (tests/oracle/mutants/<name>.mutant, compiled into this executable in
// place of the real policy source): the oracle must catch it, with one of the invariants
// the mutant names. A fault the oracle could not see would mean the oracle cannot fail.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "bank_run.hpp"

namespace bms::oracle {
namespace mutant {
extern const char* const kName;
extern const char* const kCatches;
extern const bool kApplied;
}  // namespace mutant
namespace {

TEST(PlantedFault, IsCaughtByTheOracleWithTheInvariantItBreaks) {
  ASSERT_TRUE(mutant::kApplied) << "the find text of tests/oracle/mutants/" << mutant::kName
                                << ".mutant is no longer in its source: update the mutant to the refactored code";
  CampaignOptions options;
  options.seed = 1;
  options.min_frame_sets = 5'000'000;
  options.max_banks = 3000;
  options.stop_at_first_failure = true;
  const CampaignResult result = run_campaign(options);
  ASSERT_FALSE(result.failures.empty()) << "planted fault " << mutant::kName << " not caught in " << result.banks
                                        << " banks (" << result.frame_sets << " frame sets)";
  const BankFailure& failure = result.failures.front();
  ASSERT_TRUE(failure.config_error.empty()) << describe(failure);
  std::istringstream names(mutant::kCatches);
  bool expected_invariant = false;
  for (std::string name; names >> name;) {
    for (const Violation& v : failure.report.violations) expected_invariant |= name == invariant_name(v.invariant);
  }
  EXPECT_TRUE(expected_invariant) << "caught, but not as " << mutant::kCatches << ":\n" << describe(failure);
  std::cout << "planted fault " << mutant::kName << " caught after " << result.banks << " bank(s):\n"
            << describe(failure).substr(0, 600) << "\n";
}

}  // namespace
}  // namespace bms::oracle
