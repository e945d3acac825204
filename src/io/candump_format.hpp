#pragma once
/// @file candump_format.hpp
/// can-utils' text formats, pure (no I/O). Examples, which are also test vectors:
///
///   "(1700000000.000200) can0 351#3002E803DC05E001" -> std id 0x351, dlc 8, t = 1700000000000200 us
///   "(1700000000.000200123) can1 12345678#0102"     -> ext id 0x12345678, dlc 2 (9 fraction digits)
///   "(0.000001) can0 123#R"                          -> remote, dlc 0;  "123#R3" -> remote, dlc 3
///   "(0.000001) can0 351#30.02.E8"                   -> dlc 3 ('.' between bytes is allowed)
///   "(0.000001) can0 20000080#0000000000000000"      -> error frame (CAN_ERR_FLAG), class 0x080
///   "  can0  351   [8]  3A 02 64 00 64 00 A4 01"     -> candump's terminal format, t = 0
///   "(1700000000.000200)  can0  351   [2]  3A 02"    -> terminal format with `-t a` time
///   "" or "# comment"                                -> Skip
///   "(0.1) can0 351#00"                              -> error: fraction must have 6 or 9 digits

#include <cstddef>
#include <string>
#include <string_view>

#include "protocols/can_frame.hpp"

namespace bms {

enum class LineStatus : unsigned char { Frame, Skip, Error };

struct ParsedLine {
  LineStatus status = LineStatus::Skip;
  CanFrame frame;
  std::string_view error;  ///< static text saying what is wrong, when status is Error
};

/// Parses one line (without its newline) in the log or the terminal format.
[[nodiscard]] ParsedLine parse_candump_line(std::string_view line) noexcept;

/// The shape almost every log line has, "(SECONDS.MICROS) IFACE ABC#HEX" with single spaces,
/// a standard id and no trailing text, parsed in one tight pass. @return false for any other
/// line (frame untouched): parse_candump_line() then decides. For every line it accepts,
/// the frame equals what parse_candump_line() gives (tests/unit and fuzz_candump_line check).
[[nodiscard]] bool parse_canonical_log_line(std::string_view line, CanFrame& frame) noexcept;

/// Longest line write_candump_log_line() writes, including the NUL.
inline constexpr std::size_t kCandumpLineMax = 64;

/// Writes `frame` in the log format canplayer reads ("(SECONDS.MICROS) IFACE ID#HEX"), with
/// `iface` instead of the frame's own name when not empty. @return characters written (no NUL).
std::size_t write_candump_log_line(const CanFrame& frame, char* out, std::string_view iface = {}) noexcept;
[[nodiscard]] std::string format_candump_log_line(const CanFrame& frame, std::string_view iface = {});

}  // namespace bms
