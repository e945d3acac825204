#pragma once
// Receivers of the inverter-side frame sets, written from the vendor documents (Pylontech LV
// V1.2 with real packs' DLCs, SMA Sunny Island external-BMS interface, Victron CAN-bus BMS,
// Luxpower battery CAN V04.2, Sol-Ark LV CAN V1.3), as an inverter reads them. Test code:
// nothing here calls the project's codecs or wire helpers, so our encoder cannot agree with
// itself by accident. Each receiver keeps what a strict receiver would complain about in
// `errors` (a DBC-based reader's "wrong data size", a frame Sol-Ark ignores, ...).

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocols/can_frame.hpp"

namespace bms::test::vendor {

inline unsigned le_u16(const CanFrame& f, int at) { return f.data[at] | (static_cast<unsigned>(f.data[at + 1]) << 8); }
inline int le_s16(const CanFrame& f, int at) {
  const unsigned u = le_u16(f, at);
  return u >= 0x8000U ? static_cast<int>(u) - 0x10000 : static_cast<int>(u);
}
inline bool bit_set(std::uint8_t byte, int n) { return ((byte >> n) & 1U) != 0; }
inline std::string ascii(const CanFrame& f) {
  std::string s;
  for (int i = 0; i < f.dlc && f.data[i] != 0; ++i) s += static_cast<char>(f.data[i]);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

/// The 0x359 flag bits of the Pylontech document (bytes 0/2: protection/warning).
struct PylonFlags {
  bool over_voltage = false, under_voltage = false, over_temperature = false, under_temperature = false,
       discharge_over_current = false;
};
inline PylonFlags pylon_flags(std::uint8_t b) {
  return {bit_set(b, 1), bit_set(b, 2), bit_set(b, 3), bit_set(b, 4), bit_set(b, 7)};
}

/// 0x35C byte 0 of the Pylontech document.
struct RequestBits {
  bool charge_enable = false, discharge_enable = false, force_charge_1 = false, force_charge_2 = false,
       full_charge = false;
};
inline RequestBits request_bits(std::uint8_t b) {
  return {bit_set(b, 7), bit_set(b, 6), bit_set(b, 5), bit_set(b, 4), bit_set(b, 3)};
}

/// What a receiver read, in engineering units; nullopt = the field was not received or
/// carried the document's invalid marker.
struct Received {
  std::optional<double> charge_voltage_v, charge_current_a, discharge_current_a, discharge_voltage_v;
  std::optional<double> soc_pct, soh_pct, soc_hires_pct;
  std::optional<double> voltage_v, current_a, temperature_c;
  std::optional<double> max_cell_v, min_cell_v, max_cell_temperature_c, min_cell_temperature_c;
  std::optional<int> modules, capacity_ah, cycles, installed_ah, remaining_ah;
  std::optional<unsigned> battery_type, bms_version, manufacturer_id;  // SMA 0x35F
  PylonFlags protection, warning;
  bool charge_over_current = false, system_error = false, charge_high_current_warning = false,
       communication_fail = false, critical_system_error = false;
  std::optional<RequestBits> requests;
  std::string manufacturer, pn;
  std::map<std::uint32_t, int> seen;  ///< frames per id
  std::vector<std::string> errors;
};

inline std::string id_text(std::uint32_t id) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%03X", id);
  return buf;
}

/// A DBC-style length check: the frame must carry exactly `dlc` bytes.
inline bool exact_dlc(Received& r, const CanFrame& f, int dlc) {
  if (f.dlc == dlc) return true;
  r.errors.push_back(id_text(f.id) + ": wrong data size " + std::to_string(f.dlc) + " (expected " +
                     std::to_string(dlc) + ")");
  return false;
}

inline void read_351(Received& r, const CanFrame& f) {
  r.charge_voltage_v = le_u16(f, 0) * 0.1;
  r.charge_current_a = le_s16(f, 2) * 0.1;
  r.discharge_current_a = le_s16(f, 4) * 0.1;
  r.discharge_voltage_v = le_u16(f, 6) * 0.1;
}

inline void read_359_flags(Received& r, const CanFrame& f) {
  r.protection = pylon_flags(f.data[0]);
  r.charge_over_current = bit_set(f.data[1], 0);
  r.system_error = bit_set(f.data[1], 3);
  r.warning = pylon_flags(f.data[2]);
  r.charge_high_current_warning = bit_set(f.data[3], 0);
  r.communication_fail = bit_set(f.data[3], 3);
  r.modules = f.data[4];
}

/// Pylontech LV V1.2 as real US2000/US3000/US5000 packs send it, read with the DBC lengths
/// of those packs: 351 8, 355 4, 356 6, 359 7, 35C 2, 35E 8.
inline Received receive_pylon(std::span<const CanFrame> frames) {
  Received r;
  for (const CanFrame& f : frames) {
    ++r.seen[f.id];
    switch (f.id) {
      case 0x351:
        if (exact_dlc(r, f, 8)) read_351(r, f);
        break;
      case 0x355:
        if (exact_dlc(r, f, 4)) {
          r.soc_pct = le_u16(f, 0);
          r.soh_pct = le_u16(f, 2);
        }
        break;
      case 0x356:
        if (exact_dlc(r, f, 6)) {
          r.voltage_v = le_s16(f, 0) * 0.01;
          r.current_a = le_s16(f, 2) * 0.1;
          r.temperature_c = le_s16(f, 4) * 0.1;
        }
        break;
      case 0x359:
        if (exact_dlc(r, f, 7)) {
          read_359_flags(r, f);
          r.pn = std::string{static_cast<char>(f.data[5]), static_cast<char>(f.data[6])};
        }
        break;
      case 0x35C:
        if (exact_dlc(r, f, 2)) r.requests = request_bits(f.data[0]);
        break;
      case 0x35E:
        if (exact_dlc(r, f, 8)) r.manufacturer = ascii(f);
        break;
      default:
        r.errors.push_back(id_text(f.id) + ": not a Pylontech LV frame");
    }
  }
  return r;
}

/// SMA Sunny Island external-BMS interface: every frame 8 bytes but 0x356 (6); unused
/// fields carry 0xFFFF (unsigned) / 0x8000 (signed), read here as "not received".
inline std::optional<double> sma_u16(const CanFrame& f, int at, double scale) {
  const unsigned u = le_u16(f, at);
  if (u == 0xFFFFU) return std::nullopt;
  return u * scale;
}
inline std::optional<double> sma_s16(const CanFrame& f, int at, double scale) {
  if (le_u16(f, at) == 0x8000U) return std::nullopt;
  return le_s16(f, at) * scale;
}
/// 0x35A: 2-bit pairs, 01 raised, 10 cleared; (alarm byte, pair) -> state.
struct SmaPairs {
  std::array<std::uint8_t, 32> pairs{};  // 16 alarm pairs then 16 warning pairs, raw 2-bit codes
  [[nodiscard]] std::uint8_t alarm(int byte, int pair) const { return pairs[byte * 4 + pair]; }
  [[nodiscard]] std::uint8_t warning(int byte, int pair) const { return pairs[16 + byte * 4 + pair]; }
};
struct SmaReceived : Received {
  std::optional<SmaPairs> pairs;
  std::optional<unsigned> soc_bytes_6_7;  ///< 0x355 bytes 6-7 raw (must be the invalid marker)
};
inline SmaReceived receive_sma(std::span<const CanFrame> frames) {
  SmaReceived r;
  for (const CanFrame& f : frames) {
    ++r.seen[f.id];
    switch (f.id) {
      case 0x351:
        if (exact_dlc(r, f, 8)) {
          r.charge_voltage_v = sma_u16(f, 0, 0.1);
          r.charge_current_a = sma_s16(f, 2, 0.1);
          r.discharge_current_a = sma_s16(f, 4, 0.1);
          r.discharge_voltage_v = sma_u16(f, 6, 0.1);
        }
        break;
      case 0x355:
        if (exact_dlc(r, f, 8)) {
          r.soc_pct = sma_u16(f, 0, 1.0);
          r.soh_pct = sma_u16(f, 2, 1.0);
          r.soc_hires_pct = sma_u16(f, 4, 0.01);
          r.soc_bytes_6_7 = le_u16(f, 6);
        }
        break;
      case 0x356:
        if (exact_dlc(r, f, 6)) {
          r.voltage_v = sma_s16(f, 0, 0.01);
          r.current_a = sma_s16(f, 2, 0.1);
          r.temperature_c = sma_s16(f, 4, 0.1);
        }
        break;
      case 0x35A:
        if (exact_dlc(r, f, 8)) {
          SmaPairs p;
          for (int i = 0; i < 32; ++i) p.pairs[i] = static_cast<std::uint8_t>((f.data[i / 4] >> (2 * (i % 4))) & 0x3U);
          r.pairs = p;
        }
        break;
      case 0x35E:
        if (exact_dlc(r, f, 8)) r.manufacturer = ascii(f);
        break;
      case 0x35F:
        if (exact_dlc(r, f, 8)) {
          if (le_u16(f, 0) != 0xFFFFU) r.battery_type = le_u16(f, 0);
          if (le_u16(f, 2) != 0xFFFFU) r.bms_version = le_u16(f, 2);
          if (auto c = sma_u16(f, 4, 1.0)) r.capacity_ah = static_cast<int>(*c);
          if (le_u16(f, 6) != 0xFFFFU) r.manufacturer_id = le_u16(f, 6);
        }
        break;
      default:
        r.errors.push_back(id_text(f.id) + ": not in the SMA interface");
    }
  }
  return r;
}

/// Luxpower battery CAN V04.2 (EG4, Luxpower): Pylontech ids with its own fields; the
/// layout fills every frame to 8 bytes.
inline Received receive_luxpower(std::span<const CanFrame> frames) {
  Received r;
  for (const CanFrame& f : frames) {
    ++r.seen[f.id];
    if (!exact_dlc(r, f, 8)) continue;
    switch (f.id) {
      case 0x351:
        read_351(r, f);
        break;
      case 0x355:
        r.soc_pct = le_u16(f, 0);
        r.soh_pct = le_u16(f, 2);
        r.max_cell_v = le_u16(f, 4) * 0.001;
        r.min_cell_v = le_u16(f, 6) * 0.001;
        break;
      case 0x356:
        r.voltage_v = le_s16(f, 0) * 0.01;
        r.current_a = le_s16(f, 2) * 0.1;
        r.max_cell_temperature_c = le_s16(f, 4) * 0.1;
        r.min_cell_temperature_c = le_s16(f, 6) * 0.1;
        break;
      case 0x359:
        read_359_flags(r, f);
        r.capacity_ah = static_cast<int>(le_u16(f, 5));
        break;
      case 0x35C:
        r.requests = request_bits(f.data[0]);
        r.cycles = static_cast<int>(le_u16(f, 2));
        break;
      case 0x35E:
        r.manufacturer = ascii(f);
        break;
      default:
        r.errors.push_back(id_text(f.id) + ": not in the Luxpower layout");
    }
  }
  return r;
}

/// Sol-Ark LV CAN V1.3: "only recognizes standard frames containing 8 bytes of data"
/// (others are ignored), 0x356 voltage 0.1 V, 0x359 byte 3 bit 3 "critical system error",
/// 0x379 installed capacity.
inline Received receive_solark(std::span<const CanFrame> frames) {
  Received r;
  for (const CanFrame& f : frames) {
    ++r.seen[f.id];
    if (f.dlc != 8) {
      r.errors.push_back(id_text(f.id) + ": ignored, " + std::to_string(f.dlc) + " bytes");
      continue;
    }
    switch (f.id) {
      case 0x351:
        read_351(r, f);
        break;
      case 0x355:
        r.soc_pct = le_u16(f, 0);
        r.soh_pct = le_u16(f, 2);
        break;
      case 0x356:
        r.voltage_v = le_s16(f, 0) * 0.1;
        r.current_a = le_s16(f, 2) * 0.1;
        r.temperature_c = le_s16(f, 4) * 0.1;
        break;
      case 0x359:
        read_359_flags(r, f);
        r.communication_fail = false;                     // Sol-Ark has no such flag ...
        r.critical_system_error = bit_set(f.data[3], 3);  // ... it reads this bit as critical
        r.pn = std::string{static_cast<char>(f.data[5]), static_cast<char>(f.data[6])};
        break;
      case 0x35C:
        r.requests = request_bits(f.data[0]);
        break;
      case 0x35E:
        r.manufacturer = ascii(f);
        break;
      case 0x379:
        r.installed_ah = static_cast<int>(le_u16(f, 0));
        break;
      default:
        r.errors.push_back(id_text(f.id) + ": not in the Sol-Ark set");
    }
  }
  return r;
}

/// Victron CAN-bus BMS (what Venus OS reads): SMA-like frames, 0x35F bytes 4-5 = remaining
/// Ah, 0x372 module counters, 0x373 cell extremes (mV, K), 0x379 installed Ah.
struct VictronReceived : Received {
  std::string name;
  std::optional<int> modules_online, modules_blocking_charge, modules_blocking_discharge, modules_offline;
};
inline VictronReceived receive_victron(std::span<const CanFrame> frames) {
  VictronReceived r;
  std::string name1, name2;
  for (const CanFrame& f : frames) {
    ++r.seen[f.id];
    switch (f.id) {
      case 0x351:
        if (exact_dlc(r, f, 8)) read_351(r, f);
        break;
      case 0x355:
        if (exact_dlc(r, f, 8)) {
          r.soc_pct = le_u16(f, 0);
          r.soh_pct = le_u16(f, 2);
          r.soc_hires_pct = le_u16(f, 4) * 0.01;
        }
        break;
      case 0x356:
        if (exact_dlc(r, f, 6)) {
          r.voltage_v = le_s16(f, 0) * 0.01;
          r.current_a = le_s16(f, 2) * 0.1;
          r.temperature_c = le_s16(f, 4) * 0.1;
        }
        break;
      case 0x35A:
        exact_dlc(r, f, 8);
        break;
      case 0x35C:
        if (exact_dlc(r, f, 2)) r.requests = request_bits(f.data[0]);
        break;
      case 0x35E:
        if (exact_dlc(r, f, 8)) r.manufacturer = ascii(f);
        break;
      case 0x35F:
        if (exact_dlc(r, f, 8)) r.remaining_ah = static_cast<int>(le_u16(f, 4));
        break;
      case 0x370:
        if (exact_dlc(r, f, 8)) name1 = ascii(f);
        break;
      case 0x371:
        if (exact_dlc(r, f, 8)) name2 = ascii(f);
        break;
      case 0x372:
        if (exact_dlc(r, f, 8)) {
          r.modules_online = static_cast<int>(le_u16(f, 0));
          r.modules_blocking_charge = static_cast<int>(le_u16(f, 2));
          r.modules_blocking_discharge = static_cast<int>(le_u16(f, 4));
          r.modules_offline = static_cast<int>(le_u16(f, 6));
        }
        break;
      case 0x373:
        if (exact_dlc(r, f, 8)) {
          r.min_cell_v = le_u16(f, 0) * 0.001;
          r.max_cell_v = le_u16(f, 2) * 0.001;
          r.min_cell_temperature_c = le_u16(f, 4) - 273.15;
          r.max_cell_temperature_c = le_u16(f, 6) - 273.15;
        }
        break;
      case 0x379:
        if (exact_dlc(r, f, 2)) r.installed_ah = static_cast<int>(le_u16(f, 0));
        break;
      default:
        r.errors.push_back(id_text(f.id) + ": not in the Victron set");
    }
  }
  r.name = name1 + name2;
  return r;
}

}  // namespace bms::test::vendor
