#pragma once
/// @file toml_schema.hpp
/// The one reader of TOML tables against a schema, shared by the configuration
/// (app/config_loader) and the CANopen object maps (io/object_map_loader), so both refuse
/// bad input alike: a wrong type, a value out of range, a nan or inf, an unknown key (a key
/// inside a sub-table or an inline table included) is an error "FILE:LINE: dotted.key: what".

#include <toml++/toml.h>

#include <concepts>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bms {

/// A number as a user wrote it in an error message ("99", "0.85").
[[nodiscard]] std::string number_text(double v);

/// Whether a key may be left out. A missing required key is the error "missing".
enum class Need : unsigned char { Optional, Required };

/// Reads one TOML table: each get_* (and get_table/get_table_array) marks its key as read,
/// finish() reports every other key as unknown. A getter writes `out` only when the value
/// is present, of the right type and in range, and then returns true; otherwise it leaves
/// `out` alone (the caller's default stands) and returns false, having reported an error
/// unless the key was optional and absent.
class TableReader {
 public:
  /// `prefix` is the dotted path of this table with a trailing dot ("battery[2].", "" for
  /// the root); `origin` names the file. Errors are appended to `errors`.
  TableReader(const toml::table& table, std::string prefix, const std::string& origin,
              std::vector<std::string>& errors);

  /// A finite integer or float within [min, max].
  bool get_number(std::string_view key, double& out, double min, double max, Need need = Need::Optional);
  /// An integer within [min, max]; the range must fit T.
  template <std::integral T>
  bool get_int(std::string_view key, T& out, long long min, long long max, Need need = Need::Optional) {
    long long v = 0;
    if (!get_integer(key, v, min, max, need)) return false;
    out = static_cast<T>(v);
    return true;
  }
  bool get_string(std::string_view key, std::string& out, Need need = Need::Optional);
  bool get_bool(std::string_view key, bool& out, Need need = Need::Optional);
  /// A string that must be one of `choices`: its index, or -1 when absent or not one of them.
  int get_choice(std::string_view key, std::initializer_list<std::string_view> choices, Need need = Need::Optional);
  /// A sub-table (`[name]`), or nullptr when absent or not a table (then reported).
  const toml::table* get_table(std::string_view key, Need need = Need::Optional);
  /// A list of tables (`[[name]]`), or nullptr when absent or not such a list (then reported).
  const toml::array* get_table_array(std::string_view key, Need need = Need::Optional);

  /// Whether the key is in the table (does not mark it as read).
  [[nodiscard]] bool has(std::string_view key) const { return table_.contains(key); }
  /// The key's node, or nullptr (does not mark it as read).
  [[nodiscard]] const toml::node* node(std::string_view key) const { return table_.get(key); }
  [[nodiscard]] const toml::table& table() const noexcept { return table_; }

  /// Reports every key that nothing asked for.
  void finish();

  /// An error at the key's own line when it is present, else at the table's line.
  void error(std::string_view key, const std::string& what);
  /// An error at `where` (a node's line) about `key`.
  void error_at(const toml::node& where, std::string_view key, const std::string& what);

 private:
  bool get_integer(std::string_view key, long long& out, long long min, long long max, Need need);
  /// Marks the key as read; nullptr (and "missing" when required) when it is absent.
  const toml::node* take(std::string_view key, Need need);
  void wrong_type(const toml::node& node, std::string_view key, const char* expected);

  const toml::table& table_;
  std::string prefix_;
  const std::string& origin_;
  std::vector<std::string>& errors_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace bms
