// CandumpReader's buffering: lines are the file's lines wherever its reads end.
#include "io/candump_reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/scratch_dir.hpp"

namespace bms {
namespace {

constexpr const char* kFrameLine = "(1700000000.000000) can0 351#1202FB04D007\n";  // 42 bytes
// The reader's first read fills its buffer: one chunk and room for the longest line.
constexpr std::size_t kFirstRead = CandumpReader::kChunkBytes + CandumpReader::kMaxLineBytes;
// Frames that end 5 % of a chunk before the first read's end: the line after them crosses it.
constexpr std::size_t kFramesBeforeLongLine = (CandumpReader::kChunkBytes * 95 / 100) / 42;
static_assert(kFirstRead - kFramesBeforeLongLine * 42 > CandumpReader::kMaxLineBytes, "the crossing line is over-long");

/// A log whose line `frames + 1` is a `# ...` comment (or other over-long text starting with
/// `head`) that crosses the end of the reader's first read, its tail being a valid frame line;
/// then a malformed line.
std::string log_with_long_line_across_the_buffer(std::size_t frames, char head) {
  std::string text;
  for (std::size_t i = 0; i < frames; ++i) text += kFrameLine;
  text += head;
  text.append(kFirstRead - text.size(), 'x');
  text += "(1700000001.000000) can0 351#1202FB04D007\n";  // what a split would decode
  text += "garbage\n";
  return text;
}

class ACandumpReader : public ::testing::Test {
 protected:
  test::ScratchDir scratch_{"bms-candump-reader"};
};

TEST_F(ACandumpReader, SkipsALongCommentLineThatCrossesItsBufferAsOneLine) {
  const std::size_t frames = kFramesBeforeLongLine;
  const std::string path = scratch_.write("comment.log", log_with_long_line_across_the_buffer(frames, '#'));
  auto reader = CandumpReader::open(path, false);
  CanFrame frame;
  std::size_t read = 0;
  CandumpReader::Next next;
  while ((next = reader->next(frame)) == CandumpReader::Next::Frame) ++read;
  EXPECT_EQ(read, frames);
  ASSERT_EQ(next, CandumpReader::Next::Error);
  const std::string malformed_line = ":" + std::to_string(frames + 2) + ": ";
  EXPECT_EQ(reader->error().substr(0, path.size() + malformed_line.size()), path + malformed_line) << reader->error();
}

TEST_F(ACandumpReader, ReportsAnOverLongLineOnceWithItsOwnLineNumber) {
  const std::string path = scratch_.write("long.log", log_with_long_line_across_the_buffer(kFramesBeforeLongLine, 'z'));
  auto reader = CandumpReader::open(path, true);  // skip and count malformed lines
  CanFrame frame;
  std::size_t read = 0;
  while (reader->next(frame) == CandumpReader::Next::Frame) ++read;
  EXPECT_EQ(read, kFramesBeforeLongLine);
  EXPECT_EQ(reader->skipped_lines(), 2U);  // the long line and "garbage", nothing else
  EXPECT_EQ(reader->line_number(), kFramesBeforeLongLine + 2);
}

}  // namespace
}  // namespace bms
