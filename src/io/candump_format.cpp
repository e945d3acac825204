#include "io/candump_format.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace bms {
namespace {

constexpr std::uint32_t kErrFlag = 0x20000000U;  // CAN_ERR_FLAG as candump writes it

constexpr std::array<std::int8_t, 256> make_hex_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}
constexpr auto kHex = make_hex_table();

/// "00010203...99": two decimal digits per entry.
constexpr std::array<char, 200> make_decimal_pairs() {
  std::array<char, 200> t{};
  for (std::size_t i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}
constexpr auto kDecimalPairs = make_decimal_pairs();

int hex_value(char c) noexcept { return kHex[static_cast<unsigned char>(c)]; }

ParsedLine fail(std::string_view why) noexcept {
  ParsedLine p;
  p.status = LineStatus::Error;
  p.error = why;
  return p;
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view skip_spaces(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}

std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Takes a whitespace-delimited token from the front of `s`.
std::string_view take_token(std::string_view& s) noexcept {
  s = skip_spaces(s);
  std::size_t i = 0;
  while (i < s.size() && !is_space(s[i])) ++i;
  const std::string_view tok = s.substr(0, i);
  s.remove_prefix(i);
  return tok;
}

/// "(SECONDS.FRACTION)" with 6 or 9 fraction digits -> microseconds.
bool parse_timestamp(std::string_view tok, std::int64_t& us, std::string_view& why) noexcept {
  if (tok.size() < 4 || tok.front() != '(' || tok.back() != ')') {
    why = "timestamp must look like (SECONDS.MICROS)";
    return false;
  }
  tok = tok.substr(1, tok.size() - 2);
  const std::size_t dot = tok.find('.');
  if (dot == std::string_view::npos || dot == 0) {
    why = "timestamp must look like (SECONDS.MICROS)";
    return false;
  }
  const std::string_view secs = tok.substr(0, dot);
  const std::string_view frac = tok.substr(dot + 1);
  if (secs.size() > 12) {
    why = "timestamp seconds out of range";
    return false;
  }
  if (frac.size() != 6 && frac.size() != 9) {
    why = "timestamp fraction must have 6 or 9 digits";
    return false;
  }
  std::int64_t s = 0;
  for (char c : secs) {
    if (c < '0' || c > '9') {
      why = "timestamp seconds must be decimal digits";
      return false;
    }
    s = s * 10 + (c - '0');
  }
  std::int64_t f = 0;
  for (char c : frac.substr(0, 6)) {
    if (c < '0' || c > '9') {
      why = "timestamp fraction must be decimal digits";
      return false;
    }
    f = f * 10 + (c - '0');
  }
  for (char c : frac.substr(6)) {
    if (c < '0' || c > '9') {
      why = "timestamp fraction must be decimal digits";
      return false;
    }
  }
  us = s * 1'000'000 + f;
  return true;
}

bool parse_iface(std::string_view tok, CanFrame& frame, std::string_view& why) noexcept {
  if (tok.empty()) {
    why = "missing interface name";
    return false;
  }
  if (tok.size() > kIfaceNameMax) {
    why = "interface name longer than 15 characters";
    return false;
  }
  // Kernel interface names are printable; a NUL or control byte would also cut the
  // name short when it is read back (found by fuzz_candump_line).
  for (const char c : tok) {
    if (c <= ' ' || c > '~') {
      why = "interface name must be printable ASCII";
      return false;
    }
  }
  frame.set_iface(tok);
  return true;
}

/// Hex identifier: 3 digits standard, 8 digits extended (error frames carry CAN_ERR_FLAG).
bool parse_id(std::string_view hex, CanFrame& frame, std::string_view& why) noexcept {
  if (hex.size() != 3 && hex.size() != 8) {
    why = "identifier must have 3 (standard) or 8 (extended) hex digits";
    return false;
  }
  std::uint32_t id = 0;
  for (char c : hex) {
    const int v = hex_value(c);
    if (v < 0) {
      why = "identifier is not hexadecimal";
      return false;
    }
    id = (id << 4) | static_cast<std::uint32_t>(v);
  }
  if (hex.size() == 3) {
    if (id > 0x7FF) {
      why = "standard identifier above 0x7FF";
      return false;
    }
    frame.id = id;
    return true;
  }
  if (id & kErrFlag) {
    frame.error = true;
    frame.id = id & 0x1FFFFFFFU;
    return true;
  }
  if (id > 0x1FFFFFFFU) {
    why = "extended identifier above 0x1FFFFFFF";
    return false;
  }
  frame.extended = true;
  frame.id = id;
  return true;
}

/// The part after '#': hex bytes (optionally '.'-separated), or R / R<dlc>.
bool parse_log_payload(std::string_view p, CanFrame& frame, std::string_view& why) noexcept {
  if (!p.empty() && p.front() == '#') {
    why = "CAN FD frames (##) are not supported: classic CAN only";
    return false;
  }
  if (!p.empty() && (p.front() == 'R' || p.front() == 'r')) {
    frame.remote = true;
    if (p.size() == 1) return true;
    if (p.size() == 2 && p[1] >= '0' && p[1] <= '8') {
      frame.dlc = static_cast<std::uint8_t>(p[1] - '0');
      return true;
    }
    why = "remote frame must be R or R0..R8";
    return false;
  }
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '.') {
      ++i;
      continue;
    }
    if (i + 1 >= p.size()) {
      why = "odd number of hex digits in data";
      return false;
    }
    const int hi = hex_value(p[i]);
    const int lo = hex_value(p[i + 1]);
    if (hi < 0 || lo < 0) {
      why = "data is not hexadecimal";
      return false;
    }
    if (n == 8) {
      why = "more than 8 data bytes";
      return false;
    }
    frame.data[n++] = static_cast<std::uint8_t>((hi << 4) | lo);
    i += 2;
  }
  frame.dlc = static_cast<std::uint8_t>(n);
  return true;
}

/// "  can0  351   [8]  3A 02 ..." (optionally preceded by "(SECONDS.MICROS)").
ParsedLine parse_terminal_line(std::string_view line, std::int64_t time_us) noexcept {
  ParsedLine out;
  out.frame.time_us = time_us;
  std::string_view why;
  std::string_view rest = line;
  if (!parse_iface(take_token(rest), out.frame, why)) return fail(why);
  if (!parse_id(take_token(rest), out.frame, why)) return fail(why);
  const std::string_view len = take_token(rest);
  if (len.size() != 3 || len[0] != '[' || len[2] != ']' || len[1] < '0' || len[1] > '8') {
    return fail("length must look like [0]..[8]");
  }
  const auto dlc = static_cast<std::uint8_t>(len[1] - '0');
  rest = trim_right(skip_spaces(rest));
  if (rest == "remote request") {
    out.frame.remote = true;
    out.frame.dlc = dlc;
    out.status = LineStatus::Frame;
    return out;
  }
  for (std::uint8_t i = 0; i < dlc; ++i) {
    const std::string_view byte = take_token(rest);
    if (byte.size() != 2 || hex_value(byte[0]) < 0 || hex_value(byte[1]) < 0) {
      return fail("data bytes must be two hex digits each, as many as the length says");
    }
    out.frame.data[i] = static_cast<std::uint8_t>((hex_value(byte[0]) << 4) | hex_value(byte[1]));
  }
  if (!take_token(rest).empty()) return fail("more data bytes than the length says");
  out.frame.dlc = dlc;
  out.status = LineStatus::Frame;
  return out;
}

/// "(SECONDS.MICROS) IFACE ID#DATA", or the terminal format with a time in front when a
/// "[n]" length follows the id. One pass over the tokens: this is every replay's hot path.
ParsedLine parse_timed_line(std::string_view line) noexcept {
  ParsedLine out;
  std::string_view why;
  std::string_view rest = line;
  if (!parse_timestamp(take_token(rest), out.frame.time_us, why)) return fail(why);
  const std::string_view after_ts = rest;
  const std::string_view iface = take_token(rest);
  const std::string_view body = take_token(rest);
  if (body.empty()) return fail("missing frame after interface (expected ID#DATA)");
  const std::size_t hash = body.find('#');
  if (hash == std::string_view::npos) {
    std::string_view probe = rest;
    const std::string_view length = take_token(probe);
    if (!length.empty() && length.front() == '[') return parse_terminal_line(after_ts, out.frame.time_us);
    return fail("missing '#' between identifier and data");
  }
  if (!parse_iface(iface, out.frame, why)) return fail(why);
  if (!parse_id(body.substr(0, hash), out.frame, why)) return fail(why);
  if (!parse_log_payload(body.substr(hash + 1), out.frame, why)) return fail(why);
  // can-utils may append a direction flag (T/R) after the frame.
  const std::string_view extra = take_token(rest);
  if (!(extra.empty() || ((extra == "T" || extra == "R") && take_token(rest).empty()))) {
    return fail("unexpected text after the frame");
  }
  out.status = LineStatus::Frame;
  return out;
}

}  // namespace

namespace {
/// Eight ASCII digits at `p` as a number, eight at a time in one 64-bit word (the SWAR trick:
/// pairs, then quads, then the whole); false when any of the eight is not a digit.
bool eight_digits(const char* p, std::uint64_t& out) noexcept {
  static_assert(std::endian::native == std::endian::little, "byte order of the digit word");
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  const std::uint64_t d = v - 0x3030303030303030ULL;
  // Each byte 0x30..0x3F, and its low nibble at most 9.
  if ((v & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
      ((d + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0) {
    return false;
  }
  std::uint64_t x = d * 10 + (d >> 8);
  x = ((x & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)) +
       ((x >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))) >>
      32;
  out = x;
  return true;
}
}  // namespace

bool parse_canonical_log_line(std::string_view line, CanFrame& frame) noexcept {
  // Every check below is one the general parser makes too; anything else (spaces, a
  // direction flag, 9 fraction digits, extended ids, remote frames, dots) is left to it.
  const char* p = line.data();
  const char* const end = p + line.size();
  if (p == end || *p != '(') return false;
  ++p;
  std::int64_t secs = 0;
  const char* const secs_begin = p;
  std::uint64_t low8 = 0;
  if (end - p >= 11 && p[10] == '.' && eight_digits(p + 2, low8) && static_cast<unsigned char>(p[0] - '0') < 10 &&
      static_cast<unsigned char>(p[1] - '0') < 10) {
    // Ten digits, as every epoch time since 2001 has.
    secs = ((p[0] - '0') * 10 + (p[1] - '0')) * 100'000'000LL + static_cast<std::int64_t>(low8);
    p += 10;
  } else {
    // At most 13 digits are taken (12 is the limit, checked below): more would overflow.
    while (p != end && p - secs_begin < 13 && static_cast<unsigned char>(*p - '0') < 10) {
      secs = secs * 10 + (*p++ - '0');
    }
  }
  if (p == secs_begin || p - secs_begin > 12 || end - p < 9 || *p != '.') return false;
  ++p;
  std::int64_t micros = 0;
  for (int i = 0; i < 6; ++i, ++p) {
    if (static_cast<unsigned char>(*p - '0') >= 10) return false;
    micros = micros * 10 + (*p - '0');
  }
  if (p[0] != ')' || p[1] != ' ') return false;
  p += 2;
  const char* const name = p;
  while (p != end && *p > ' ' && *p <= '~') ++p;
  const auto name_len = static_cast<std::size_t>(p - name);
  if (name_len == 0 || name_len > kIfaceNameMax || end - p < 5 || *p != ' ') return false;
  ++p;
  const int a = hex_value(p[0]);
  const int b = hex_value(p[1]);
  const int c = hex_value(p[2]);
  if ((a | b | c) < 0 || a > 7 || p[3] != '#') return false;
  p += 4;
  const auto data_len = static_cast<std::size_t>(end - p);
  if (data_len % 2 != 0 || data_len > 16) return false;
  std::array<std::uint8_t, 8> data{};
  for (std::size_t i = 0; i < data_len / 2; ++i, p += 2) {
    const int hi = hex_value(p[0]);
    const int lo = hex_value(p[1]);
    if ((hi | lo) < 0) return false;
    data[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  frame = CanFrame{};
  frame.time_us = secs * 1'000'000 + micros;
  frame.set_iface(std::string_view(name, name_len));
  frame.id = static_cast<std::uint32_t>((a << 8) | (b << 4) | c);
  frame.dlc = static_cast<std::uint8_t>(data_len / 2);
  frame.data = data;
  return true;
}

ParsedLine parse_candump_line(std::string_view line) noexcept {
  line = trim_right(line);
  const std::string_view body = skip_spaces(line);
  if (body.empty() || body.front() == '#') return ParsedLine{};
  if (body.front() == '(') return parse_timed_line(body);
  return parse_terminal_line(body, 0);
}

std::size_t write_candump_log_line(const CanFrame& frame, char* out, std::string_view iface) noexcept {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  char* p = out;
  *p++ = '(';
  std::int64_t secs = frame.time_us / 1'000'000;
  std::int64_t micros = frame.time_us % 1'000'000;
  if (micros < 0) {  // times before the epoch do not occur in logs; keep the text well-formed
    secs -= 1;
    micros += 1'000'000;
  }
  if (secs < 0) secs = 0;
  // Two digits per step from a table, divisions by constants only: this runs for every
  // emitted frame of a replay.
  char sec_buf[24];
  char* const sec_end = sec_buf + sizeof sec_buf;
  char* d = sec_end;
  auto v = static_cast<std::uint64_t>(secs);
  while (v >= 100) {
    d -= 2;
    std::memcpy(d, &kDecimalPairs[(v % 100) * 2], 2);
    v /= 100;
  }
  if (v >= 10) {
    d -= 2;
    std::memcpy(d, &kDecimalPairs[v * 2], 2);
  } else {
    *--d = static_cast<char>('0' + v);
  }
  while (sec_end - d < 10) *--d = '0';  // candump pads seconds to 10 digits
  std::memcpy(p, d, static_cast<std::size_t>(sec_end - d));
  p += sec_end - d;
  *p++ = '.';
  const auto us = static_cast<std::size_t>(micros);
  std::memcpy(p, &kDecimalPairs[(us / 10000) * 2], 2);
  std::memcpy(p + 2, &kDecimalPairs[((us / 100) % 100) * 2], 2);
  std::memcpy(p + 4, &kDecimalPairs[(us % 100) * 2], 2);
  p += 6;
  *p++ = ')';
  *p++ = ' ';
  const std::string_view name = iface.empty() ? frame.iface_name() : iface;
  for (std::size_t i = 0; i < name.size() && i < kIfaceNameMax; ++i) *p++ = name[i];
  *p++ = ' ';
  std::uint32_t id = frame.id;
  int digits = 3;
  if (frame.error) {
    id |= kErrFlag;
    digits = 8;
  } else if (frame.extended) {
    digits = 8;
  }
  for (int i = digits - 1; i >= 0; --i) *p++ = kDigits[(id >> (4 * i)) & 0xF];
  *p++ = '#';
  if (frame.remote) {
    *p++ = 'R';
    if (frame.dlc > 0) *p++ = static_cast<char>('0' + frame.dlc);
  } else {
    for (std::uint8_t i = 0; i < frame.dlc && i < 8; ++i) {
      *p++ = kDigits[frame.data[i] >> 4];
      *p++ = kDigits[frame.data[i] & 0xF];
    }
  }
  *p = '\0';
  return static_cast<std::size_t>(p - out);
}

std::string format_candump_log_line(const CanFrame& frame, std::string_view iface) {
  char buf[kCandumpLineMax];
  const std::size_t n = write_candump_log_line(frame, buf, iface);
  return std::string(buf, n);
}

}  // namespace bms
