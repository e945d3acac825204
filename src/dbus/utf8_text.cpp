#include "dbus/utf8_text.hpp"

#include <cstdint>

namespace bms::dbus {
namespace {

/// Length of the valid sequence starting at text[i] (a scalar value sd-bus accepts), 0 if
/// there is none there.
std::size_t valid_sequence(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return lead == 0 ? 0 : 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1FU;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0FU;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07U;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3FU);
  }
  static constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kShortest[length] || code > 0x10FFFF) return 0;                        // overlong, or beyond Unicode
  if (code >= 0xD800 && code <= 0xDFFF) return 0;                                   // UTF-16 surrogates
  if ((code >= 0xFDD0 && code <= 0xFDEF) || (code & 0xFFFEU) == 0xFFFEU) return 0;  // non-characters
  return length;
}

}  // namespace

bool is_bus_text(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = valid_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string bus_text(std::string_view text) {
  bool plain = true;
  for (std::size_t i = 0; i < text.size() && plain;) {
    const std::size_t n = valid_sequence(text, i);
    plain = n != 0 && static_cast<std::uint8_t>(text[i]) >= 0x20;
    i += n;
  }
  if (plain) return std::string(text);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = valid_sequence(text, i);
    const auto lead = static_cast<std::uint8_t>(text[i]);
    if (n != 0 && lead >= 0x20) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    out += "\\x";
    out += kHex[lead >> 4];
    out += kHex[lead & 0x0F];
    ++i;
  }
  return out;
}

}  // namespace bms::dbus
