#include "bank_run.hpp"

#include <chrono>
#include <cstdio>

#include "app/config_loader.hpp"
#include "core/engine.hpp"
#include "core/frame_router.hpp"
#include "io/bms_can_output.hpp"
#include "io/frame_sink.hpp"

namespace bms::oracle {
namespace {

/// docs/POLICY.md: at most one frame set per 200 ms (the binary's output schedule).
constexpr std::int64_t kMinOutputGapUs = 200'000;

class CapturingSink final : public FrameSink {
 public:
  explicit CapturingSink(std::vector<CanFrame>& out) : out_(out) {}
  SendResult send(const CanFrame& frame) noexcept override {
    out_.push_back(frame);
    return SendResult::Sent;
  }

 private:
  std::vector<CanFrame>& out_;
};

}  // namespace

std::int64_t input_end_us(const GeneratedBank& bank) noexcept {
  return bank.frames.empty() ? 0 : bank.frames.back().time_us;
}

PipelineOutput run_pipeline_in_process(const GeneratedBank& bank) {
  PipelineOutput out;
  const ConfigResult config = load_config_text(bank.config_toml, "oracle-bank.toml");
  if (!config.ok()) {
    for (const auto& e : config.errors) out.config_error += e + "\n";
    return out;
  }
  const Settings& settings = config.settings;
  FrameRouter router(settings);
  Engine engine(settings);
  CapturingSink sink(out.emitted);
  BmsCanOutput can(sink, settings.output);
  engine.add_publisher(can, static_cast<std::int64_t>(settings.output.interval_ms) * 1000, kMinOutputGapUs);
  out.emitted.reserve(bank.frames.size() / 2);
  for (const CanFrame& f : bank.frames) router.route(f, [&](const Reading& r) { engine.on_reading(r); });
  Reading end;
  end.kind = ReadingKind::EndOfInput;
  end.time_us = input_end_us(bank);
  engine.on_reading(end);
  return out;
}

OracleReport check_emitted(const GeneratedBank& bank, const std::vector<CanFrame>& emitted, const OracleOptions& options) {
  const std::vector<EmittedFrameSet> sets = split_frame_sets(emitted);
  return check_bank(bank.spec, bank.events, sets, input_end_us(bank), options);
}

CampaignResult run_campaign(const CampaignOptions& o) {
  CampaignResult result;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; result.frame_sets < o.min_frame_sets && (o.max_banks == 0 || i < o.max_banks); ++i) {
    const std::uint64_t seed = bank_seed(o.seed, i);
    SeededRandom random(seed);
    const GeneratedBank bank = generate_bank(random, seed, o.limits);
    const PipelineOutput out = run_pipeline_in_process(bank);
    ++result.banks;
    result.input_frames += bank.frames.size();
    BankFailure failure;
    failure.seed = seed;
    failure.config_error = out.config_error;
    if (out.config_error.empty()) failure.report = check_emitted(bank, out.emitted, o.oracle);
    const OracleReport& r = failure.report;
    result.frame_sets += r.frame_sets;
    result.exact_sets += r.exact_sets;
    result.ambiguous_sets += r.ambiguous_sets;
    result.skipped_sets += r.skipped_sets;
    result.violations += r.violation_count + (out.config_error.empty() ? 0 : 1);
    if (!r.ok() || !out.config_error.empty()) {
      if (result.failures.size() < o.keep_failures) result.failures.push_back(std::move(failure));
      if (o.stop_at_first_failure) break;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string describe(const BankFailure& f) {
  char head[128];
  std::snprintf(head, sizeof head, "bank seed %llu: ", static_cast<unsigned long long>(f.seed));
  std::string s = head;
  if (!f.config_error.empty()) return s + "generated config rejected:\n" + f.config_error;
  s += std::to_string(f.report.violation_count) + " violation(s)\n";
  for (const Violation& v : f.report.violations) {
    char line[96];
    std::snprintf(line, sizeof line, "  at %.6f s [%s] ", static_cast<double>(v.time_us) / 1e6, invariant_name(v.invariant));
    s += line + v.detail + "\n";
  }
  s += "  reproduce: tools/fuzz-policy --bank " + std::to_string(f.seed) + " --write DIR (config + candump log for --replay)\n";
  return s;
}

}  // namespace bms::oracle
