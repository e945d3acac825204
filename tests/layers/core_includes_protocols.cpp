// Compiled as if it were a file of src/core: the layer below (protocols) is visible.
#include "core/reading.hpp"
#include "protocols/signals.hpp"

int layer_probe_allowed() { return static_cast<int>(bms::kSignalCount); }
