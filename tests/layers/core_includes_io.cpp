// Compiled as if it were a file of src/core: an upward include (io sits above core) must not
// compile. tests/layers/CMakeLists.txt expects exactly this include to be missing.
#include "core/reading.hpp"
#include "io/candump_reader.hpp"

int layer_probe_forbidden() { return 0; }
