#pragma once
/// @file bank_model.hpp
/// A random bank as the oracle sees it: the configuration in the terms of docs/POLICY.md,
/// and every input frame described by what it means (which battery, whether it decodes,
/// which values it carries). The generator writes both this description and the CAN frames
/// it encodes; the oracle reads only the description, never the aggregator's state.
///
/// Extending: a new battery source (D-Bus batteries) is a new SourceProtocol and, if it
/// carries new kinds of values, new Quantity entries; a taper (cell voltage/temperature) is a
/// Taper hook in the oracle (policy_oracle.hpp) that bounds the charge current further.

#include <array>
#include <bitset>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "protocols/can_frame.hpp"

namespace bms::oracle {

inline constexpr std::int64_t kNeverUs = std::numeric_limits<std::int64_t>::min();

/// How a battery reaches the gateway.
enum class SourceProtocol : std::uint8_t {
  Pylontech,  ///< Pylontech/SMA/Victron CAN family: sends its own limits and enable flags
  Canopen,    ///< CANopen node with an object map (heartbeat, EMCY, SDO/TPDO values)
};

/// The shipped CANopen object maps the generator uses (neither carries current limits).
enum class CanopenMap : std::uint8_t { SuperbEpsilonV2, Cia418Generic };

/// Values the oracle follows, each with the time it arrived. Enable flags, protections,
/// EMCY and NMT state feed the latching rules; the rest are plain values with an age.
enum class Quantity : std::uint8_t {
  ChargeVoltageLimit,     ///< V (0x351)
  ChargeCurrentLimit,     ///< A (0x351)
  DischargeCurrentLimit,  ///< A (0x351)
  SocWhole,               ///< % (0x355 bytes 0-1, CANopen soc_pct), before clamping
  SocHires,               ///< % (0x355 bytes 4-5)
  ChargeEnable,           ///< 0/1 (0x35C bit 7)
  DischargeEnable,        ///< 0/1 (0x35C bit 6)
  ShortCircuit,           ///< 0/1 protection (0x35A alarm half)
  HighChargeTemperature,  ///< 0/1 protection (0x35A alarm half)
  LowChargeTemperature,   ///< 0/1 protection (0x35A alarm half)
  EmcyCode,               ///< CANopen EMCY error code (0 = error reset)
  NmtState,               ///< CANopen heartbeat state byte (0 boot-up, 4 stopped, 5, 0x7F)
  Current,                ///< A, + = charging (0x356): the measured current share rule reads it
  Count
};
inline constexpr std::size_t kQuantityCount = static_cast<std::size_t>(Quantity::Count);

inline constexpr double kNmtBootUp = 0;
inline constexpr double kNmtStopped = 4;

/// What the receiving side makes of a frame, as docs/POLICY.md defines "online".
enum class FrameMeaning : std::uint8_t {
  Decodes,      ///< a frame of the battery that decodes: refreshes liveness, carries values
  DecodeError,  ///< the battery's id but too short / an SDO abort: not proof of life
  Foreign,      ///< an id the battery's protocol does not use (or another bus): ignored
  Inverter,     ///< the inverter's 0x305 keep-alive on the output port: input, but no battery
};

/// One input frame, described.
struct InputEvent {
  std::int64_t time_us = 0;
  int battery = -1;  ///< index into BankSpec::batteries; -1 for frames of no battery
  FrameMeaning meaning = FrameMeaning::Foreign;
  std::bitset<kQuantityCount> has;
  std::array<double, kQuantityCount> value{};

  void set(Quantity q, double v) noexcept {
    has.set(static_cast<std::size_t>(q));
    value[static_cast<std::size_t>(q)] = v;
  }
};

struct BatterySpec {
  std::string name;
  std::string interface;
  SourceProtocol protocol = SourceProtocol::Pylontech;
  CanopenMap map = CanopenMap::SuperbEpsilonV2;
  int node_id = 0;
  double capacity_ah = 0;
  std::int64_t stale_after_us = 5'000'000;
  /// CANopen only: the configured limits a BMS without limit objects uses (0 = none).
  double max_charge_current = 0;
  double max_discharge_current = 0;
};

/// The inverter profiles of [output] profile; all but Sma send 0x35C.
enum class OutputProfile : std::uint8_t { Pylon, Sma, Victron, Luxpower, Solark, Count };

struct BankSpec {
  std::vector<BatterySpec> batteries;
  // [charge]
  double nominal_charge_current = 150;
  std::optional<double> reduced_charge_current;  ///< nullopt: not in the file (default or preset)
  double max_charge_voltage = 14.2;
  double max_discharge_current = 150;
  double battery_low_voltage = 11.5;
  double failsafe_discharge_current = 0;
  double charge_current_ramp_a_per_s = 0;
  double share_threshold_a = 10;  ///< measured current share rule (0 = off)
  // [imbalance]: nullopt = not in the file
  std::string preset;  ///< "", "conservative", "aggressive"
  std::optional<double> minor_threshold, minor_factor, warning_threshold, warning_factor, alarm_threshold, hysteresis;
  // [output]
  OutputProfile profile = OutputProfile::Pylon;
  std::string output_interface = "can9";
  std::int64_t interval_us = 1'000'000;
};

/// A generated bank: its description, the config file that says the same, and the input.
struct GeneratedBank {
  std::uint64_t seed = 0;
  BankSpec spec;
  std::string config_toml;
  std::vector<InputEvent> events;  ///< one per frame, same order
  std::vector<CanFrame> frames;    ///< non-decreasing time
};

}  // namespace bms::oracle
