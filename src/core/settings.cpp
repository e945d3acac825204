#include "core/settings.hpp"

namespace bms {

const char* to_string(BatteryProtocol p) noexcept {
  switch (p) {
    case BatteryProtocol::Pylontech:
      return "pylontech";
    case BatteryProtocol::Canopen:
      return "canopen";
    case BatteryProtocol::Dbus:
      return "dbus";
  }
  return "?";
}

const char* to_string(OutputProfile p) noexcept {
  switch (p) {
    case OutputProfile::Pylon:
      return "pylon";
    case OutputProfile::Sma:
      return "sma";
    case OutputProfile::Victron:
      return "victron";
    case OutputProfile::Luxpower:
      return "luxpower";
    case OutputProfile::Solark:
      return "solark";
  }
  return "?";
}

const char* to_string(Chemistry c) noexcept {
  switch (c) {
    case Chemistry::Lfp:
      return "lfp";
    case Chemistry::Nmc:
      return "nmc";
    case Chemistry::Lto:
      return "lto";
  }
  return "?";
}

const char* to_string(BlockedBattery b) noexcept {
  switch (b) {
    case BlockedBattery::StopBank:
      return "stop_bank";
    case BlockedBattery::Exclude:
      return "exclude";
  }
  return "?";
}

CellSettings chemistry_defaults(Chemistry c) noexcept {
  CellSettings s;  // the struct's defaults are LiFePO4's
  s.enabled = true;
  s.chemistry = c;
  switch (c) {
    case Chemistry::Lfp:
      break;
    case Chemistry::Nmc:
      // NMC: 4.20 V full; the knee at the bottom is higher than LFP's; no charging below 0 or above 45 degC.
      s.cell_taper_start_v = 4.05;
      s.cell_max_v = 4.20;
      s.cell_discharge_taper_start_v = 3.40;
      s.cell_min_v = 3.00;
      s.charge_taper_temperature_c = 40.0;
      s.charge_max_temperature_c = 45.0;
      break;
    case Chemistry::Lto:
      // LTO: 2.80 V full, 1.80 V empty, and it may be charged well below freezing.
      s.cell_taper_start_v = 2.65;
      s.cell_max_v = 2.80;
      s.cell_discharge_taper_start_v = 2.00;
      s.cell_min_v = 1.80;
      s.charge_min_temperature_c = -30.0;
      s.charge_full_temperature_c = -20.0;
      s.discharge_min_temperature_c = -40.0;
      s.discharge_full_temperature_c = -30.0;
      break;
  }
  return s;
}

}  // namespace bms
