// Micro-benchmarks of the D-Bus service's two costs: publish() on the aggregator thread (must
// never wait for the bus) and applying a snapshot to the item model on the bus thread.
// Signal rates on a real bus come from tools/bench/dbus-signal-rate (docs/PERFORMANCE.md).
#if BMS_WITH_DBUS
#include <benchmark/benchmark.h>

#include "dbus/battery_items.hpp"
#include "dbus/victron_battery_service.hpp"

namespace {

bms::Settings bench_settings() {
  bms::Settings s;
  s.service.dbus = "unix:path=/nonexistent/bms-bench-bus";  // never reachable: no bus traffic
  for (const char* name : {"A", "B", "C"}) {
    bms::BatterySettings b;
    b.name = name;
    b.interface = std::string("can_") + name;
    b.capacity_ah = 100;
    s.batteries.push_back(b);
  }
  return s;
}

bms::Snapshot bench_snapshot(double soc) {
  bms::Snapshot s;
  s.batteries_online = 3;
  s.soc_pct = soc;
  s.voltage_v = 52.1;
  s.current_a = -20.0;
  s.power_w = -1042.0;
  s.installed_capacity_ah = 300;
  s.capacity_ah = soc * 3;
  s.charge_current_limit_a = 150;
  s.discharge_current_limit_a = 150;
  s.charge_voltage_limit_v = 56.8;
  s.discharge_voltage_limit_v = 48;
  s.min_cell_voltage = bms::CellExtreme{3.27, "B", "B:7"};
  // Three online packs whose SOC moves with the bank's, with cell extremes, and history:
  // every publication then changes the bank, the packs and /History (the worst case).
  for (const char* name : {"A", "B", "C"}) {
    bms::BatteryView p;
    p.name = name;
    p.source = std::string("CAN can_") + name;
    p.online = true;
    p.soc_pct = soc;
    p.voltage_v = 52.1;
    p.current_a = -6.7;
    p.temperature_c = 24.0;
    p.charge_current_limit_a = 50;
    p.discharge_current_limit_a = 50;
    p.charge_voltage_limit_v = 56.8;
    p.min_cell_voltage = bms::CellExtreme{3.27, name, "C7"};
    p.max_cell_voltage = bms::CellExtreme{3.31, name, "C2"};
    s.batteries.push_back(p);
  }
  bms::BankHistory history;
  history.counters.total_ah_drawn = -soc;
  history.counters.discharged_energy_kwh = soc / 20;
  history.charge_cycles = 0;
  s.history = history;
  return s;
}

void BM_DbusPublishFromAggregatorThread(benchmark::State& state) {
  bms::dbus::VictronBatteryService service(bench_settings(), {});
  service.start();
  const bms::Snapshot snapshot = bench_snapshot(67.3);
  for (auto _ : state) service.publish(snapshot, bms::PublishReason::Periodic);
  service.stop();
}
BENCHMARK(BM_DbusPublishFromAggregatorThread);

void BM_DbusApplySnapshotToItemModel(benchmark::State& state) {
  bms::dbus::ItemTree tree;
  bms::dbus::add_battery_items(tree, bench_settings(), {}, "");
  const bms::Snapshot a = bench_snapshot(67.3);
  const bms::Snapshot b = bench_snapshot(67.4);
  bool flip = false;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bms::dbus::apply_snapshot(tree, (flip = !flip) ? a : b));
    benchmark::DoNotOptimize(tree.take_changes());
  }
}
BENCHMARK(BM_DbusApplySnapshotToItemModel);

}  // namespace
#endif
