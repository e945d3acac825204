#pragma once
/// @file json_line.hpp
/// Builds one flat JSON object on one line ({"t": 1.5, "id": "0x351"}), for the JSON-lines
/// outputs. Strings are escaped per RFC 8259; numbers use the shortest text that reads
/// back as the same double (53.2, never 53.200000000000003); NaN and infinities, which
/// JSON cannot hold, become null.

#include <cstdint>
#include <string>
#include <string_view>

namespace bms {

class JsonLine {
 public:
  JsonLine& number(std::string_view key, double value);
  JsonLine& integer(std::string_view key, std::int64_t value);
  /// @param bus_text true for text read off a bus: bytes outside printable ASCII are
  ///        escaped as \u00XX (they are not UTF-8); false passes UTF-8 through.
  JsonLine& string(std::string_view key, std::string_view value, bool bus_text = false);
  /// A number written from preformatted JSON number text (e.g. a timestamp "1700000000.0002").
  JsonLine& raw(std::string_view key, std::string_view json_number);
  /// The object so far with its closing brace (no newline).
  [[nodiscard]] std::string str() const { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  void key(std::string_view k);
  std::string text_;
};

/// `s` as a JSON string literal, quotes included; control characters always escaped,
/// bytes >= 0x7F escaped only when `bus_text`.
[[nodiscard]] std::string json_quote(std::string_view s, bool bus_text = false);
/// Shortest round-trip text of `v`; "null" for NaN/inf.
[[nodiscard]] std::string json_number(double v);
/// Microseconds as seconds with the fraction's trailing zeros removed: 1700000000000200 ->
/// "1700000000.0002", 5000000 -> "5.0".
[[nodiscard]] std::string json_seconds(std::int64_t time_us);

}  // namespace bms
