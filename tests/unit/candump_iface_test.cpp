// Interface names in candump lines: what the kernel allows comes back unchanged.

#include <gtest/gtest.h>

#include <string>

#include "io/candump_format.hpp"

namespace bms {
namespace {

TEST(CandumpInterfaceName, RejectsControlBytesThatWouldCutTheNameShort) {
  // Found by fuzz_candump_line: "\0\x18can1" was accepted, then read back as "".
  const std::string line = std::string("(1.000000) ") + '\0' + "\x18" + "can1 123#01";
  const ParsedLine p = parse_candump_line(line);
  EXPECT_EQ(p.status, LineStatus::Error);
  EXPECT_EQ(p.error, "interface name must be printable ASCII");
  EXPECT_EQ(parse_candump_line("(1.000000) can\x7f"
                               "1 123#01")
                .status,
            LineStatus::Error);
}

TEST(CandumpInterfaceName, AcceptsTheNamesLinuxUses) {
  for (const char* name : {"can0", "vcan12", "slcan0", "can-bms.1", "enp0s31f6"}) {
    const ParsedLine p = parse_candump_line(std::string("(1.000000) ") + name + " 123#01");
    ASSERT_EQ(p.status, LineStatus::Frame) << name;
    EXPECT_EQ(p.frame.iface_name(), name);
  }
}

}  // namespace
}  // namespace bms
