// bms-sim: writes a candump log of simulated batteries. See --help and docs/SIMULATOR.md.

#include <cstdio>
#include <iostream>

#include "io/candump_format.hpp"
#include "sim_options.hpp"
#include "simulator.hpp"

int main(int argc, char** argv) {
  const bms::sim::ParseResult parsed = bms::sim::parse_sim_options(argc, argv);
  if (parsed.help) {
    std::cout << bms::sim::sim_usage();
    return 0;
  }
  if (!parsed.error.empty()) {
    std::cerr << "bms-sim: " << parsed.error << "\n(try --help)\n";
    return 2;
  }
  const bms::sim::SimOptions& o = parsed.options;
  std::FILE* out = stdout;
  if (o.out != "-") {
    out = std::fopen(o.out.c_str(), "w");
    if (out == nullptr) {
      std::perror(("bms-sim: " + o.out).c_str());
      return 1;
    }
  }
  char line[bms::kCandumpLineMax + 1];
  bms::sim::run_simulation(o, [&](const bms::CanFrame& f) {
    const std::size_t n = bms::write_candump_log_line(f, line);
    line[n] = '\n';
    std::fwrite(line, 1, n + 1, out);
  });
  const bool write_failed = std::ferror(out) != 0;
  if (out != stdout) {
    if (std::fclose(out) != 0) return 1;
  } else if (std::fflush(out) != 0) {
    return 1;
  }
  if (write_failed) {
    std::cerr << "bms-sim: write failed\n";
    return 1;
  }
  return 0;
}
