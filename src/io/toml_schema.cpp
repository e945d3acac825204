#include "io/toml_schema.hpp"

#include <cmath>
#include <sstream>

namespace bms {
namespace {

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

/// How TOML names a table at `prefix` + `key`: "pdo[0]." + "field" -> "pdo.field".
std::string toml_header(const std::string& prefix, std::string_view key) {
  std::string out;
  bool in_index = false;
  for (const char c : prefix) {
    if (c == '[') in_index = true;
    if (!in_index) out += c;
    if (c == ']') in_index = false;
  }
  return out + std::string(key);
}

}  // namespace

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

TableReader::TableReader(const toml::table& table, std::string prefix, const std::string& origin,
                         std::vector<std::string>& errors)
    : table_(table), prefix_(std::move(prefix)), origin_(origin), errors_(errors) {}

const toml::node* TableReader::take(std::string_view key, Need need) {
  read_.insert(std::string(key));
  const toml::node* node = table_.get(key);
  if (node == nullptr && need == Need::Required) error_at(table_, key, "missing");
  return node;
}

void TableReader::wrong_type(const toml::node& node, std::string_view key, const char* expected) {
  error_at(node, key, std::string("wrong type: expected ") + expected + ", got " + type_name(node));
}

bool TableReader::get_number(std::string_view key, double& out, double min, double max, Need need) {
  const toml::node* node = take(key, need);
  if (node == nullptr) return false;
  if (!node->is_floating_point() && !node->is_integer()) {
    wrong_type(*node, key, "a number");
    return false;
  }
  const double v = node->value<double>().value_or(0.0);
  if (!std::isfinite(v)) {
    error_at(*node, key, "must be a finite number (nan and inf are refused)");
    return false;
  }
  if (v < min || v > max) {
    error_at(*node, key,
             "out of range: " + number_text(v) + " (allowed " + number_text(min) + " .. " + number_text(max) + ")");
    return false;
  }
  out = v;
  return true;
}

bool TableReader::get_integer(std::string_view key, long long& out, long long min, long long max, Need need) {
  const toml::node* node = take(key, need);
  if (node == nullptr) return false;
  if (!node->is_integer()) {
    wrong_type(*node, key, "an integer");
    return false;
  }
  const long long v = node->as_integer()->get();
  if (v < min || v > max) {
    error_at(
        *node, key,
        "out of range: " + std::to_string(v) + " (allowed " + std::to_string(min) + " .. " + std::to_string(max) + ")");
    return false;
  }
  out = v;
  return true;
}

bool TableReader::get_string(std::string_view key, std::string& out, Need need) {
  const toml::node* node = take(key, need);
  if (node == nullptr) return false;
  if (!node->is_string()) {
    wrong_type(*node, key, "a string");
    return false;
  }
  out = node->as_string()->get();
  return true;
}

bool TableReader::get_bool(std::string_view key, bool& out, Need need) {
  const toml::node* node = take(key, need);
  if (node == nullptr) return false;
  if (!node->is_boolean()) {
    wrong_type(*node, key, "a boolean");
    return false;
  }
  out = node->as_boolean()->get();
  return true;
}

int TableReader::get_choice(std::string_view key, std::initializer_list<std::string_view> choices, Need need) {
  const toml::node* node = take(key, need);
  if (node == nullptr) return -1;
  if (!node->is_string()) {
    wrong_type(*node, key, "a string");
    return -1;
  }
  const std::string& v = node->as_string()->get();
  int i = 0;
  std::string list;
  for (std::string_view c : choices) {
    if (c == v) return i;
    list += (i ? ", " : "") + std::string(c);
    ++i;
  }
  error_at(*node, key, "unknown value \"" + v + "\" (expected one of: " + list + ")");
  return -1;
}

const toml::table* TableReader::get_table(std::string_view key, Need need) {
  const toml::node* node = take(key, need);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    error_at(*node, key, "must be a table ([" + toml_header(prefix_, key) + "])");
    return nullptr;
  }
  return node->as_table();
}

const toml::array* TableReader::get_table_array(std::string_view key, Need need) {
  const toml::node* node = take(key, need);
  if (node == nullptr) return nullptr;
  if (!node->is_array_of_tables()) {
    error_at(*node, key, "must be a list of tables ([[" + toml_header(prefix_, key) + "]])");
    return nullptr;
  }
  return node->as_array();
}

void TableReader::finish() {
  // Every key nobody asked for, whatever its type: a sub-table (`[service.extra]`) or an
  // inline table (`limits = { ... }`) where the schema has none would otherwise be ignored.
  for (const auto& [k, node] : table_) {
    if (read_.count(k.str()) == 0) error_at(node, k.str(), "unknown key");
  }
}

void TableReader::error(std::string_view key, const std::string& what) {
  const toml::node* node = table_.get(key);
  error_at(node != nullptr ? *node : table_, key, what);
}

void TableReader::error_at(const toml::node& where, std::string_view key, const std::string& what) {
  errors_.push_back(origin_ + ":" + std::to_string(where.source().begin.line) + ": " + prefix_ + std::string(key) +
                    ": " + what);
}

}  // namespace bms
