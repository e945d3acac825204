// bms-fuzz-policy: long runs of the policy oracle (tools/fuzz-policy wraps it).
//   bms-fuzz-policy --states N [--seed S]   random banks until N frame sets were checked
//   bms-fuzz-policy --bank SEED [--write DIR]
//                                           one bank by its seed (as a failure names it);
//                                           --write puts its config.toml and input.log
//                                           (candump) in DIR for `bms-aggregator --replay`;
//                                           --trace FROM TO prints its input and output
//                                           between two instants (seconds)
// Prints states/s and every violation; exits 1 on a violation, 2 on bad arguments.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "bank_run.hpp"
#include "io/candump_format.hpp"

namespace {

using namespace bms::oracle;

bool parse_u64(const char* s, std::uint64_t& out) {
  const std::string_view v(s);
  const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

int usage(const char* why) {
  std::fprintf(stderr,
               "bms-fuzz-policy: %s\nusage: bms-fuzz-policy --states N [--seed S] | --bank SEED [--write DIR]\n", why);
  return 2;
}

int write_bank(const GeneratedBank& bank, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config.toml") << bank.config_toml;
  std::ofstream log(dir + "/input.log");
  for (const bms::CanFrame& f : bank.frames) log << bms::format_candump_log_line(f) << '\n';
  std::printf(
      "wrote %s/config.toml and %s/input.log (%zu frames); replay with:\n"
      "  bms-aggregator --config %s/config.toml --replay %s/input.log --speed max --no-dbus --emit-log OUT\n",
      dir.c_str(), dir.c_str(), bank.frames.size(), dir.c_str(), dir.c_str());
  return 0;
}

const char* const kQuantityNames[] = {"cvl",
                                      "ccl",
                                      "dcl",
                                      "soc",
                                      "soc_hires",
                                      "charge_enable",
                                      "discharge_enable",
                                      "short_circuit",
                                      "high_charge_temp",
                                      "low_charge_temp",
                                      "emcy",
                                      "nmt",
                                      "current"};

/// Input events and emitted sets between two instants (seconds), for reading a failure.
void trace(const GeneratedBank& bank, const std::vector<EmittedFrameSet>& sets, double from_s, double to_s) {
  std::printf("%s", bank.config_toml.c_str());
  const auto seconds = [](std::int64_t t) { return static_cast<double>(t) / 1e6; };
  const auto in = [&](std::int64_t t) { return seconds(t) >= from_s && seconds(t) <= to_s; };
  std::size_t si = 0;
  for (const InputEvent& e : bank.events) {
    for (; si < sets.size() && sets[si].time_us <= e.time_us; ++si) {
      const EmittedFrameSet& s = sets[si];
      if (in(s.time_us))
        std::printf("%.6f  OUT cvl %.1f ccl %.1f dcl %.1f ce %d de %d\n", seconds(s.time_us),
                    s.charge_voltage_dv / 10.0, s.charge_current_da / 10.0, s.discharge_current_da / 10.0,
                    s.charge_enable, s.discharge_enable);
    }
    if (!in(e.time_us)) continue;
    static const char* const kMeaning[] = {"ok", "decode-error", "foreign", "inverter"};
    std::printf("%.6f  b%d %s", seconds(e.time_us), e.battery, kMeaning[static_cast<int>(e.meaning)]);
    for (std::size_t q = 0; q < kQuantityCount; ++q) {
      if (e.has.test(q)) std::printf(" %s=%g", kQuantityNames[q], e.value[q]);
    }
    std::printf("\n");
  }
}

int one_bank(std::uint64_t seed, const std::string& write_dir, double from_s, double to_s) {
  SeededRandom random(seed);
  const GeneratedBank bank = generate_bank(random, seed);
  if (!write_dir.empty() && write_bank(bank, write_dir) != 0) return 1;
  const PipelineOutput out = run_pipeline_in_process(bank, true);
  if (to_s > from_s) trace(bank, split_frame_sets(out.emitted), from_s, to_s);
  BankFailure f;
  f.seed = seed;
  f.config_error = out.config_error;
  if (out.config_error.empty()) f.report = check_emitted(bank, out.emitted);
  if (out.config_error.empty() && !out.dbus_values.empty()) {
    const OracleReport dbus = check_dbus_values(bank, out);
    f.report.violation_count += dbus.violation_count;
    for (Violation v : dbus.violations) {
      v.detail = "D-Bus: " + v.detail;
      f.report.violations.push_back(std::move(v));
    }
  }
  std::printf("bank %llu: %zu batteries, %zu input frames, %llu frame sets checked (%llu exact)\n",
              static_cast<unsigned long long>(seed), bank.spec.batteries.size(), bank.frames.size(),
              static_cast<unsigned long long>(f.report.frame_sets),
              static_cast<unsigned long long>(f.report.exact_sets));
  if (f.report.ok() && f.config_error.empty()) {
    std::printf("violations: 0\n");
    return 0;
  }
  std::printf("%s", describe(f).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CampaignOptions options;
  options.min_frame_sets = 1'000'000;
  options.keep_failures = 10;
  std::uint64_t bank = 0;
  bool single = false;
  std::string write_dir;
  double from_s = 0, to_s = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--states" && has_value) {
      if (!parse_u64(argv[++i], options.min_frame_sets)) return usage("--states needs a whole number");
    } else if (a == "--seed" && has_value) {
      if (!parse_u64(argv[++i], options.seed)) return usage("--seed needs a whole number");
    } else if (a == "--bank" && has_value) {
      if (!parse_u64(argv[++i], bank)) return usage("--bank needs a bank seed");
      single = true;
    } else if (a == "--trace" && i + 2 < argc) {
      from_s = std::strtod(argv[++i], nullptr);
      to_s = std::strtod(argv[++i], nullptr);
    } else if (a == "--write" && has_value) {
      write_dir = argv[++i];
    } else {
      return usage(("unknown or incomplete argument: " + std::string(a)).c_str());
    }
  }
  if (single) return one_bank(bank, write_dir, from_s, to_s);
  if (!write_dir.empty()) return usage("--write only with --bank");

  const CampaignResult r = run_campaign(options);
  std::printf(
      "seed %llu: %llu frame sets checked (%llu exact, %llu lenient, %llu skipped as too ambiguous), "
      "%llu D-Bus publications, in %llu banks, %llu input frames, %.1f s: %.0f states/s\n",
      static_cast<unsigned long long>(options.seed), static_cast<unsigned long long>(r.frame_sets),
      static_cast<unsigned long long>(r.exact_sets), static_cast<unsigned long long>(r.ambiguous_sets),
      static_cast<unsigned long long>(r.skipped_sets), static_cast<unsigned long long>(r.dbus_sets),
      static_cast<unsigned long long>(r.banks), static_cast<unsigned long long>(r.input_frames), r.seconds,
      r.seconds > 0 ? static_cast<double>(r.frame_sets) / r.seconds : 0.0);
  std::printf("violations: %llu\n", static_cast<unsigned long long>(r.violations));
  for (const BankFailure& f : r.failures) std::printf("%s", describe(f).c_str());
  return r.violations == 0 ? 0 : 1;
}
