#include "app/decode_command.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "app/config_loader.hpp"
#include "app/json_line.hpp"
#include "core/frame_router.hpp"
#include "io/candump_reader.hpp"
#include "io/object_map_loader.hpp"
#include "protocols/canopen/canopen_codec.hpp"
#include "protocols/canopen/sdo.hpp"
#include "protocols/pylon/pylon_codec.hpp"

namespace bms {
namespace {

using MapPtr = std::shared_ptr<const canopen::ObjectMap>;

/// Which decoder and battery a frame belongs to: the configured batteries through the
/// aggregate's own FrameRouter (so `decode` and the service never disagree); anything else
/// goes to the fallback protocol.
struct Routes {
  Settings settings;                  ///< the configuration's batteries (none without --config)
  std::optional<FrameRouter> router;  ///< routes by interface, absolute COB-ID, node
  MapPtr fallback_canopen_map;        ///< set by --protocol canopen:MAP; otherwise the fallback is pylontech
};

struct Args {
  std::string config;
  std::string protocol = "pylontech";
  std::string log;
  bool help = false;
};

std::string hex_id(const CanFrame& f) {
  char buf[16];
  std::snprintf(buf, sizeof buf, f.extended ? "0x%08X" : "0x%03X", static_cast<unsigned>(f.id));
  return buf;
}

std::string hex_data(const CanFrame& f) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s;
  for (const std::uint8_t b : f.payload()) {
    s += kHex[b >> 4];
    s += kHex[b & 0xF];
  }
  return s;
}

std::string object_text(canopen::ObjectAddress o) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04X:%02X", static_cast<unsigned>(o.index), static_cast<unsigned>(o.subindex));
  return buf;
}

std::string_view status_name(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::Ok:
      return "ok";
    case DecodeStatus::NotMine:
      return "not_mine";
    case DecodeStatus::TooShort:
      return "too_short";
    case DecodeStatus::Malformed:
      return "malformed";
  }
  return "malformed";
}

bool parse_args(const std::vector<std::string>& args, Args& a, std::string& error) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      a.help = true;
      return true;
    }
    if (arg == "--config" || arg == "--protocol") {
      if (i + 1 >= args.size()) {
        error = arg + " needs a value";
        return false;
      }
      (arg == "--config" ? a.config : a.protocol) = args[++i];
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      error = "unknown option: " + arg;
      return false;
    }
    if (!a.log.empty()) {
      error = "only one log file, got " + a.log + " and " + arg;
      return false;
    }
    a.log = arg;
  }
  if (a.log.empty()) {
    error = "missing LOG (a candump log file, or - for stdin)";
    return false;
  }
  if (a.protocol != "pylontech" && a.protocol.rfind("canopen:", 0) != 0) {
    error = "--protocol must be pylontech or canopen:MAP, got " + a.protocol;
    return false;
  }
  return true;
}

bool build_routes(const Args& a, Routes& routes, std::ostream& err) {
  if (a.protocol.rfind("canopen:", 0) == 0) {
    ObjectMapResult map = load_object_map(a.protocol.substr(8), "");
    for (const auto& e : map.errors) err << "decode: " << e << "\n";
    if (!map.ok()) return false;
    routes.fallback_canopen_map = std::make_shared<const canopen::ObjectMap>(std::move(map.map));
  }
  if (a.config.empty()) return true;
  // The config loader has loaded each CANopen battery's map already (errors name its line).
  const ConfigResult config = load_config_file(a.config);
  if (!config.ok()) {
    for (const auto& e : config.errors) err << e << "\n";
    return false;
  }
  routes.settings = config.settings;  // D-Bus batteries send no frames: the router never picks them
  routes.router.emplace(routes.settings);
  return true;
}

void add_signals(JsonLine& line, const DecodedFrame& d) {
  for (const SignalValue& s : d.values()) {
    if (signal_is_text(s.id)) {
      line.string(signal_name(s.id), s.text_view(), true);
    } else {
      line.number(signal_name(s.id), s.value);
    }
  }
}

void add_result(JsonLine& line, const DecodedFrame& d) {
  if (d.status == DecodeStatus::Ok) {
    add_signals(line, d);
    return;
  }
  line.string("error", status_name(d.status));
  line.string("reason", d.reason);
}

/// CANopen frames get their node and, for SDO traffic, the object they concern.
void add_canopen(JsonLine& line, const CanFrame& f, std::uint8_t node, const canopen::ObjectMap& map) {
  line.integer("node", node);
  const canopen::CobId cob = canopen::classify_cob_id(f.id);
  if (cob.kind == canopen::CobKind::SdoRequest) {
    canopen::ObjectAddress o;
    if (canopen::parse_upload_request(f, node, o)) {
      line.string("sdo_request", object_text(o));
      return;
    }
  }
  if (cob.kind == canopen::CobKind::SdoResponse) {
    const canopen::SdoResponse r = canopen::parse_sdo_response(f);
    if (r.kind == canopen::SdoResponseKind::Abort) {
      char code[16];
      std::snprintf(code, sizeof code, "0x%08X", static_cast<unsigned>(r.abort_code));
      line.string("object", object_text(r.object));
      line.string("error", "sdo_abort");
      line.string("abort_code", code);
      line.string("reason", canopen::abort_code_text(r.abort_code));
      return;
    }
    if (r.kind == canopen::SdoResponseKind::Upload) line.string("object", object_text(r.object));
  }
  add_result(line, canopen::decode(f, node, map));
}

std::string decode_frame(const CanFrame& f, Routes& routes) {
  JsonLine line;
  line.raw("t", json_seconds(f.time_us));
  line.string("iface", f.iface_name(), true);
  line.string("id", hex_id(f));
  if (f.remote) {
    line.integer("rtr", 1);
  } else {
    line.string("data", hex_data(f));
  }
  if (f.error) {
    line.string("error", "error_frame");
    line.string("reason", "CAN error frame");
    return line.str();
  }
  if (const auto index = routes.router ? routes.router->battery_of(f) : std::nullopt) {
    const BatterySettings& b = routes.settings.batteries[*index];
    line.string("battery", b.name);
    if (b.protocol == BatteryProtocol::Canopen && b.canopen_map) {
      add_canopen(line, f, static_cast<std::uint8_t>(b.node_id), *b.canopen_map);
    } else {
      pylon::DecodeOptions options;
      options.voltage_scale_v = b.voltage_scale;
      add_result(line, pylon::decode(f, options));
    }
    return line.str();
  }
  const std::uint8_t node = f.extended ? 0 : canopen::classify_cob_id(f.id).node;
  if (routes.fallback_canopen_map && (node != 0 || f.id == 0)) {
    add_canopen(line, f, node, *routes.fallback_canopen_map);
    return line.str();
  }
  add_result(line, pylon::decode(f));
  return line.str();
}

}  // namespace

std::string decode_usage() {
  return R"(usage: bms-aggregator decode [--config FILE] [--protocol pylontech|canopen:MAP] LOG|-

Decodes a candump log (or stdin with -) into JSON lines, one object per frame:
  {"t": 1700000000.0002, "iface": "can0", "id": "0x351", "data": "14025002C805",
   "battery": "A", "charge_voltage_limit_v": 53.2, ...}

  --config FILE      name frames by battery: a Pylontech battery by its interface, a
                     CANopen battery by interface and node (decoded with its object map)
  --protocol P       how to decode frames no configured battery claims:
                     pylontech (default), or canopen:MAP with MAP a map file or a shipped
                     map name (superb_epsilon_v2, cia418_generic)

A frame that cannot be decoded gives "error" (too_short, malformed, not_mine, sdo_abort)
and "reason". Malformed log lines are reported on stderr as FILE:LINE and make the
exit code 2; decoding continues.
)";
}

int decode_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Args a;
  std::string error;
  if (!parse_args(args, a, error)) {
    err << "decode: " << error << "\n" << decode_usage();
    return 2;
  }
  if (a.help) {
    out << decode_usage();
    return 0;
  }
  Routes routes;
  if (!build_routes(a, routes, err)) return 2;
  std::unique_ptr<CandumpReader> reader;
  try {
    reader = CandumpReader::open(a.log, false);
  } catch (const std::exception& e) {
    err << "decode: " << e.what() << "\n";
    return 2;
  }
  try {
    bool malformed = false;
    CanFrame frame;
    for (;;) {
      const CandumpReader::Next n = reader->next(frame);
      if (n == CandumpReader::Next::End) break;
      if (n == CandumpReader::Next::Error) {
        err << reader->error() << "\n";
        malformed = true;
        continue;
      }
      out << decode_frame(frame, routes) << '\n';
    }
    out.flush();
    return malformed ? 2 : 0;
  } catch (const std::exception& e) {
    err << "decode: " << e.what() << "\n";
    return 1;
  }
}

int run_decode_command(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
  return decode_command(args, std::cout, std::cerr);
}

}  // namespace bms
