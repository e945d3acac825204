#pragma once
/// @file candump_reader.hpp
/// Reads a candump text file (or stdin) line by line with large buffered reads, and parses
/// each line with parse_candump_line(). Malformed lines are errors naming file and line, or
/// are skipped and counted when asked to.

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/unique_fd.hpp"
#include "io/candump_format.hpp"

namespace bms {

class CandumpReader {
 public:
  enum class Next : unsigned char { Frame, End, Error };

  /// Bytes asked of each read(): 64 KiB already makes the syscalls a rounding error next to
  /// parsing (a 40 MB log is 640 reads), and the buffer is resident for the whole run.
  static constexpr std::size_t kChunkBytes = 64 * 1024;
  /// Longer is not a candump line: it is reported (or skipped), the buffer does not grow.
  static constexpr std::size_t kMaxLineBytes = 4096;

  /// Opens `path` ("-" is stdin). @throws std::runtime_error naming the file when it cannot be opened.
  static std::unique_ptr<CandumpReader> open(const std::string& path, bool skip_malformed);
  CandumpReader(const CandumpReader&) = delete;
  CandumpReader& operator=(const CandumpReader&) = delete;

  /// Advances to the next frame. On Error, error() says "FILE:LINE: what is wrong".
  Next next(CanFrame& frame);

  /// While waiting for input (a pipe or stdin that stays open and silent), look at `stop`
  /// every 50 ms and end the input (Next::End) once it is requested. Without it a read
  /// blocks until data or end of file: signals are read from a signalfd, so none
  /// interrupts it.
  void stop_waiting_on(std::stop_token stop) noexcept { stop_ = std::move(stop); }

  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] std::uint64_t line_number() const noexcept { return line_; }
  [[nodiscard]] std::uint64_t skipped_lines() const noexcept { return skipped_; }
  [[nodiscard]] std::uint64_t frames() const noexcept { return frames_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  /// `fd` empty: read stdin (not owned, never closed).
  CandumpReader(UniqueFd fd, std::string path, bool skip_malformed);
  [[nodiscard]] int fd() const noexcept;
  bool next_line(std::string_view& line);
  /// False when stop was requested before input arrived.
  bool wait_for_input();

  UniqueFd fd_;
  std::string path_;
  bool skip_malformed_;
  std::stop_token stop_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte in buffer_
  std::size_t end_ = 0;    // one past the last valid byte
  bool eof_ = false;
  bool in_long_line_ = false;  ///< the start of an over-long line was handed over; drop to its newline
  std::uint64_t line_ = 0;
  std::uint64_t skipped_ = 0;
  std::uint64_t frames_ = 0;
  std::string error_;
};

}  // namespace bms
