#include "app/event_log.hpp"

#include <spdlog/spdlog.h>

namespace bms {
namespace {
std::string clock_text(std::int64_t t_us) {
  const std::int64_t s = (t_us / 1'000'000) % 86400;
  return fmt::format("{:02}:{:02}:{:02}.{:03}", s / 3600, (s / 60) % 60, s % 60, (t_us / 1000) % 1000);
}
}  // namespace

void EventLog::remember(const Snapshot& s) {
  EventLogSeen& seen = last_ ? *last_ : last_.emplace();
  seen.packs.resize(s.batteries.size());
  for (std::size_t i = 0; i < s.batteries.size(); ++i) {
    seen.packs[i] = {s.batteries[i].online, s.batteries[i].blocks_charge};
  }
  seen.tier = s.tier;
  seen.failsafe = s.failsafe;
  seen.charge_allowed = s.charge_allowed;
  seen.discharge_allowed = s.discharge_allowed;
  seen.worst_alarm = s.alarms.worst();
  seen.inverter_present = s.inverter_present;
}

void EventLog::publish(const Snapshot& s, PublishReason) {
  // The clock text only when a line is written: formatting it at every publication cost
  // more than the rest of the log.
  std::string at_text;
  const auto at = [&]() -> const std::string& {
    if (at_text.empty()) at_text = clock_text(s.time_us);
    return at_text;
  };
  if (!last_) {
    spdlog::info("[{}] first aggregate: {}/{} batteries online, charge limit {:.1f} A, discharge limit {:.1f} A", at(),
                 s.batteries_online, s.batteries.size(), s.charge_current_limit_a, s.discharge_current_limit_a);
    remember(s);
    return;
  }
  const EventLogSeen& b = *last_;
  for (std::size_t i = 0; i < s.batteries.size() && i < b.packs.size(); ++i) {
    if (b.packs[i].online && !s.batteries[i].online) {
      spdlog::warn("[{}] battery {} offline (no frame within its stale timeout): excluded", at(), s.batteries[i].name);
    } else if (!b.packs[i].online && s.batteries[i].online) {
      spdlog::info("[{}] battery {} online again", at(), s.batteries[i].name);
    }
    if (!b.packs[i].blocks_charge && s.batteries[i].blocks_charge && s.batteries[i].online) {
      spdlog::warn("[{}] battery {} blocks charging", at(), s.batteries[i].name);
    }
  }
  if (s.tier != b.tier) {
    spdlog::info("[{}] imbalance tier {} -> {} (soc_diff {:.1f} %), charge limit {:.1f} A", at(), to_string(b.tier),
                 to_string(s.tier), s.soc_diff_pct.value_or(0.0), s.charge_current_limit_a);
  }
  if (s.failsafe != b.failsafe) {
    if (s.failsafe) {
      spdlog::error("[{}] no battery is fresh: FAIL-SAFE (charge 0 A, discharge {:.1f} A)", at(),
                    s.discharge_current_limit_a);
    } else {
      spdlog::info("[{}] fail-safe left: {} batteries online", at(), s.batteries_online);
    }
  }
  if (s.charge_allowed != b.charge_allowed)
    spdlog::info("[{}] charging {}", at(), s.charge_allowed ? "allowed" : "blocked");
  if (s.discharge_allowed != b.discharge_allowed) {
    spdlog::info("[{}] discharging {}", at(), s.discharge_allowed ? "allowed" : "blocked");
  }
  if (s.alarms.worst() != b.worst_alarm) {
    spdlog::info("[{}] worst alarm level {} -> {}", at(), b.worst_alarm, s.alarms.worst());
  }
  if (watch_inverter_ && s.inverter_present != b.inverter_present) {
    if (s.inverter_present) {
      spdlog::info("[{}] inverter keep-alive (0x305) present", at());
    } else {
      spdlog::warn("[{}] inverter keep-alive (0x305) lost", at());
    }
  }
  remember(s);
}

}  // namespace bms
