#include "io/object_map_loader.hpp"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "io/builtin_object_maps.hpp"
#include "io/small_file.hpp"

namespace bms {
namespace {

using canopen::ObjectMap;
using canopen::ValueEncoding;

std::string line_of(const toml::node& n) { return std::to_string(n.source().begin.line); }

/// Reads the keys of one table, remembering which were asked for so the rest can be
/// reported as unknown.
class Keys {
 public:
  Keys(const toml::table& t, std::string where, const std::string& origin, std::vector<std::string>& errors)
      : t_(t), where_(std::move(where)), origin_(origin), errors_(errors) {}

  const toml::node* take(std::string_view key) {
    known_.insert(std::string(key));
    return t_.get(key);
  }
  void error(const toml::node& n, std::string_view key, const std::string& what) {
    errors_.push_back(origin_ + ":" + line_of(n) + ": " + where_ + std::string(key) + ": " + what);
  }
  void missing(std::string_view key) {
    errors_.push_back(origin_ + ":" + std::to_string(t_.source().begin.line) + ": " + where_ + std::string(key) +
                      ": missing");
  }
  bool integer(std::string_view key, long long& out, long long lo, long long hi, bool required) {
    const toml::node* n = take(key);
    if (n == nullptr) {
      if (required) missing(key);
      return false;
    }
    if (!n->is_integer()) {
      error(*n, key, "wrong type: expected an integer");
      return false;
    }
    const long long v = n->as_integer()->get();
    if (v < lo || v > hi) {
      error(
          *n, key,
          "out of range: " + std::to_string(v) + " (allowed " + std::to_string(lo) + " .. " + std::to_string(hi) + ")");
      return false;
    }
    out = v;
    return true;
  }
  bool number(std::string_view key, double& out) {
    const toml::node* n = take(key);
    if (n == nullptr) return false;
    if (!n->is_integer() && !n->is_floating_point()) {
      error(*n, key, "wrong type: expected a number");
      return false;
    }
    out = n->value<double>().value_or(0.0);
    return true;
  }
  bool boolean(std::string_view key, bool& out) {
    const toml::node* n = take(key);
    if (n == nullptr) return false;
    if (!n->is_boolean()) {
      error(*n, key, "wrong type: expected true or false");
      return false;
    }
    out = n->as_boolean()->get();
    return true;
  }
  bool string(std::string_view key, std::string& out, bool required) {
    const toml::node* n = take(key);
    if (n == nullptr) {
      if (required) missing(key);
      return false;
    }
    if (!n->is_string()) {
      error(*n, key, "wrong type: expected a string");
      return false;
    }
    out = n->as_string()->get();
    return true;
  }
  /// Reports keys nobody asked for; `sections` are sub-tables read by the caller.
  void finish(std::initializer_list<std::string_view> sections = {}) {
    for (const auto& [k, n] : t_) {
      const std::string key(k.str());
      bool section = false;
      for (auto s : sections) section = section || s == key;
      if (!section && known_.count(key) == 0) error(n, key, "unknown key");
    }
  }
  [[nodiscard]] const toml::table& table() const noexcept { return t_; }

 private:
  const toml::table& t_;
  std::string where_;
  const std::string& origin_;
  std::vector<std::string>& errors_;
  std::set<std::string> known_;
};

/// signal, bits, signed, divisor, scale, offset: shared by PDO fields and SDO objects.
bool read_encoding(Keys& k, SignalId& signal, ValueEncoding& e) {
  bool ok = true;
  std::string name;
  if (k.string("signal", name, true)) {
    if (const auto id = signal_from_name(name); id && !signal_is_text(*id)) {
      signal = *id;
    } else {
      k.error(*k.table().get("signal"), "signal", "unknown numeric signal \"" + name + "\"");
      ok = false;
    }
  } else {
    ok = false;
  }
  long long bits = 0;
  if (k.integer("bits", bits, 1, 32, true))
    e.bit_length = static_cast<std::uint8_t>(bits);
  else
    ok = false;
  k.boolean("signed", e.is_signed);
  if (k.number("divisor", e.divisor) && e.divisor == 0.0) {
    k.error(*k.table().get("divisor"), "divisor", "must not be zero");
    ok = false;
  }
  if (k.number("scale", e.scale) && e.scale == 0.0) {
    k.error(*k.table().get("scale"), "scale", "must not be zero");
    ok = false;
  }
  k.number("offset", e.offset);
  return ok;
}

const toml::array* array_of_tables(const toml::table& t, std::string_view key, const std::string& where,
                                   const std::string& origin, std::vector<std::string>& errors) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_array_of_tables()) {
    errors.push_back(origin + ":" + line_of(*n) + ": " + where + std::string(key) + ": must be a list of tables ([[" +
                     std::string(key) + "]])");
    return nullptr;
  }
  return n->as_array();
}

void read_pdo(const toml::table& t, std::size_t i, const std::string& origin, ObjectMap& map,
              std::vector<std::string>& errors) {
  const std::string where = "pdo[" + std::to_string(i) + "].";
  Keys k(t, where, origin, errors);
  canopen::PdoMapping pdo;
  long long number = 0;
  long long cob = 0;
  const bool has_number = k.integer("pdo", number, 1, 4, false);
  const bool has_cob = k.integer("cob_id", cob, 1, 0x7FF, false);
  if (has_number == has_cob) {
    errors.push_back(origin + ":" + line_of(t) + ": " + where + "pdo: give exactly one of pdo (1..4) or cob_id");
  }
  pdo.pdo_number = static_cast<std::uint8_t>(has_number ? number : 0);
  pdo.cob_id = static_cast<std::uint32_t>(has_cob ? cob : 0);
  if (const toml::array* fields = array_of_tables(t, "field", where, origin, errors)) {
    std::size_t j = 0;
    for (const auto& node : *fields) {
      const toml::table& ft = *node.as_table();
      Keys fk(ft, where + "field[" + std::to_string(j) + "].", origin, errors);
      canopen::PdoField f;
      long long byte = 0;
      long long bit = 0;
      if (fk.integer("byte", byte, 0, 7, true)) f.byte_offset = static_cast<std::uint8_t>(byte);
      if (fk.integer("bit", bit, 0, 7, false)) f.bit_offset = static_cast<std::uint8_t>(bit);
      if (read_encoding(fk, f.signal, f.encoding) && f.byte_offset * 8 + f.bit_offset + f.encoding.bit_length > 64) {
        fk.error(ft, "bits", "field runs past the 8 bytes of a PDO");
      }
      fk.finish();
      pdo.fields.push_back(f);
      ++j;
    }
  }
  if (pdo.fields.empty())
    errors.push_back(origin + ":" + line_of(t) + ": " + where + "field: a PDO needs at least one [[pdo.field]]");
  k.finish({"field"});
  map.pdos.push_back(std::move(pdo));
}

void read_sdo(const toml::table& t, std::size_t i, const std::string& origin, ObjectMap& map,
              std::vector<std::string>& errors) {
  Keys k(t, "sdo[" + std::to_string(i) + "].", origin, errors);
  canopen::SdoObject o;
  long long index = 0;
  long long sub = 0;
  if (k.integer("index", index, 0x1000, 0xFFFF, true)) o.address.index = static_cast<std::uint16_t>(index);
  if (k.integer("subindex", sub, 0, 255, false)) o.address.subindex = static_cast<std::uint8_t>(sub);
  read_encoding(k, o.signal, o.encoding);
  k.finish();
  if (map.find_sdo_object(o.address) != nullptr) k.error(t, "index", "object listed twice");
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
  Keys top(root, "", origin, errors);
  top.finish({"map", "pdo", "sdo"});

  const toml::node* header = root.get("map");
  if (header == nullptr || !header->is_table()) {
    errors.push_back(origin + ":1: map: missing [map] table (name, bitrate, ...)");
  } else {
    Keys k(*header->as_table(), "map.", origin, errors);
    long long v = 0;
    k.string("name", map.name, true);
    k.string("provenance", map.provenance, false);
    if (k.integer("bitrate", v, 10000, 1000000, false)) map.bitrate = static_cast<int>(v);
    if (k.integer("poll_interval_ms", v, 10, 3600000, false)) map.poll_interval_ms = static_cast<int>(v);
    if (k.integer("sdo_timeout_ms", v, 1, 60000, false)) map.sdo_timeout_ms = static_cast<int>(v);
    k.finish();
  }
  if (const toml::array* pdos = array_of_tables(root, "pdo", "", origin, errors)) {
    for (std::size_t i = 0; i < pdos->size(); ++i) read_pdo(*(*pdos)[i].as_table(), i, origin, map, errors);
  }
  if (const toml::array* sdos = array_of_tables(root, "sdo", "", origin, errors)) {
    for (std::size_t i = 0; i < sdos->size(); ++i) read_sdo(*(*sdos)[i].as_table(), i, origin, map, errors);
  }
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
