#pragma once
// Shared helpers of the codec tests: frames from candump text, values by signal.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "io/candump_format.hpp"
#include "protocols/decoded_frame.hpp"

namespace bms::test {

/// A frame from its candump text "351#14025002C805".
inline CanFrame frame(std::string_view text) {
  const std::string line = "(0.000000) can0 " + std::string(text);
  const ParsedLine p = parse_candump_line(line);
  EXPECT_EQ(p.status, LineStatus::Frame) << text;
  return p.frame;
}

/// The frame's "ID#HEX" text.
inline std::string wire(const CanFrame& f) {
  std::string line = format_candump_log_line(f, std::string_view("can0"));
  return line.substr(line.find(' ', line.find(' ') + 1) + 1);
}

/// The value of `id`, or nullopt when the frame did not carry it.
inline std::optional<double> value(const DecodedFrame& d, SignalId id) {
  for (const auto& s : d.values()) {
    if (s.id == id) return s.value;
  }
  return std::nullopt;
}

/// The text of text signal `id`, or nullopt.
inline std::optional<std::string> text(const DecodedFrame& d, SignalId id) {
  for (const auto& s : d.values()) {
    if (s.id == id) return std::string(s.text_view());
  }
  return std::nullopt;
}

}  // namespace bms::test
