#include "app/config_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "core/custom_name.hpp"
#include "core/dbus_names.hpp"
#include "core/interface_bitrates.hpp"
#include "io/object_map_loader.hpp"
#include "io/small_file.hpp"
#include "io/toml_schema.hpp"
#include "protocols/can_frame.hpp"

namespace bms {
namespace {

constexpr std::size_t kMaxBatteries = 64;
/// Errors shown at most; a file that repeats one mistake a thousand times gets the first
/// ones and a count, not a thousand lines.
constexpr std::size_t kMaxErrors = 100;

/// DVCC's vendor-quirk ids and dbus-serialbattery's 0xBA77: a ProductId we must not claim.
bool is_reserved_product_id(int id) {
  static constexpr int kReserved[] = {0xB004, 0xB009, 0xB00A, 0xB015, 0xB019, 0xB029, 0xBA77};
  for (int r : kReserved) {
    if (id == r) return true;
  }
  return id >= 0xA3E3 && id <= 0xA3E7;
}

void read_service(TableReader& r, ServiceSettings& s) {
  r.get_int("device_instance", s.device_instance, 0, 999);
  r.get_string("service_name", s.service_name);
  r.get_string("product_name", s.product_name);
  r.get_string("custom_name", s.custom_name);
  r.get_string("dbus", s.dbus);
  r.get_int("update_interval_ms", s.update_interval_ms, 100, 60000);
  r.get_int("product_id", s.product_id, 1, 0xFFFF);
  r.get_string("state_file", s.state_file);
  r.get_bool("properties_changed", s.properties_changed);
  if (r.has("dbus") && !bus_kind(s.dbus)) r.error("dbus", std::string(kBusChoiceRule));
  if (const toml::node* node = r.table().get("product_id"); node != nullptr && is_reserved_product_id(s.product_id)) {
    r.error_at(
        *node, "product_id",
        "reserved: DVCC applies vendor quirks to this id or another driver uses it (choose another, e.g. 0xBA90)");
  }
  // The rule of SetValue on /CustomName (core/custom_name): the config is no way around it.
  switch (custom_name_problem(s.custom_name)) {
    case CustomNameProblem::None:
      break;
    case CustomNameProblem::TooLong:
      r.error("custom_name", "longer than " + std::to_string(kMaxCustomNameBytes) + " bytes");
      break;
    case CustomNameProblem::ControlCharacter:
      r.error("custom_name", "contains a control character");
      break;
    case CustomNameProblem::NotUtf8:
      r.error("custom_name", "not valid UTF-8");
      break;
  }
  if (!s.service_name.starts_with(kBatteryServicePrefix)) {
    r.error_at(r.table(), "service_name",
               "must start with com.victronenergy.battery. (Venus OS finds batteries by that prefix)");
  } else if (!is_valid_bus_name(s.service_name)) {
    // The bus would refuse it, and the service would retry registering for ever.
    r.error("service_name",
            "not a valid D-Bus name (dot-separated elements of A-Z a-z 0-9 _ -, none empty or starting with a "
            "digit, at most 255 characters)");
  }
  r.finish();
}

void read_charge(TableReader& r, ChargeSettings& c) {
  r.get_number("nominal_charge_current", c.nominal_charge_current, 0, 10000);
  r.get_number("reduced_charge_current", c.reduced_charge_current, 0, 10000);
  r.get_number("max_charge_voltage", c.max_charge_voltage, 1, 1000);
  r.get_number("max_discharge_current", c.max_discharge_current, 0, 10000);
  r.get_number("battery_low_voltage", c.battery_low_voltage, 0, 1000);
  r.get_number("failsafe_discharge_current", c.failsafe_discharge_current, 0, 10000);
  r.get_number("charge_current_ramp_a_per_s", c.charge_current_ramp_a_per_s, 0, 10000);
  r.get_number("share_threshold_a", c.share_threshold_a, 0, 10000);
  if (const int b = r.get_choice("blocked_battery", {"stop_bank", "exclude"}); b >= 0) {
    c.blocked_battery = static_cast<BlockedBattery>(b);
  }
  if (c.reduced_charge_current > c.nominal_charge_current) {
    r.error_at(r.table(), "reduced_charge_current", "must not exceed nominal_charge_current");
  }
  if (c.battery_low_voltage >= c.max_charge_voltage) {
    r.error_at(r.table(), "battery_low_voltage", "must be below max_charge_voltage");
  }
  if (c.failsafe_discharge_current > c.max_discharge_current) {
    r.error_at(r.table(), "failsafe_discharge_current", "must not exceed max_discharge_current");
  }
  r.finish();
}

/// [cells]: `chemistry` is required and gives every default; each key overrides one. The
/// thresholds must be in order, or a taper would run backwards.
void read_cells(TableReader& r, CellSettings& c) {
  const int chemistry = r.get_choice("chemistry", {"lfp", "nmc", "lto"});
  if (chemistry < 0) {
    // Without a chemistry the other keys have no defaults to override: report only this.
    if (!r.has("chemistry")) r.error_at(r.table(), "chemistry", "required in [cells] (\"lfp\", \"nmc\" or \"lto\")");
    return;
  }
  c = chemistry_defaults(static_cast<Chemistry>(chemistry));
  r.get_number("cell_taper_start_v", c.cell_taper_start_v, 0.5, 5);
  r.get_number("cell_max_v", c.cell_max_v, 0.5, 5);
  r.get_number("cell_discharge_taper_start_v", c.cell_discharge_taper_start_v, 0.5, 5);
  r.get_number("cell_min_v", c.cell_min_v, 0.5, 5);
  r.get_number("cell_voltage_hysteresis_v", c.cell_voltage_hysteresis_v, 0, 0.5);
  r.get_number("cvl_rise_v_per_s", c.cvl_rise_v_per_s, 0.0001, 10);
  r.get_number("charge_min_temperature_c", c.charge_min_temperature_c, -60, 100);
  r.get_number("charge_full_temperature_c", c.charge_full_temperature_c, -60, 100);
  r.get_number("charge_taper_temperature_c", c.charge_taper_temperature_c, -60, 100);
  r.get_number("charge_max_temperature_c", c.charge_max_temperature_c, -60, 100);
  r.get_number("discharge_min_temperature_c", c.discharge_min_temperature_c, -60, 100);
  r.get_number("discharge_full_temperature_c", c.discharge_full_temperature_c, -60, 100);
  r.get_number("discharge_taper_temperature_c", c.discharge_taper_temperature_c, -60, 100);
  r.get_number("discharge_max_temperature_c", c.discharge_max_temperature_c, -60, 100);
  r.get_number("temperature_hysteresis_c", c.temperature_hysteresis_c, 0, 20);
  const auto order = [&](const char* key, bool ok, const char* rule) {
    if (!ok) r.error_at(r.table(), key, rule);
  };
  order("cell_max_v",
        c.cell_min_v < c.cell_discharge_taper_start_v && c.cell_discharge_taper_start_v < c.cell_taper_start_v &&
            c.cell_taper_start_v < c.cell_max_v,
        "must rise: cell_min_v < cell_discharge_taper_start_v < cell_taper_start_v < cell_max_v");
  order("charge_max_temperature_c",
        c.charge_min_temperature_c < c.charge_full_temperature_c &&
            c.charge_full_temperature_c < c.charge_taper_temperature_c &&
            c.charge_taper_temperature_c < c.charge_max_temperature_c,
        "must rise: charge_min_temperature_c < charge_full_temperature_c < charge_taper_temperature_c < "
        "charge_max_temperature_c");
  order("discharge_max_temperature_c",
        c.discharge_min_temperature_c < c.discharge_full_temperature_c &&
            c.discharge_full_temperature_c < c.discharge_taper_temperature_c &&
            c.discharge_taper_temperature_c < c.discharge_max_temperature_c,
        "must rise: discharge_min_temperature_c < discharge_full_temperature_c < discharge_taper_temperature_c < "
        "discharge_max_temperature_c");
  r.finish();
}

void read_alarms(TableReader& r, AlarmSettings& a) {
  r.get_number("low_soc_warning_pct", a.low_soc_warning_pct, 0, 100);
  r.get_number("low_soc_alarm_pct", a.low_soc_alarm_pct, 0, 100);
  r.get_number("low_soh_warning_pct", a.low_soh_warning_pct, 0, 100);
  if (a.low_soc_alarm_pct > 0 && a.low_soc_alarm_pct > a.low_soc_warning_pct) {
    r.error_at(r.table(), "low_soc_alarm_pct", "must not exceed low_soc_warning_pct (the alarm is the worse level)");
  }
  r.finish();
}

/// The original guide's two threshold sets. Explicit keys in [imbalance] override them.
void apply_preset(ImbalanceSettings& i, int preset) {
  i.minor_threshold = 5.0;
  i.minor_factor = 0.85;
  i.warning_factor = 0.66;
  i.hysteresis = 2.0;
  if (preset == 0) {  // conservative: v1.0.0 thresholds, reduce early
    i.preset = "conservative";
    i.warning_threshold = 10.0;
    i.alarm_threshold = 15.0;
  } else {  // aggressive: v1.1.0 thresholds, fewer nuisance alarms on packs of different age
    i.preset = "aggressive";
    i.warning_threshold = 15.0;
    i.alarm_threshold = 20.0;
  }
}

void read_imbalance(TableReader& r, ImbalanceSettings& i) {
  if (const int preset = r.get_choice("preset", {"conservative", "aggressive"}); preset >= 0) apply_preset(i, preset);
  r.get_number("minor_threshold", i.minor_threshold, 0, 100);
  r.get_number("minor_factor", i.minor_factor, 0, 1);
  r.get_number("warning_threshold", i.warning_threshold, 0, 100);
  r.get_number("warning_factor", i.warning_factor, 0, 1);
  r.get_number("alarm_threshold", i.alarm_threshold, 0, 100);
  r.get_number("hysteresis", i.hysteresis, 0, 50);
  if (!(i.minor_threshold < i.warning_threshold && i.warning_threshold < i.alarm_threshold)) {
    r.error_at(r.table(), "warning_threshold",
               "thresholds must rise: minor_threshold < warning_threshold < alarm_threshold");
  }
  if (i.warning_factor > i.minor_factor) {
    r.error_at(r.table(), "warning_factor", "must not exceed minor_factor (a worse tier never allows more)");
  }
  if (i.hysteresis >= i.minor_threshold && i.hysteresis > 0) {
    r.error_at(r.table(), "hysteresis", "must be below minor_threshold");
  }
  r.finish();
}

/// A CAN port's `interface`: no Linux interface name is longer (IFNAMSIZ - 1).
void check_interface_name(TableReader& r, const std::string& name) {
  if (name.size() > kIfaceNameMax) {
    r.error("interface", "longer than " + std::to_string(kIfaceNameMax) + " characters (a Linux interface name)");
  }
}

/// Optional `bitrate`: a standard CAN rate set on the interface at start; absent = the
/// interface is left as the system configured it.
void read_bitrate(TableReader& r, std::uint32_t& out) {
  int bitrate = 0;
  r.get_int("bitrate", bitrate, 10000, 1000000);
  if (bitrate == 0) return;
  static constexpr int kRates[] = {10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000};
  if (std::find(std::begin(kRates), std::end(kRates), bitrate) == std::end(kRates)) {
    r.error("bitrate",
            "not a standard CAN bitrate (10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000)");
    return;
  }
  out = static_cast<std::uint32_t>(bitrate);
}

/// A D-Bus battery: named by exactly one of service, serial, custom_name; no CAN keys.
void check_dbus_battery(TableReader& r, const BatterySettings& b) {
  const int named = int(!b.dbus_service.empty()) + int(!b.dbus_serial.empty()) + int(!b.dbus_custom_name.empty());
  if (named != 1) {
    r.error_at(r.table(), "service",
               "protocol \"dbus\" needs exactly one of service, serial or custom_name (which battery service it is)");
  }
  if (!b.dbus_service.empty() && !is_battery_service_name(b.dbus_service)) {
    r.error("service",
            "must be a battery service name (com.victronenergy.battery.<suffix>), got \"" + b.dbus_service + "\"");
  }
  for (const char* key : {"interface", "node_id", "map", "voltage_scale", "bitrate"}) {
    if (r.has(key)) r.error(key, "not used with protocol \"dbus\" (the battery is a D-Bus service)");
  }
}

void read_battery(TableReader& r, BatterySettings& b) {
  r.get_string("name", b.name);
  r.get_string("interface", b.interface);
  const int protocol = r.get_choice("protocol", {"pylontech", "canopen", "dbus"});
  if (protocol >= 0) b.protocol = static_cast<BatteryProtocol>(protocol);
  r.get_int("node_id", b.node_id, 1, 127);
  r.get_string("map", b.object_map);
  r.get_number("capacity_ah", b.capacity_ah, 0, 100000);
  r.get_int("stale_after_ms", b.stale_after_ms, 100, 600000);
  r.get_number("voltage_scale", b.voltage_scale, 0.001, 1);
  r.get_number("max_charge_current", b.max_charge_current, 0, 10000);
  r.get_number("max_discharge_current", b.max_discharge_current, 0, 10000);
  read_bitrate(r, b.bitrate);
  r.get_string("service", b.dbus_service);
  r.get_string("serial", b.dbus_serial);
  r.get_string("custom_name", b.dbus_custom_name);
  r.get_bool("accept_non_bms", b.accept_non_bms);
  if (b.name.empty()) r.error_at(r.table(), "name", "missing (every battery needs a name)");
  if (b.protocol == BatteryProtocol::Dbus) {
    check_dbus_battery(r, b);
    r.finish();
    return;
  }
  for (const char* key : {"service", "serial", "custom_name", "accept_non_bms"}) {
    if (r.has(key)) r.error(key, "only valid with protocol \"dbus\"");
  }
  if (b.interface.empty()) r.error_at(r.table(), "interface", "missing (the CAN port this battery is on)");
  check_interface_name(r, b.interface);
  if (r.has("voltage_scale") && b.voltage_scale != 0.01 && b.voltage_scale != 0.1) {
    r.error("voltage_scale", "must be 0.01 or 0.1 (volts per bit of 0x356)");
  }
  if (b.protocol == BatteryProtocol::Canopen && b.node_id == 0 && !r.has("node_id")) {
    r.error_at(r.table(), "node_id", "required for protocol \"canopen\"");
  }
  if (b.protocol == BatteryProtocol::Pylontech && r.has("node_id")) {
    r.error("node_id", "only valid with protocol \"canopen\"");
  }
  r.finish();
}

void read_output(TableReader& r, OutputSettings& o) {
  o.enabled = true;
  r.get_string("interface", o.interface);
  check_interface_name(r, o.interface);
  // In OutputProfile order (docs/INVERTERS.md says which inverter reads which).
  const int profile = r.get_choice("profile", {"pylon", "sma", "victron", "luxpower", "solark"});
  if (profile >= 0) o.profile = static_cast<OutputProfile>(profile);
  r.get_string("manufacturer", o.manufacturer);
  r.get_string("bms_name", o.bms_name);
  r.get_int("interval_ms", o.interval_ms, 200, 60000);
  r.get_int("keepalive_timeout_ms", o.keepalive_timeout_ms, 500, 600000);
  r.get_bool("pass_force_charge", o.pass_force_charge);
  r.get_bool("soc_zero_limit_workaround", o.soc_zero_limit_workaround);
  read_bitrate(r, o.bitrate);
  if (o.bms_name.size() > 16) r.error("bms_name", "longer than 16 characters (0x370/0x371 hold 16)");
  if (o.manufacturer.size() > 8) r.error("manufacturer", "longer than 8 characters (0x35E holds 8)");
  for (char c : o.manufacturer) {
    if (c < 0x20 || c > 0x7E) {
      r.error("manufacturer", "must be printable ASCII");
      break;
    }
  }
  r.finish();
}

void read_bank(TableReader& r, BankSettings& b) {
  r.get_string("current_source", b.current_source);
  if (!b.current_source.empty() && !is_battery_service_name(b.current_source)) {
    r.error("current_source",
            "must be a battery service name (com.victronenergy.battery.<suffix>), got \"" + b.current_source + "\"");
  }
  r.finish();
}

void read_log(TableReader& r, LogSettings& l) {
  const int level = r.get_choice("level", {"trace", "debug", "info", "warn", "error", "critical", "off"});
  static constexpr const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (level >= 0) l.level = kLevels[level];
  r.finish();
}

/// Cross-battery rules: unique names; one protocol per interface; unique CANopen node ids
/// per interface; one Pylontech battery per interface (its frames carry no address).
void check_batteries(const toml::array* list, const std::vector<BatterySettings>& bats, const std::string& origin,
                     std::vector<std::string>& errors) {
  for (std::size_t i = 0; i < bats.size(); ++i) {
    const auto line = [&](std::size_t k) { return std::to_string((*list)[k].source().begin.line); };
    for (std::size_t j = 0; j < i; ++j) {
      const auto& a = bats[j];
      const auto& b = bats[i];
      const std::string where = origin + ":" + line(i) + ": battery[" + std::to_string(i) + "].";
      if (!b.name.empty() && a.name == b.name) {
        errors.push_back(where + "name: duplicate battery name \"" + b.name + "\" (also battery[" + std::to_string(j) +
                         "])");
      }
      if (b.interface.empty() || a.interface != b.interface) continue;
      if (a.protocol != b.protocol) {
        errors.push_back(where + "protocol: interface " + b.interface + " already carries " + to_string(a.protocol) +
                         " (battery[" + std::to_string(j) + "]); one protocol per interface");
      } else if (b.protocol == BatteryProtocol::Pylontech) {
        errors.push_back(where + "interface: " + b.interface + " already has Pylontech battery \"" + a.name +
                         "\"; Pylontech frames carry no address, so one battery per interface");
      } else if (a.node_id == b.node_id) {
        errors.push_back(where + "node_id: node " + std::to_string(b.node_id) + " on " + b.interface +
                         " already used by battery \"" + a.name + "\"");
      }
    }
  }
}

/// D-Bus sources: never our own service (we would aggregate our own aggregate); no service,
/// serial or custom name claimed by two batteries; the bank's shunt is not also a battery.
void check_dbus_sources(const toml::table& root, const toml::array* list, const Settings& s, const std::string& origin,
                        std::vector<std::string>& errors) {
  if (list == nullptr) return;
  const auto where = [&](std::size_t i, const char* key) {
    const toml::table& t = *(*list)[i].as_table();
    const toml::node* n = t.get(key);
    return origin + ":" + std::to_string((n != nullptr ? n->source() : t.source()).begin.line) + ": battery[" +
           std::to_string(i) + "]." + key + ": ";
  };
  for (std::size_t i = 0; i < s.batteries.size(); ++i) {
    const BatterySettings& b = s.batteries[i];
    if (b.protocol != BatteryProtocol::Dbus) continue;
    if (b.dbus_service == s.service.service_name) {
      errors.push_back(where(i, "service") + "\"" + b.dbus_service +
                       "\" is this aggregator's own service (service.service_name); it cannot be one of its batteries");
    }
    if (!b.dbus_service.empty() && b.dbus_service == s.bank.current_source) {
      errors.push_back(where(i, "service") + "\"" + b.dbus_service +
                       "\" is the bank's current_source; a shunt is not a pack");
    }
    for (std::size_t j = 0; j < i; ++j) {
      const BatterySettings& a = s.batteries[j];
      if (a.protocol != BatteryProtocol::Dbus) continue;
      const auto same = [&](const std::string& x, const std::string& y, const char* key) {
        if (!x.empty() && x == y) {
          errors.push_back(where(i, key) + "\"" + x + "\" already names battery \"" + a.name + "\" (battery[" +
                           std::to_string(j) + "])");
        }
      };
      same(b.dbus_service, a.dbus_service, "service");
      same(b.dbus_serial, a.dbus_serial, "serial");
      same(b.dbus_custom_name, a.dbus_custom_name, "custom_name");
    }
  }
  if (!s.bank.current_source.empty() && s.bank.current_source == s.service.service_name) {
    const toml::node* bank = root.get("bank");
    errors.push_back(origin + ":" + std::to_string(bank != nullptr ? bank->source().begin.line : 1) +
                     ": bank.current_source: \"" + s.bank.current_source + "\" is this aggregator's own service");
  }
}

}  // namespace

ConfigResult load_config_text(std::string_view text, const std::string& origin) {
  ConfigResult result;
  result.settings.source_path = origin;
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    result.errors.push_back(origin + ":" + std::to_string(e.source().begin.line) +
                            ": TOML syntax: " + std::string(e.description()));
    return result;
  }
  auto& errors = result.errors;
  Settings& s = result.settings;

  // The root: known sections only; each section is read by its own reader.
  TableReader top(root, "", origin, errors);
  const auto section = [&](std::string_view name, auto&& read) {
    if (const toml::table* table = top.get_table(name)) {
      TableReader r(*table, std::string(name) + ".", origin, errors);
      read(r);
    }
  };
  section("service", [&](TableReader& r) { read_service(r, s.service); });
  section("charge", [&](TableReader& r) { read_charge(r, s.charge); });
  section("imbalance", [&](TableReader& r) { read_imbalance(r, s.imbalance); });
  section("cells", [&](TableReader& r) { read_cells(r, s.cells); });
  section("alarms", [&](TableReader& r) { read_alarms(r, s.alarms); });
  section("output", [&](TableReader& r) { read_output(r, s.output); });
  section("log", [&](TableReader& r) { read_log(r, s.log); });
  section("bank", [&](TableReader& r) { read_bank(r, s.bank); });

  const toml::array* batteries = top.get_table_array("battery");
  // Refuse an over-long list before reading it: the pairwise checks below grow with its
  // square (10,000 entries gave 50 million errors).
  const bool too_many = batteries != nullptr && batteries->size() > kMaxBatteries;
  if (too_many) {
    errors.push_back(origin + ":1: battery: " + std::to_string(batteries->size()) + " batteries; at most " +
                     std::to_string(kMaxBatteries) + " are supported");
    batteries = nullptr;
  }
  if (batteries != nullptr) {
    for (std::size_t i = 0; i < batteries->size(); ++i) {
      BatterySettings b;
      TableReader r(*(*batteries)[i].as_table(), "battery[" + std::to_string(i) + "].", origin, errors);
      read_battery(r, b);
      s.batteries.push_back(std::move(b));
    }
    check_batteries(batteries, s.batteries, origin, errors);
    // CANopen batteries: load their object map now, so a bad map is a start-up error.
    const std::string config_dir = [&] {
      const auto slash = origin.rfind('/');
      return slash == std::string::npos ? std::string(".") : origin.substr(0, slash);
    }();
    for (std::size_t i = 0; i < s.batteries.size(); ++i) {
      BatterySettings& b = s.batteries[i];
      if (b.protocol != BatteryProtocol::Canopen) continue;
      if (b.object_map.empty()) b.object_map = "superb_epsilon_v2";
      ObjectMapResult map = load_object_map(b.object_map, config_dir);
      const toml::table& t = *(*batteries)[i].as_table();
      const toml::node* at = t.get("map");
      const std::string where = origin + ":" + std::to_string((at ? at->source() : t.source()).begin.line) +
                                ": battery[" + std::to_string(i) + "].map: ";
      for (const auto& e : map.errors) errors.push_back(where + e);
      if (map.ok()) b.canopen_map = std::make_shared<const canopen::ObjectMap>(std::move(map.map));
    }
  }
  // A preset also sets the reduced charge current, as the guide recommends it: 1 x (conservative)
  // or 2 x (aggressive) one battery's share of the nominal current, unless given explicitly.
  if (!s.imbalance.preset.empty() && !s.batteries.empty()) {
    const toml::node* charge = root.get("charge");
    const bool explicit_reduced =
        charge != nullptr && charge->is_table() && charge->as_table()->contains("reduced_charge_current");
    if (!explicit_reduced) {
      const double share = s.charge.nominal_charge_current / static_cast<double>(s.batteries.size());
      // Never above what the warning tier allows: a worse tier never allows more.
      s.charge.reduced_charge_current = std::min(s.imbalance.warning_factor * s.charge.nominal_charge_current,
                                                 (s.imbalance.preset == "conservative" ? 1.0 : 2.0) * share);
    }
  }
  // The alarm tier's current must not exceed the warning tier's (a worse tier never allows more).
  if (s.charge.reduced_charge_current > s.imbalance.warning_factor * s.charge.nominal_charge_current + 1e-9) {
    const toml::node* charge = root.get("charge");
    const toml::node* at =
        charge != nullptr && charge->is_table() ? charge->as_table()->get("reduced_charge_current") : nullptr;
    errors.push_back(origin + ":" + std::to_string(at != nullptr ? at->source().begin.line : 1) +
                     ": charge.reduced_charge_current: " + number_text(s.charge.reduced_charge_current) +
                     " A is more than the warning tier allows (warning_factor x nominal_charge_current = " +
                     number_text(s.imbalance.warning_factor * s.charge.nominal_charge_current) + " A)");
  }
  check_dbus_sources(root, batteries, s, origin, errors);
  if (s.batteries.empty() && !too_many) errors.push_back(origin + ":1: battery: at least one [[battery]] is required");
  if (s.output.enabled) {
    for (std::size_t i = 0; i < s.batteries.size(); ++i) {
      if (s.batteries[i].interface == s.output.interface && s.batteries[i].protocol == BatteryProtocol::Pylontech) {
        errors.push_back(origin + ":" + std::to_string(root.get("output")->source().begin.line) +
                         ": output.interface: " + s.output.interface + " carries Pylontech battery \"" +
                         s.batteries[i].name + "\"; the inverter frame set would collide with its frames");
      } else if (s.batteries[i].interface == s.output.interface) {
        // 0x351..0x379 are RPDO COB-IDs of nodes 0x51..0x79 on a CANopen bus.
        errors.push_back(origin + ":" + std::to_string(root.get("output")->source().begin.line) +
                         ": output.interface: " + s.output.interface + " carries CANopen battery \"" +
                         s.batteries[i].name +
                         "\"; the inverter frame set uses COB-IDs of that bus (0x351.. are RPDOs)");
      }
    }
  }

  // One interface, one bitrate (core/interface_bitrates), named at the later entry's line.
  for (const BitrateConflict& c : bitrate_conflicts(s)) {
    const bool output = c.entry == s.batteries.size();
    const toml::node* at = output ? root.get("output") : (batteries != nullptr ? batteries->get(c.entry) : nullptr);
    errors.push_back(origin + ":" + std::to_string(at != nullptr ? at->source().begin.line : 1) + ": " +
                     (output ? std::string("output") : "battery[" + std::to_string(c.entry) + "]") + ".bitrate: " +
                     std::to_string(c.bitrate) + " differs from battery[" + std::to_string(c.earlier_battery) + "]'s " +
                     std::to_string(c.earlier_bitrate) + " on the same interface " + c.interface);
  }

  top.finish();
  if (errors.size() > kMaxErrors) {
    const std::size_t more = errors.size() - kMaxErrors;
    errors.resize(kMaxErrors);
    errors.push_back(origin + ": " + std::to_string(more) + " more errors not shown");
  }
  return result;
}

ConfigResult load_config_file(const std::string& path) {
  // Not a stream read to the end: /dev/zero never ends, a FIFO blocks, a huge file is not a
  // configuration. Regular files up to 1 MiB only.
  const SmallFile file = read_small_file(path, "a configuration file");
  if (!file.ok()) {
    ConfigResult r;
    r.errors.push_back(file.error);
    return r;
  }
  return load_config_text(file.text, path);
}

namespace {
/// Product ids are read in hex everywhere (Victron's lists, /ProductId's text): render them so.
toml::value<std::int64_t> hex_value(int v) {
  toml::value<std::int64_t> out(v);
  out.flags(toml::value_flags::format_as_hexadecimal);
  return out;
}
}  // namespace

std::string render_config(const Settings& s) {
  toml::table root;
  root.insert("service", toml::table{{"device_instance", s.service.device_instance},
                                     {"service_name", s.service.service_name},
                                     {"product_name", s.service.product_name},
                                     {"custom_name", s.service.custom_name},
                                     {"dbus", s.service.dbus},
                                     {"update_interval_ms", s.service.update_interval_ms},
                                     {"product_id", hex_value(s.service.product_id)},
                                     {"state_file", s.service.state_file},
                                     {"properties_changed", s.service.properties_changed}});
  root.insert("charge", toml::table{{"nominal_charge_current", s.charge.nominal_charge_current},
                                    {"reduced_charge_current", s.charge.reduced_charge_current},
                                    {"max_charge_voltage", s.charge.max_charge_voltage},
                                    {"max_discharge_current", s.charge.max_discharge_current},
                                    {"battery_low_voltage", s.charge.battery_low_voltage},
                                    {"failsafe_discharge_current", s.charge.failsafe_discharge_current},
                                    {"charge_current_ramp_a_per_s", s.charge.charge_current_ramp_a_per_s},
                                    {"share_threshold_a", s.charge.share_threshold_a},
                                    {"blocked_battery", to_string(s.charge.blocked_battery)}});
  toml::table imbalance{
      {"minor_threshold", s.imbalance.minor_threshold},     {"minor_factor", s.imbalance.minor_factor},
      {"warning_threshold", s.imbalance.warning_threshold}, {"warning_factor", s.imbalance.warning_factor},
      {"alarm_threshold", s.imbalance.alarm_threshold},     {"hysteresis", s.imbalance.hysteresis}};
  if (!s.imbalance.preset.empty()) imbalance.insert("preset", s.imbalance.preset);
  root.insert("imbalance", std::move(imbalance));
  if (s.cells.enabled) {
    const CellSettings& c = s.cells;
    root.insert("cells", toml::table{{"chemistry", to_string(c.chemistry)},
                                     {"cell_taper_start_v", c.cell_taper_start_v},
                                     {"cell_max_v", c.cell_max_v},
                                     {"cell_discharge_taper_start_v", c.cell_discharge_taper_start_v},
                                     {"cell_min_v", c.cell_min_v},
                                     {"cell_voltage_hysteresis_v", c.cell_voltage_hysteresis_v},
                                     {"cvl_rise_v_per_s", c.cvl_rise_v_per_s},
                                     {"charge_min_temperature_c", c.charge_min_temperature_c},
                                     {"charge_full_temperature_c", c.charge_full_temperature_c},
                                     {"charge_taper_temperature_c", c.charge_taper_temperature_c},
                                     {"charge_max_temperature_c", c.charge_max_temperature_c},
                                     {"discharge_min_temperature_c", c.discharge_min_temperature_c},
                                     {"discharge_full_temperature_c", c.discharge_full_temperature_c},
                                     {"discharge_taper_temperature_c", c.discharge_taper_temperature_c},
                                     {"discharge_max_temperature_c", c.discharge_max_temperature_c},
                                     {"temperature_hysteresis_c", c.temperature_hysteresis_c}});
  }
  root.insert("alarms", toml::table{{"low_soc_warning_pct", s.alarms.low_soc_warning_pct},
                                    {"low_soc_alarm_pct", s.alarms.low_soc_alarm_pct},
                                    {"low_soh_warning_pct", s.alarms.low_soh_warning_pct}});
  toml::array batteries;
  for (const auto& b : s.batteries) {
    toml::table t{{"name", b.name},
                  {"interface", b.interface},
                  {"protocol", to_string(b.protocol)},
                  {"capacity_ah", b.capacity_ah},
                  {"stale_after_ms", b.stale_after_ms}};
    if (b.max_charge_current > 0) t.insert("max_charge_current", b.max_charge_current);
    if (b.max_discharge_current > 0) t.insert("max_discharge_current", b.max_discharge_current);
    if (b.protocol == BatteryProtocol::Dbus) {
      t.erase("interface");
      if (!b.dbus_service.empty()) t.insert("service", b.dbus_service);
      if (!b.dbus_serial.empty()) t.insert("serial", b.dbus_serial);
      if (!b.dbus_custom_name.empty()) t.insert("custom_name", b.dbus_custom_name);
      t.insert("accept_non_bms", b.accept_non_bms);
    } else if (b.protocol == BatteryProtocol::Canopen) {
      t.insert("node_id", b.node_id);
      if (!b.object_map.empty()) t.insert("map", b.object_map);
    } else {
      t.insert("voltage_scale", b.voltage_scale);
    }
    if (b.bitrate != 0) t.insert("bitrate", static_cast<std::int64_t>(b.bitrate));
    batteries.push_back(std::move(t));
  }
  root.insert("battery", std::move(batteries));
  if (!s.bank.current_source.empty()) root.insert("bank", toml::table{{"current_source", s.bank.current_source}});
  if (s.output.enabled) {
    root.insert("output", toml::table{{"interface", s.output.interface},
                                      {"profile", to_string(s.output.profile)},
                                      {"manufacturer", s.output.manufacturer},
                                      {"bms_name", s.output.bms_name},
                                      {"interval_ms", s.output.interval_ms},
                                      {"keepalive_timeout_ms", s.output.keepalive_timeout_ms},
                                      {"pass_force_charge", s.output.pass_force_charge},
                                      {"soc_zero_limit_workaround", s.output.soc_zero_limit_workaround}});
    if (s.output.bitrate != 0)
      root["output"].as_table()->insert("bitrate", static_cast<std::int64_t>(s.output.bitrate));
  }
  root.insert("log", toml::table{{"level", s.log.level}});
  std::ostringstream out;
  // Relaxed precision prints 55.2, not 55.200000000000003.
  out << toml::toml_formatter{root, toml::toml_formatter::default_flags | toml::format_flags::relaxed_float_precision}
      << "\n";
  return out.str();
}

}  // namespace bms
