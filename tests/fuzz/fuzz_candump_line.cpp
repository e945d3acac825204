// Fuzzes the candump line parser. Every line parsed as a frame must format back to a
// log line that parses to the same frame (the replay path writes what it reads).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/candump_format.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool same(const bms::CanFrame& a, const bms::CanFrame& b) {
  if (a.id != b.id || a.extended != b.extended || a.remote != b.remote || a.error != b.error || a.dlc != b.dlc ||
      a.time_us != b.time_us || a.iface_name() != b.iface_name()) {
    return false;
  }
  if (a.remote) return true;
  for (std::size_t i = 0; i < a.dlc; ++i) {
    if (a.data[i] != b.data[i]) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const bms::ParsedLine parsed = bms::parse_candump_line(line);
  if (parsed.status == bms::LineStatus::Error) require(!parsed.error.empty());
  // The reader's fast path may only accept what the general parser accepts, with the same frame.
  bms::CanFrame fast;
  if (bms::parse_canonical_log_line(line, fast)) {
    require(parsed.status == bms::LineStatus::Frame);
    require(same(parsed.frame, fast));
  }
  if (parsed.status != bms::LineStatus::Frame) return 0;
  require(parsed.frame.dlc <= 8);
  char out[bms::kCandumpLineMax];
  const std::size_t n = bms::write_candump_log_line(parsed.frame, out);
  require(n < bms::kCandumpLineMax);
  const bms::ParsedLine again = bms::parse_candump_line(std::string_view(out, n));
  require(again.status == bms::LineStatus::Frame);
  require(same(parsed.frame, again.frame));
  return 0;
}
