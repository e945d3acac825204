// The examples in candump_format.hpp's header comment, as tests, plus the errors.
#include "io/candump_format.hpp"

#include <gtest/gtest.h>

namespace bms {
namespace {

CanFrame parse_ok(std::string_view line) {
  const ParsedLine p = parse_candump_line(line);
  EXPECT_EQ(p.status, LineStatus::Frame) << line << ": " << p.error;
  return p.frame;
}

std::string_view parse_error(std::string_view line) {
  const ParsedLine p = parse_candump_line(line);
  EXPECT_EQ(p.status, LineStatus::Error) << line;
  return p.error;
}

TEST(CandumpLogLine, ParsesStandardFrameWithMicroseconds) {
  const CanFrame f = parse_ok("(1700000000.000200) can0 351#3002E803DC05E001");
  EXPECT_EQ(f.id, 0x351U);
  EXPECT_FALSE(f.extended);
  EXPECT_FALSE(f.remote);
  EXPECT_EQ(f.dlc, 8);
  EXPECT_EQ(f.time_us, 1700000000000200LL);
  EXPECT_EQ(f.iface_name(), "can0");
  EXPECT_EQ(f.data[0], 0x30);
  EXPECT_EQ(f.data[7], 0x01);
}

TEST(CandumpLogLine, ParsesExtendedIdAndNanosecondFraction) {
  const CanFrame f = parse_ok("(1700000000.000200123) can1 12345678#0102");
  EXPECT_EQ(f.id, 0x12345678U);
  EXPECT_TRUE(f.extended);
  EXPECT_EQ(f.dlc, 2);
  EXPECT_EQ(f.time_us, 1700000000000200LL);
}

TEST(CandumpLogLine, ParsesRemoteFramesWithAndWithoutLength) {
  const CanFrame a = parse_ok("(0.000001) can0 123#R");
  EXPECT_TRUE(a.remote);
  EXPECT_EQ(a.dlc, 0);
  const CanFrame b = parse_ok("(0.000001) can0 123#R3");
  EXPECT_TRUE(b.remote);
  EXPECT_EQ(b.dlc, 3);
}

TEST(CandumpLogLine, AcceptsDotsBetweenDataBytes) {
  const CanFrame f = parse_ok("(0.000001) can0 351#30.02.E8");
  EXPECT_EQ(f.dlc, 3);
  EXPECT_EQ(f.data[2], 0xE8);
}

TEST(CandumpLogLine, RecognisesErrorFrames) {
  const CanFrame f = parse_ok("(0.000001) can0 20000080#0000000000000000");
  EXPECT_TRUE(f.error);
  EXPECT_FALSE(f.extended);
  EXPECT_EQ(f.id, 0x080U);
}

TEST(CandumpLogLine, AcceptsTrailingDirectionFlag) { EXPECT_EQ(parse_ok("(1.000000) can0 305#00 R").id, 0x305U); }

TEST(CandumpLogLine, ParsesZeroLengthDataFrame) {
  const CanFrame f = parse_ok("(1.000000) can0 305#");
  EXPECT_EQ(f.dlc, 0);
  EXPECT_FALSE(f.remote);
}

TEST(CandumpTerminalLine, ParsesDefaultCandumpOutput) {
  const CanFrame f = parse_ok("  can0  351   [8]  3A 02 64 00 64 00 A4 01");
  EXPECT_EQ(f.id, 0x351U);
  EXPECT_EQ(f.dlc, 8);
  EXPECT_EQ(f.time_us, 0);
  EXPECT_EQ(f.data[0], 0x3A);
  EXPECT_EQ(f.data[7], 0x01);
}

TEST(CandumpTerminalLine, ParsesAbsoluteTimestampVariant) {
  const CanFrame f = parse_ok("(1700000000.000200)  can0  351   [2]  3A 02");
  EXPECT_EQ(f.time_us, 1700000000000200LL);
  EXPECT_EQ(f.dlc, 2);
}

TEST(CandumpTerminalLine, ParsesRemoteRequest) {
  const CanFrame f = parse_ok("  can0  123   [4]  remote request");
  EXPECT_TRUE(f.remote);
  EXPECT_EQ(f.dlc, 4);
}

TEST(CandumpLine, SkipsBlankLinesAndComments) {
  EXPECT_EQ(parse_candump_line("").status, LineStatus::Skip);
  EXPECT_EQ(parse_candump_line("   ").status, LineStatus::Skip);
  EXPECT_EQ(parse_candump_line("# recorded on the boat").status, LineStatus::Skip);
}

TEST(CandumpLine, RejectsMalformedLinesWithTheReason) {
  EXPECT_EQ(parse_error("(0.1) can0 351#00"), "timestamp fraction must have 6 or 9 digits");
  EXPECT_EQ(parse_error("(0.000001) can0 35#00"), "identifier must have 3 (standard) or 8 (extended) hex digits");
  EXPECT_EQ(parse_error("(0.000001) can0 351#0"), "odd number of hex digits in data");
  EXPECT_EQ(parse_error("(0.000001) can0 351#00112233445566778"), "odd number of hex digits in data");
  EXPECT_EQ(parse_error("(0.000001) can0 351#001122334455667788"), "more than 8 data bytes");
  EXPECT_EQ(parse_error("(0.000001) can0 351#GG"), "data is not hexadecimal");
  EXPECT_EQ(parse_error("(0.000001) can0 351"), "missing '#' between identifier and data");
  EXPECT_EQ(parse_error("(0.000001) can0 351##0011"), "CAN FD frames (##) are not supported: classic CAN only");
  EXPECT_EQ(parse_error("(0.000001) can0 800#00"), "standard identifier above 0x7FF");
  EXPECT_EQ(parse_error("(0.000001) can0 123#R9"), "remote frame must be R or R0..R8");
  EXPECT_EQ(parse_error("  can0  351   [3]  3A 02"),
            "data bytes must be two hex digits each, as many as the length says");
  EXPECT_EQ(parse_error("  can0  351   [1]  3A 02"), "more data bytes than the length says");
  EXPECT_EQ(parse_error("(0.000001) can0 351#00 extra"), "unexpected text after the frame");
  EXPECT_EQ(parse_error("(x.000001) can0 351#00"), "timestamp seconds must be decimal digits");
  EXPECT_EQ(parse_error("(0.000001) averyveryverylongname0 351#00"), "interface name longer than 15 characters");
}

TEST(CandumpLogFormat, WritesWhatCanplayerReads) {
  CanFrame f;
  f.id = 0x351;
  f.dlc = 6;
  f.time_us = 1700000000000200LL;
  f.set_iface("can0");
  const std::uint8_t bytes[] = {0x14, 0x02, 0x50, 0x02, 0xC8, 0x05};
  std::copy(std::begin(bytes), std::end(bytes), f.data.begin());
  EXPECT_EQ(format_candump_log_line(f), "(1700000000.000200) can0 351#14025002C805");
  EXPECT_EQ(format_candump_log_line(f, "can9"), "(1700000000.000200) can9 351#14025002C805");
}

TEST(CandumpLogFormat, PadsSecondsAndWritesExtendedRemoteAndErrorFrames) {
  CanFrame f;
  f.time_us = 1'500'000;
  f.set_iface("vcan0");
  f.id = 0x1ABCDEF0;
  f.extended = true;
  f.remote = true;
  f.dlc = 2;
  EXPECT_EQ(format_candump_log_line(f), "(0000000001.500000) vcan0 1ABCDEF0#R2");
  CanFrame e;
  e.error = true;
  e.id = 0x40;
  e.dlc = 8;
  e.set_iface("can0");
  EXPECT_EQ(format_candump_log_line(e), "(0000000000.000000) can0 20000040#0000000000000000");
}

TEST(CandumpLogFormat, RoundTripsThroughTheParser) {
  for (const char* line : {"(1700000000.123456) can0 351#14025002C805", "(0000000001.000000) can1 12345678#",
                           "(0000000002.000001) can2 7FF#R8", "(0000000003.000000) can0 20000004#0000080000000000"}) {
    EXPECT_EQ(format_candump_log_line(parse_ok(line)), line);
  }
}

// The reader's fast path: the lines it takes give exactly the general parser's frame; every
// other shape is left to the general parser (false), never half-parsed.
TEST(CanonicalLogLine, GivesTheGeneralParsersFrameForTheCommonShape) {
  for (std::string_view line :
       {"(1700000000.000200) can0 351#3002E803DC05E001", "(0.000001) can0 123#", "(999999999999.999999) vcan12 7FF#00",
        "(1700000000.000200) abcdefghijklmno 35e#50594c4f4e202020", "(5.000000) can1 000#0102030405060708",
        "(0123456789.000001) can0 351#01", "(9999999999.999999) can0 351#01", "(12345678901.500000) can0 351#01"}) {
    CanFrame fast;
    fast.id = 0xDEAD;
    ASSERT_TRUE(parse_canonical_log_line(line, fast)) << line;
    const CanFrame general = parse_ok(line);
    EXPECT_EQ(fast.id, general.id) << line;
    EXPECT_EQ(fast.dlc, general.dlc) << line;
    EXPECT_EQ(fast.time_us, general.time_us) << line;
    EXPECT_EQ(fast.iface_name(), general.iface_name()) << line;
    EXPECT_EQ(fast.data, general.data) << line;
    EXPECT_FALSE(fast.extended || fast.remote || fast.error) << line;
  }
}

TEST(CanonicalLogLine, LeavesEveryOtherShapeToTheGeneralParser) {
  for (std::string_view line :
       {"(1700000000.000200123) can1 12345678#0102",        // 9 fraction digits, extended id
        "(1700000000.000200) can0 351#30.02",               // dots between bytes
        "(1700000000.000200) can0 123#R",                   // remote
        "(1700000000.000200) can0 351#3002 T",              // direction flag
        "(1700000000.000200)  can0 351#3002",               // two spaces
        "(1700000000.000200) can0 351#3002\r",              // carriage return
        "(1700000000.000200) can0 351#3002 ",               // trailing space
        "(1700000000.000200) can0 800#00",                  // above 0x7FF: the general parser's error
        "(1700000000.000200) can0 351#300",                 // odd digits
        "(1700000000.000200) can0 351#000102030405060708",  // 9 bytes
        "(1700000000.0002) can0 351#00",                    // short fraction
        "(1234567890123.000200) can0 351#00",               // 13-digit seconds
        "(1700000000.000200) abcdefghijklmnop 351#00",      // 16-character interface
        "(1700000000.000200) can0 35G#00",
        "(17000a0000.000200) can0 351#00",  // a letter among ten digits
        "(0001000050002001212345678#0102",  // 25 digits (fuzz_candump_line: overflowed)
        "(1700000000:000200) can0 351#00",  // no dot after the ten digits                  // not hex
        "(1700000000.000200) can0 351#0G",  // data not hex
        "  can0  351   [2]  3A 02",         // terminal format
        "# comment",
        ""}) {
    CanFrame fast;
    fast.id = 0xDEAD;
    EXPECT_FALSE(parse_canonical_log_line(line, fast)) << line;
    EXPECT_EQ(fast.id, 0xDEADU) << "frame touched by a refused line: " << line;
  }
}

}  // namespace
}  // namespace bms
