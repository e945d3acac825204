#pragma once
/// @file sim_options.hpp
/// Command line of bms-sim: what to simulate, for how long, and where to write it.

#include <cstdint>
#include <string>
#include <vector>

namespace bms::sim {

enum class Scenario : std::uint8_t {
  Steady,
  Imbalance,
  Silent,
  BlockCharge,
  Alarm,
  CanopenSdo,
  CellHigh,
  Cold,
  UnevenShare
};
enum class SimProtocol : std::uint8_t { Pylontech, Canopen };
/// Which frame set a Pylontech-family battery sends.
enum class SimProfile : std::uint8_t {
  Pylon,    ///< Pylontech V1.2: 351(6) 355(4) 356 359(7) 35C 35E "PYLON"
  Victron,  ///< Seplos/REC in Victron mode: 351(8) 355(8) 356 35A 35C 35E 35F 370/371 name 372 373 374-377 379
};

struct SimOptions {
  int batteries = 2;
  double duration_s = 60.0;
  Scenario scenario = Scenario::Steady;
  SimProtocol protocol = SimProtocol::Pylontech;
  SimProfile profile = SimProfile::Pylon;
  std::int64_t start_epoch_s = 1700000000;
  int interval_ms = 1000;
  std::uint64_t seed = 1;
  std::vector<double> capacities_ah{100.0};  ///< per battery; the last repeats
  std::string out = "-";                     ///< "-" is stdout
  std::string iface_prefix = "can";          ///< pylontech battery i on PREFIX<i>; CANopen all on PREFIX0
  int first_node = 1;                        ///< CANopen node id of battery 0
  double event_start_s = -1;                 ///< scenario event start; <0: scenario default
  double event_duration_s = -1;              ///< scenario event length; <0: scenario default
  /// CANopen batteries also send TPDO2 (0x280 + node) with their cell extremes (an example
  /// layout, see tests/data/superb_with_cells_tpdo2.toml); the SuperB objects carry none.
  bool canopen_cells = false;

  /// Capacity of battery `index` (the list's last value repeats).
  [[nodiscard]] double capacity_ah(int index) const noexcept;
};

struct ParseResult {
  SimOptions options;
  bool help = false;
  std::string error;  ///< non-empty: bad usage, say this and exit 2
};

/// Parses argv (argv[0] is the program name).
[[nodiscard]] ParseResult parse_sim_options(int argc, const char* const* argv);
/// The --help text.
[[nodiscard]] std::string sim_usage();
[[nodiscard]] const char* to_string(Scenario s) noexcept;

}  // namespace bms::sim
