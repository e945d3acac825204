#pragma once
/// @file bank_run.hpp
/// Runs a generated bank through the real pipeline in-process: the config loader, the frame
/// router (decoding with the battery's protocol), the Engine and the real BmsCanOutput with
/// its frame encoders, into a capturing sink; then checks what was emitted with the oracle.
/// Only the threads and the ring of `--replay` are left out (bank_run_test compares with
/// the real binary).

#include <cstdint>
#include <string>
#include <vector>

#include "bank_generator.hpp"
#include "policy_oracle.hpp"
#include "protocols/can_frame.hpp"

namespace bms::oracle {

struct PipelineOutput {
  std::vector<CanFrame> emitted;  ///< every frame the BMS-CAN output sent, in order
  /// With `dbus_values`: at each publication to the D-Bus output, the limits and allow flags
  /// the battery service's item model shows (/Info/Max*, /Io/AllowTo*), as a frame set.
  std::vector<EmittedFrameSet> dbus_values;
  std::int64_t dbus_interval_us = 0;  ///< the D-Bus output's publishing interval
  std::string config_error;           ///< the loader's errors (a generator fault), empty when valid
};

/// Feeds `bank.frames` through router and engine as `--replay` does (the input ends at the
/// last frame's time). `dbus_values` adds the D-Bus output's item model (when built with
/// D-Bus), as the service does; without it the outputs are those of `--replay --no-dbus`.
[[nodiscard]] PipelineOutput run_pipeline_in_process(const GeneratedBank& bank, bool dbus_values = false);

/// The input's end as the replay sees it: the last frame's time.
[[nodiscard]] std::int64_t input_end_us(const GeneratedBank& bank) noexcept;

/// Checks emitted frames against the oracle.
[[nodiscard]] OracleReport check_emitted(const GeneratedBank& bank, const std::vector<CanFrame>& emitted,
                                         const OracleOptions& options = {});
/// Checks the D-Bus values of a run the same way (the D-Bus output's own interval).
[[nodiscard]] OracleReport check_dbus_values(const GeneratedBank& bank, const PipelineOutput& output,
                                             const OracleOptions& options = {});

/// One bank's failure, with what is needed to reproduce it.
struct BankFailure {
  std::uint64_t seed = 0;
  OracleReport report;
  std::string config_error;
};

struct CampaignResult {
  std::uint64_t banks = 0;
  std::uint64_t input_frames = 0;
  std::uint64_t frame_sets = 0;  ///< checked (BMS-CAN frame sets)
  std::uint64_t dbus_sets = 0;   ///< D-Bus publications checked
  std::uint64_t exact_sets = 0;
  std::uint64_t ambiguous_sets = 0;
  std::uint64_t skipped_sets = 0;
  std::uint64_t violations = 0;
  std::vector<BankFailure> failures;  ///< the first few
  double seconds = 0;
};

struct CampaignOptions {
  std::uint64_t seed = 1;
  std::uint64_t min_frame_sets = 200'000;  ///< run banks until this many sets were checked
  std::uint64_t max_banks = 0;             ///< 0: no limit
  bool stop_at_first_failure = false;
  std::size_t keep_failures = 5;
  bool dbus_values = true;  ///< also check the D-Bus item model's values (when built with D-Bus)
  GeneratorLimits limits;
  OracleOptions oracle;
};

/// Generates bank after bank (seeds derived from `seed`), runs and checks each.
[[nodiscard]] CampaignResult run_campaign(const CampaignOptions& options);

/// A failure in words: seed, first violations, and how to reproduce it.
[[nodiscard]] std::string describe(const BankFailure& failure);

}  // namespace bms::oracle
