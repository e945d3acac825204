#include "app/status_line.hpp"

#include <fmt/format.h>

namespace bms {
namespace {
std::string opt(const std::optional<double>& v, const char* unit, int decimals) {
  if (!v) return fmt::format("{:>{}}", "---", 5 + decimals);
  return fmt::format("{:.{}f}{}", *v, decimals, unit);
}
}  // namespace

std::string format_status_line(const Snapshot& s) {
  const std::int64_t secs = (s.time_us / 1'000'000) % 86400;
  std::string line = fmt::format(
      "{:02}:{:02}:{:02} SOC {:>6} d{:>5} {:<8} {:>7} {:>7}  CCL {:6.1f}A DCL {:6.1f}A CVL {:5.2f}V  online {}/{}",
      secs / 3600, (secs / 60) % 60, secs % 60, opt(s.soc_pct, "%", 1), opt(s.soc_diff_pct, "%", 1), to_string(s.tier),
      opt(s.voltage_v, "V", 2), opt(s.current_a, "A", 1), s.charge_current_limit_a, s.discharge_current_limit_a,
      s.charge_voltage_limit_v, s.batteries_online, s.batteries.size());
  line += " |";
  for (const auto& b : s.batteries) {
    line += fmt::format(" {}:{}", b.name, b.online ? (b.soc_pct ? fmt::format("{:.0f}%", *b.soc_pct) : "?") : "OFF");
    if (b.online && b.blocks_charge) line += "!c";
  }
  // Name the rule when a taper or the measured share set a current limit (the plain rules
  // need no note): an installer sees at once why the bank charges slowly.
  const auto noted = [](LimitReason r) {
    return r == LimitReason::CellVoltage || r == LimitReason::Temperature || r == LimitReason::CurrentShare;
  };
  if (noted(s.charge_limited_by)) line += fmt::format("  CCL<-{}", to_string(s.charge_limited_by));
  if (noted(s.discharge_limited_by)) line += fmt::format("  DCL<-{}", to_string(s.discharge_limited_by));
  const std::uint8_t worst = s.alarms.worst();
  if (s.failsafe) line += "  FAILSAFE";
  if (worst > 0) line += worst == 2 ? "  ALARM" : "  warning";
  return line;
}

void StatusLine::publish(const Snapshot& snapshot, PublishReason reason) {
  std::fprintf(out_, "%s%s\n", format_status_line(snapshot).c_str(),
               reason == PublishReason::Protective ? "  <- protective" : "");
  std::fflush(out_);
}

}  // namespace bms
