// The bank generator: deterministic per seed, valid configurations only, the variety the
// oracle needs, and a description of every frame that says what the real decoder reads.
#include "bank_generator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "app/config_loader.hpp"
#include "core/frame_router.hpp"

namespace bms::oracle {
namespace {

GeneratedBank bank_of(std::uint64_t seed) {
  SeededRandom r(seed);
  return generate_bank(r, seed);
}

bool same_frame(const CanFrame& a, const CanFrame& b) {
  return a.id == b.id && a.dlc == b.dlc && a.data == b.data && a.time_us == b.time_us &&
         a.iface_name() == b.iface_name();
}

TEST(BankGenerator, TheSameSeedGivesTheSameBankAndAnotherSeedAnother) {
  const GeneratedBank a = bank_of(42), b = bank_of(42), c = bank_of(43);
  EXPECT_EQ(a.config_toml, b.config_toml);
  ASSERT_EQ(a.frames.size(), b.frames.size());
  for (std::size_t i = 0; i < a.frames.size(); ++i) ASSERT_TRUE(same_frame(a.frames[i], b.frames[i])) << i;
  EXPECT_TRUE(a.config_toml != c.config_toml || a.frames.size() != c.frames.size());
}

TEST(BankGenerator, EveryConfigurationIsValidAndTheBanksCoverWhatTheOracleMustSee) {
  std::set<std::size_t> battery_counts;
  std::set<int> protocols, maps, profiles, meanings;
  std::set<std::string> presets;
  int ramped = 0, failsafe_discharge = 0, exact_deadline_gaps = 0, time_jumps = 0, emcy = 0, stopped = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const GeneratedBank bank = bank_of(seed);
    const ConfigResult config = load_config_text(bank.config_toml, "generated.toml");
    ASSERT_TRUE(config.ok()) << "seed " << seed << ": " << config.errors.front() << "\n" << bank.config_toml;
    ASSERT_EQ(bank.frames.size(), bank.events.size());
    battery_counts.insert(bank.spec.batteries.size());
    for (const auto& b : bank.spec.batteries) {
      protocols.insert(static_cast<int>(b.protocol));
      if (b.protocol == SourceProtocol::Canopen) maps.insert(static_cast<int>(b.map));
    }
    profiles.insert(static_cast<int>(bank.spec.profile));
    presets.insert(bank.spec.preset);
    ramped += bank.spec.charge_current_ramp_a_per_s > 0;
    failsafe_discharge += bank.spec.failsafe_discharge_current > 0;
    std::map<int, std::int64_t> last_frame;
    std::int64_t previous = bank.frames.front().time_us;
    for (const InputEvent& e : bank.events) {
      meanings.insert(static_cast<int>(e.meaning));
      ASSERT_GE(e.time_us, previous);
      time_jumps += e.time_us - previous > 10'000'000;
      previous = e.time_us;
      if (e.meaning != FrameMeaning::Decodes || e.battery < 0) continue;
      const std::int64_t stale = bank.spec.batteries[static_cast<std::size_t>(e.battery)].stale_after_us;
      if (auto it = last_frame.find(e.battery); it != last_frame.end()) {
        const std::int64_t gap = e.time_us - it->second;
        exact_deadline_gaps += gap >= stale - 1 && gap <= stale + 1;
      }
      last_frame[e.battery] = e.time_us;
      emcy += e.has.test(static_cast<std::size_t>(Quantity::EmcyCode)) &&
              e.value[static_cast<std::size_t>(Quantity::EmcyCode)] != 0;
      stopped += e.has.test(static_cast<std::size_t>(Quantity::NmtState)) &&
                 e.value[static_cast<std::size_t>(Quantity::NmtState)] == kNmtStopped;
    }
  }
  EXPECT_EQ(battery_counts, (std::set<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(protocols.size(), 2U);
  EXPECT_EQ(maps.size(), 2U);
  EXPECT_EQ(profiles.size(), static_cast<std::size_t>(OutputProfile::Count));
  EXPECT_EQ(presets, (std::set<std::string>{"", "conservative", "aggressive"}));
  EXPECT_EQ(meanings.size(), 4U);
  EXPECT_GT(ramped, 30);
  EXPECT_GT(failsafe_discharge, 30);
  EXPECT_GT(exact_deadline_gaps, 30) << "frames exactly at a stale deadline";
  EXPECT_GT(time_jumps, 10);
  EXPECT_GT(emcy, 30);
  EXPECT_GT(stopped, 30);
}

/// The router's reading of a quantity, by the canonical signal that carries it.
SignalId signal_of(Quantity q) {
  switch (q) {
    case Quantity::ChargeVoltageLimit:
      return SignalId::ChargeVoltageLimitV;
    case Quantity::ChargeCurrentLimit:
      return SignalId::ChargeCurrentLimitA;
    case Quantity::DischargeCurrentLimit:
      return SignalId::DischargeCurrentLimitA;
    case Quantity::SocWhole:
      return SignalId::SocPct;
    case Quantity::SocHires:
      return SignalId::SocHiresPct;
    case Quantity::ChargeEnable:
      return SignalId::ChargeEnable;
    case Quantity::DischargeEnable:
      return SignalId::DischargeEnable;
    case Quantity::ShortCircuit:
      return SignalId::ProtectionShortCircuit;
    case Quantity::HighChargeTemperature:
      return SignalId::ProtectionHighChargeTemperature;
    case Quantity::LowChargeTemperature:
      return SignalId::ProtectionLowChargeTemperature;
    case Quantity::EmcyCode:
      return SignalId::EmcyCode;
    case Quantity::NmtState:
      return SignalId::NmtState;
    case Quantity::Current:
      return SignalId::CurrentA;
    case Quantity::Count:
      break;
  }
  return SignalId::Count;
}

TEST(BankGenerator, EachFrameIsDescribedAsTheRealDecoderReadsIt) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const GeneratedBank bank = bank_of(seed);
    const ConfigResult config = load_config_text(bank.config_toml, "generated.toml");
    ASSERT_TRUE(config.ok());
    FrameRouter router(config.settings);
    for (std::size_t i = 0; i < bank.frames.size(); ++i) {
      const InputEvent& e = bank.events[i];
      std::vector<Reading> readings;
      router.route(bank.frames[i], [&](const Reading& r) { readings.push_back(r); });
      const std::string where = "seed " + std::to_string(seed) + " frame " + std::to_string(i);
      switch (e.meaning) {
        case FrameMeaning::Foreign:
          EXPECT_TRUE(readings.empty()) << where;
          continue;
        case FrameMeaning::Inverter:
          ASSERT_EQ(readings.size(), 1U) << where;
          EXPECT_EQ(readings[0].source, kSourceInverter) << where;
          continue;
        case FrameMeaning::DecodeError:
          ASSERT_EQ(readings.size(), 1U) << where;
          EXPECT_EQ(readings[0].kind, ReadingKind::DecodeError) << where;
          continue;
        case FrameMeaning::Decodes:
          break;
      }
      ASSERT_FALSE(readings.empty()) << where;
      EXPECT_EQ(readings[0].kind, ReadingKind::FrameSeen) << where;
      EXPECT_EQ(readings[0].source, e.battery) << where;
      // Every followed quantity the decoder produced is described, with the same value.
      std::size_t followed = 0;
      for (std::size_t q = 0; q < kQuantityCount; ++q) {
        const SignalId id = signal_of(static_cast<Quantity>(q));
        for (const Reading& r : readings) {
          if (r.kind != ReadingKind::Signal || r.signal != id) continue;
          ++followed;
          ASSERT_TRUE(e.has.test(q)) << where << ": " << signal_name(id) << " decoded but not described";
          EXPECT_EQ(r.value, e.value[q]) << where << ": " << signal_name(id);
        }
      }
      EXPECT_EQ(followed, e.has.count()) << where;
    }
  }
}

}  // namespace
}  // namespace bms::oracle
