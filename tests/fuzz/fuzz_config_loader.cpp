// Fuzzes the TOML configuration loader: any text gives a result (settings or errors),
// never an exception or a crash; an accepted configuration renders and reloads cleanly.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const bms::ConfigResult r = bms::load_config_text(text, "fuzz.toml");
    if (r.ok()) {
      const bms::ConfigResult again = bms::load_config_text(bms::render_config(r.settings), "rendered.toml");
      if (!again.ok()) std::abort();
    }
  } catch (...) {
    std::abort();  // the loader promises errors as values
  }
  return 0;
}
