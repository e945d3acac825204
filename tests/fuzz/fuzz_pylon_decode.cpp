// Fuzzes the Pylontech/SMA/Victron decoder with arbitrary frames (ids biased toward the
// family so every decoder is reached), then checks properties that must always hold.
//
// Input: byte 0 flags (bit0 extended, bit1 remote, bit2 error, bit3 0.1 V scale,
// bits 4-7 id selector), byte 1 id low byte, byte 2 dlc, then data.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "protocols/pylon/pylon_codec.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  bms::CanFrame f;
  const std::uint8_t flags = data[0];
  f.extended = (flags & 1U) != 0;
  f.remote = (flags & 2U) != 0;
  f.error = (flags & 4U) != 0;
  // Selector 0..7: 0x300-0x3FF (the family), else the raw 11 bits.
  const std::uint32_t high = (flags >> 4) < 8 ? 0x300U : ((flags >> 4) & 0x7U) << 8;
  f.id = high | data[1];
  f.dlc = static_cast<std::uint8_t>(data[2] % 9);
  for (std::size_t i = 0; i < 8 && 3 + i < size; ++i) f.data[i] = data[3 + i];

  bms::pylon::DecodeOptions options;
  if (flags & 8U) {
    options.voltage_scale_v = 0.1;
    options.extremes_cell_scale_v = 0.01;
    options.energy_scale_kwh = 0.01;
  }
  const bms::DecodedFrame d = bms::pylon::decode(f, options);
  require(d.count <= bms::kMaxSignalsPerFrame);
  if (d.status == bms::DecodeStatus::Ok) {
    for (const auto& s : d.values()) {
      require(static_cast<std::size_t>(s.id) < bms::kSignalCount);
      require(s.text_view().size() <= 8);
    }
  } else {
    require(d.count == 0 && !d.reason.empty());
  }
  return 0;
}
