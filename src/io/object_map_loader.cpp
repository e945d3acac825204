#include "io/object_map_loader.hpp"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <limits>

#include "io/builtin_object_maps.hpp"
#include "io/small_file.hpp"
#include "io/toml_schema.hpp"

namespace bms {
namespace {

using canopen::ObjectMap;
using canopen::ValueEncoding;

/// Any finite number: a map's divisor, scale and offset have no natural bound, but a nan or
/// inf would turn every reading of the signal into one.
constexpr double kAnyLow = std::numeric_limits<double>::lowest();
constexpr double kAnyHigh = std::numeric_limits<double>::max();

/// signal, bits, signed, divisor, scale, offset: shared by PDO fields and SDO objects.
bool read_encoding(TableReader& k, SignalId& signal, ValueEncoding& e) {
  bool ok = true;
  std::string name;
  if (k.get_string("signal", name, Need::Required)) {
    if (const auto id = signal_from_name(name); id && !signal_is_text(*id)) {
      signal = *id;
    } else {
      k.error("signal", "unknown numeric signal \"" + name + "\"");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (!k.get_int("bits", e.bit_length, 1, 32, Need::Required)) ok = false;
  k.get_bool("signed", e.is_signed);
  if (k.get_number("divisor", e.divisor, kAnyLow, kAnyHigh) && e.divisor == 0.0) {
    k.error("divisor", "must not be zero");
    ok = false;
  }
  if (k.get_number("scale", e.scale, kAnyLow, kAnyHigh) && e.scale == 0.0) {
    k.error("scale", "must not be zero");
    ok = false;
  }
  k.get_number("offset", e.offset, kAnyLow, kAnyHigh);
  return ok;
}

void read_pdo(const toml::table& t, std::size_t i, const std::string& origin, ObjectMap& map,
              std::vector<std::string>& errors) {
  const std::string where = "pdo[" + std::to_string(i) + "].";
  TableReader k(t, where, origin, errors);
  canopen::PdoMapping pdo;
  const bool has_number = k.get_int("pdo", pdo.pdo_number, 1, 4);
  const bool has_cob = k.get_int("cob_id", pdo.cob_id, 1, 0x7FF);
  if (has_number == has_cob) k.error_at(t, "pdo", "give exactly one of pdo (1..4) or cob_id");
  if (const toml::array* fields = k.get_table_array("field")) {
    for (std::size_t j = 0; j < fields->size(); ++j) {
      const toml::table& ft = *(*fields)[j].as_table();
      TableReader fk(ft, where + "field[" + std::to_string(j) + "].", origin, errors);
      canopen::PdoField f;
      fk.get_int("byte", f.byte_offset, 0, 7, Need::Required);
      fk.get_int("bit", f.bit_offset, 0, 7);
      if (read_encoding(fk, f.signal, f.encoding) && f.byte_offset * 8 + f.bit_offset + f.encoding.bit_length > 64) {
        fk.error_at(ft, "bits", "field runs past the 8 bytes of a PDO");
      }
      fk.finish();
      pdo.fields.push_back(f);
    }
  }
  if (pdo.fields.empty()) k.error_at(t, "field", "a PDO needs at least one [[pdo.field]]");
  k.finish();
  map.pdos.push_back(std::move(pdo));
}

void read_sdo(const toml::table& t, std::size_t i, const std::string& origin, ObjectMap& map,
              std::vector<std::string>& errors) {
  TableReader k(t, "sdo[" + std::to_string(i) + "].", origin, errors);
  canopen::SdoObject o;
  k.get_int("index", o.address.index, 0x1000, 0xFFFF, Need::Required);
  k.get_int("subindex", o.address.subindex, 0, 255);
  read_encoding(k, o.signal, o.encoding);
  k.finish();
  if (map.find_sdo_object(o.address) != nullptr) k.error_at(t, "index", "object listed twice");
  map.sdo_objects.push_back(o);
}

}  // namespace

ObjectMapResult load_object_map_text(std::string_view text, const std::string& origin) {
  ObjectMapResult r;
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    r.errors.push_back(origin + ":" + std::to_string(e.source().begin.line) +
                       ": TOML syntax: " + std::string(e.description()));
    return r;
  }
  ObjectMap& map = r.map;
  auto& errors = r.errors;
  TableReader top(root, "", origin, errors);
  if (const toml::table* header = top.get_table("map")) {
    TableReader k(*header, "map.", origin, errors);
    k.get_string("name", map.name, Need::Required);
    k.get_string("provenance", map.provenance);
    k.get_int("bitrate", map.bitrate, 10000, 1000000);
    k.get_int("poll_interval_ms", map.poll_interval_ms, 10, 3600000);
    k.get_int("sdo_timeout_ms", map.sdo_timeout_ms, 1, 60000);
    k.finish();
  } else if (!top.has("map")) {
    errors.push_back(origin + ":1: map: missing [map] table (name, bitrate, ...)");
  }
  if (const toml::array* pdos = top.get_table_array("pdo")) {
    for (std::size_t i = 0; i < pdos->size(); ++i) read_pdo(*(*pdos)[i].as_table(), i, origin, map, errors);
  }
  if (const toml::array* sdos = top.get_table_array("sdo")) {
    for (std::size_t i = 0; i < sdos->size(); ++i) read_sdo(*(*sdos)[i].as_table(), i, origin, map, errors);
  }
  top.finish();
  if (map.pdos.empty() && map.sdo_objects.empty() && errors.empty()) {
    errors.push_back(origin + ":1: map: maps nothing (no [[pdo]] and no [[sdo]])");
  }
  return r;
}

ObjectMapResult load_object_map_file(const std::string& path) {
  const SmallFile file = read_small_file(path, "an object map");
  if (!file.ok()) {
    ObjectMapResult r;
    r.errors.push_back(file.error);
    return r;
  }
  return load_object_map_text(file.text, path);
}

ObjectMapResult load_object_map(const std::string& name_or_path, const std::string& relative_to_dir) {
  struct stat st {};
  const bool absolute = !name_or_path.empty() && name_or_path.front() == '/';
  if (!absolute && !relative_to_dir.empty()) {
    const std::string candidate = relative_to_dir + "/" + name_or_path;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return load_object_map_file(candidate);
  }
  if (::stat(name_or_path.c_str(), &st) == 0 && (S_ISREG(st.st_mode) || name_or_path.find('/') != std::string::npos)) {
    // A path to a device or FIFO is refused by the reader with its own message, not as "not found".
    return load_object_map_file(name_or_path);
  }
  const std::string name =
      name_or_path.ends_with(".toml") ? name_or_path.substr(0, name_or_path.size() - 5) : name_or_path;
  if (auto text = builtin_object_map(name)) return load_object_map_text(*text, "builtin:" + name);
  ObjectMapResult r;
  std::string names;
  for (std::string_view n : builtin_object_map_names()) names += (names.empty() ? "" : ", ") + std::string(n);
  r.errors.push_back("object map not found: " + name_or_path + " (no such file, and not a shipped map: " + names + ")");
  return r;
}

}  // namespace bms
