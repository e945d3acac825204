#include "bank_run.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

#include "app/config_loader.hpp"
#include "core/engine.hpp"
#include "core/frame_router.hpp"
#include "io/bms_can_output.hpp"
#include "io/frame_sink.hpp"
#include "io/frame_source.hpp"
#if BMS_WITH_DBUS
#include <cmath>

#include "dbus/battery_items.hpp"
#include "dbus/item_tree.hpp"
#endif

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

#if BMS_WITH_DBUS
/// The battery service's item model, fed as the service is (the bus itself is left out):
/// records what /Info/Max* and /Io/AllowTo* show after each publication.
class DbusValuesProbe final : public SnapshotPublisher {
 public:
  DbusValuesProbe(const Settings& settings, std::vector<EmittedFrameSet>& out) : out_(out) {
    dbus::add_battery_items(tree_, settings, dbus::ServiceIdentity{}, "");
  }
  void publish(const Snapshot& snapshot, PublishReason /*reason*/) override {
    dbus::apply_snapshot(tree_, snapshot);
    EmittedFrameSet s;
    s.time_us = snapshot.time_us;
    s.frames = 1;
    const auto tenths = [&](const char* path, bool& valid) -> std::int32_t {
      const dbus::Item* item = tree_.find(path);
      const double* v = item ? std::get_if<double>(&item->value) : nullptr;
      valid &= v != nullptr;
      return v ? static_cast<std::int32_t>(std::llround(*v * 10)) : 0;
    };
    const auto flag = [&](const char* path, bool& valid) {
      const dbus::Item* item = tree_.find(path);
      const std::int32_t* v = item ? std::get_if<std::int32_t>(&item->value) : nullptr;
      valid &= v != nullptr;
      return v && *v != 0;
    };
    bool valid = true;
    s.charge_voltage_dv = tenths("/Info/MaxChargeVoltage", valid);
    s.charge_current_da = tenths("/Info/MaxChargeCurrent", valid);
    s.discharge_current_da = tenths("/Info/MaxDischargeCurrent", valid);
    s.discharge_voltage_dv = tenths("/Info/BatteryLowVoltage", valid);
    s.has_requests = true;
    s.charge_enable = flag("/Io/AllowToCharge", valid);
    s.discharge_enable = flag("/Io/AllowToDischarge", valid);
    s.well_formed = valid;  // an invalid limit on D-Bus is as bad as a missing 0x351
    out_.push_back(s);
  }

 private:
  dbus::ItemTree tree_;
  std::vector<EmittedFrameSet>& out_;
};
#endif

}  // namespace

std::int64_t input_end_us(const GeneratedBank& bank) noexcept {
  return bank.frames.empty() ? 0 : bank.frames.back().time_us;
}

PipelineOutput run_pipeline_in_process(const GeneratedBank& bank, bool dbus_values) {
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
#if BMS_WITH_DBUS
  std::optional<DbusValuesProbe> dbus;
  if (dbus_values) {
    out.dbus_interval_us = static_cast<std::int64_t>(settings.service.update_interval_ms) * 1000;
    engine.add_publisher(dbus.emplace(settings, out.dbus_values), out.dbus_interval_us, kMinOutputGapUs);
  }
#else
  (void)dbus_values;
#endif
  out.emitted.reserve(bank.frames.size() / 2);
  std::int64_t previous_us = 0;
  for (const CanFrame& f : bank.frames) {
    // As ReplaySource does: a jump of more than kGapUs is a gap (periodic outputs resume after it).
    if (&f != bank.frames.data() && f.time_us - previous_us > kGapUs) {
      Reading gap;
      gap.kind = ReadingKind::Gap;
      gap.time_us = f.time_us;
      engine.on_reading(gap);
    }
    previous_us = f.time_us;
    router.route(f, [&](const Reading& r) { engine.on_reading(r); });
  }
  Reading end;
  end.kind = ReadingKind::EndOfInput;
  end.time_us = input_end_us(bank);
  engine.on_reading(end);
  return out;
}

OracleReport check_emitted(const GeneratedBank& bank, const std::vector<CanFrame>& emitted,
                           const OracleOptions& options) {
  const std::vector<EmittedFrameSet> sets = split_frame_sets(emitted);
  return check_bank(bank.spec, bank.events, sets, input_end_us(bank), options);
}

OracleReport check_dbus_values(const GeneratedBank& bank, const PipelineOutput& output, const OracleOptions& options) {
  // The same invariants on the D-Bus output's own cadence; both allow flags are always there.
  BankSpec spec = bank.spec;
  spec.interval_us = output.dbus_interval_us;
  spec.profile = OutputProfile::Pylon;
  return check_bank(spec, bank.events, output.dbus_values, input_end_us(bank), options);
}

CampaignResult run_campaign(const CampaignOptions& o) {
  CampaignResult result;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; result.frame_sets < o.min_frame_sets && (o.max_banks == 0 || i < o.max_banks); ++i) {
    const std::uint64_t seed = bank_seed(o.seed, i);
    SeededRandom random(seed);
    const GeneratedBank bank = generate_bank(random, seed, o.limits);
    const PipelineOutput out = run_pipeline_in_process(bank, o.dbus_values);
    ++result.banks;
    result.input_frames += bank.frames.size();
    BankFailure failure;
    failure.seed = seed;
    failure.config_error = out.config_error;
    if (out.config_error.empty()) failure.report = check_emitted(bank, out.emitted, o.oracle);
    if (out.config_error.empty() && !out.dbus_values.empty()) {
      OracleReport dbus = check_dbus_values(bank, out, o.oracle);
      result.dbus_sets += dbus.frame_sets;
      failure.report.violation_count += dbus.violation_count;
      for (Violation& v : dbus.violations) {
        v.detail = "D-Bus: " + v.detail;
        if (failure.report.violations.size() < o.oracle.keep_violations)
          failure.report.violations.push_back(std::move(v));
      }
    }
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
    std::snprintf(line, sizeof line, "  at %.6f s [%s] ", static_cast<double>(v.time_us) / 1e6,
                  invariant_name(v.invariant));
    s += line + v.detail + "\n";
  }
  s += "  reproduce: tools/fuzz-policy --bank " + std::to_string(f.seed) +
       " --write DIR (config + candump log for --replay)\n";
  return s;
}

}  // namespace bms::oracle
