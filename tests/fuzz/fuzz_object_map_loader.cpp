// Fuzzes the CANopen object map loader: any text gives a map or errors, never an
// exception; a loaded map decodes a PDO of every mapped COB-ID without crashing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/object_map_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const bms::ObjectMapResult r = bms::load_object_map_text(text, "fuzz.toml");
    if (!r.ok()) return 0;
    for (const auto& pdo : r.map.pdos) {
      bms::CanFrame f;
      f.id = pdo.cob_id_for(1);
      f.dlc = 8;
      f.data.fill(0xA5);
      (void)bms::canopen::decode_pdo(r.map, f, 1);
    }
  } catch (...) {
    std::abort();
  }
  return 0;
}
