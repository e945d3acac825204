#include "app/json_line.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace bms {

std::string json_quote(std::string_view s, bool bus_text) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20 || (bus_text && u >= 0x7F)) {
          // Bytes off a bus are not UTF-8 text; \u00XX keeps the line valid JSON.
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == 0.0) return "0";  // also turns -0 into 0
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

std::string json_seconds(std::int64_t time_us) {
  const bool negative = time_us < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(time_us) : static_cast<std::uint64_t>(time_us);
  std::string frac = std::to_string(magnitude % 1000000);
  frac.insert(0, 6 - frac.size(), '0');
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return (negative ? "-" : "") + std::to_string(magnitude / 1000000) + "." + frac;
}

void JsonLine::key(std::string_view k) {
  text_ += text_.empty() ? "{" : ", ";
  text_ += json_quote(k);
  text_ += ": ";
}

JsonLine& JsonLine::number(std::string_view k, double value) {
  key(k);
  text_ += json_number(value);
  return *this;
}

JsonLine& JsonLine::integer(std::string_view k, std::int64_t value) {
  key(k);
  text_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::string(std::string_view k, std::string_view value, bool bus_text) {
  key(k);
  text_ += json_quote(value, bus_text);
  return *this;
}

JsonLine& JsonLine::raw(std::string_view k, std::string_view json_number_text) {
  key(k);
  text_ += json_number_text;
  return *this;
}

}  // namespace bms
