#include "app/replay_plot.hpp"

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace bms {
namespace {
/// gnuplot string literal: single quotes, with ' doubled.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}
/// POSIX shell single-quoting.
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

std::string replay_plot_script(const std::string& csv, const std::string& png, const std::vector<std::string>& names,
                               const ImbalanceSettings& im, bool cell_voltages) {
  const std::size_t n = names.size();
  // Columns: 1 time, then (soc, online) per battery, then the bank's values (15: soc to
  // reason, cell extremes, coldest temperature, what limited each limit), then (charge limit,
  // discharge limit, min cell V, max cell V) per battery.
  const std::size_t soc = 2 + 2 * n, diff = soc + 1, ccl = soc + 3, dcl = soc + 4;
  const auto pack_column = [&](std::size_t battery, std::size_t field) { return soc + 15 + 4 * battery + field; };
  std::string s;
  s += "set datafile separator ','\n";
  s += "set terminal pngcairo size 1400,900 font ',10'\n";
  s += "set output " + quoted(png) + "\n";
  s += "set xdata time\nset timefmt '%s'\nset format x '%H:%M'\nset grid\nset key outside right\n";
  s += fmt::format("set multiplot layout {},1 title 'bms-aggregator replay'\n", cell_voltages ? 3 : 2);
  s += "set ylabel 'SOC / soc\\_diff (%)'\nset yrange [0:105]\n";
  s += fmt::format("set arrow 1 from graph 0, first {0} to graph 1, first {0} nohead dt 2 lc rgb '#999999'\n",
                   im.minor_threshold);
  s += fmt::format("set arrow 2 from graph 0, first {0} to graph 1, first {0} nohead dt 2 lc rgb '#e69f00'\n",
                   im.warning_threshold);
  s += fmt::format("set arrow 3 from graph 0, first {0} to graph 1, first {0} nohead dt 2 lc rgb '#d55e00'\n",
                   im.alarm_threshold);
  s += "plot " + quoted(csv) + fmt::format(" using 1:{} every ::1 with lines lw 2 title 'bank SOC'", soc);
  for (std::size_t i = 0; i < n; ++i) {
    s += ", '' using 1:" + std::to_string(2 + 2 * i) + " every ::1 with lines title " + quoted(names[i] + " SOC");
  }
  s += fmt::format(", '' using 1:{} every ::1 with lines lw 2 lc rgb '#d55e00' title 'soc\\_diff'\n", diff);
  s += "unset arrow 1\nunset arrow 2\nunset arrow 3\nset ylabel 'current limit (A)'\nset yrange [0:*]\nset offsets 0, "
       "0, graph 0.08, 0\n";
  s += "plot " + quoted(csv) + fmt::format(" using 1:{} every ::1 with steps lw 2 title 'charge limit'", ccl);
  s += fmt::format(", '' using 1:{} every ::1 with steps title 'discharge limit'", dcl);
  // Each battery's own charge limit (the bank sends at most online x the lowest of them).
  for (std::size_t i = 0; i < n; ++i) {
    // An empty field (pack offline) becomes NaN: the line breaks there instead of bridging it.
    s += fmt::format(", '' using 1:(valid({0}) ? column({0}) : NaN) every ::1 with steps dt 2 title ",
                     pack_column(i, 0)) +
         quoted(names[i] + " charge limit");
  }
  s += "\n";
  if (cell_voltages) {
    s += "set ylabel 'cell voltage (V)'\nset yrange [*:*]\nset offsets 0, 0, 0, 0\nplot " + quoted(csv);
    for (std::size_t i = 0; i < n; ++i) {
      s += fmt::format("{0} using 1:(valid({1}) ? column({1}) : NaN) every ::1 with lines title ", i == 0 ? "" : ", ''",
                       pack_column(i, 2)) +
           quoted(names[i] + " min cell");
      s += fmt::format(", '' using 1:(valid({0}) ? column({0}) : NaN) every ::1 with lines title ", pack_column(i, 3)) +
           quoted(names[i] + " max cell");
    }
    s += "\n";
  }
  s += "unset multiplot\n";
  return s;
}

std::string render_replay_plot(const std::string& csv, const std::string& png, const std::vector<std::string>& names,
                               const ImbalanceSettings& imbalance, bool cell_voltages) {
  const std::string script_path = png + ".gnuplot";
  {
    std::ofstream script(script_path);
    if (!script) return script_path + ": cannot write the gnuplot script";
    script << replay_plot_script(csv, png, names, imbalance, cell_voltages);
  }
  const std::string command = "gnuplot " + shell_quoted(script_path) + " 2>&1";
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return "cannot run gnuplot (install gnuplot-nox)";
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) output += buf;
  const int status = pclose(p);
  std::remove(script_path.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "gnuplot failed" + (output.empty() ? std::string(" (is gnuplot-nox installed?)") : ": " + output);
  }
  return {};
}

}  // namespace bms
