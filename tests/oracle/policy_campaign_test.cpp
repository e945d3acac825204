// The CI campaign: random banks through the real pipeline (config loader, router, engine,
// BmsCanOutput), every emitted frame set checked by the independent oracle.
#include <gtest/gtest.h>

#include "bank_run.hpp"

namespace bms::oracle {
namespace {

TEST(PolicyCampaign, TwoHundredThousandRandomFrameSetsKeepEveryInvariant) {
  CampaignOptions options;
  options.seed = 20261204;
  options.min_frame_sets = 200'000;
  const CampaignResult r = run_campaign(options);
  std::string failures;
  for (const BankFailure& f : r.failures) failures += describe(f);
  EXPECT_EQ(r.violations, 0U) << failures;
  EXPECT_GE(r.frame_sets, 200'000U);
  // Most sets are clear states with exact values (else the oracle could pass an aggregator
  // that always sends 0); the too-ambiguous ones stay rare.
  EXPECT_GT(r.exact_sets, r.frame_sets / 2);
  EXPECT_LT(r.skipped_sets, r.frame_sets / 1000);
#if BMS_WITH_DBUS
  EXPECT_GT(r.dbus_sets, r.frame_sets / 10);  // the D-Bus item model's values too, on its own cadence
#endif
  std::printf(
      "%llu frame sets (%llu exact), %llu D-Bus publications, in %llu banks, %llu input frames, %.1f s: "
      "%.0f states/s\n",
      static_cast<unsigned long long>(r.frame_sets), static_cast<unsigned long long>(r.exact_sets),
      static_cast<unsigned long long>(r.dbus_sets), static_cast<unsigned long long>(r.banks),
      static_cast<unsigned long long>(r.input_frames), r.seconds, static_cast<double>(r.frame_sets) / r.seconds);
}

}  // namespace
}  // namespace bms::oracle
