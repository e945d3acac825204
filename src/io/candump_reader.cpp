#include "io/candump_reader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace bms {
namespace {
constexpr std::size_t kChunk = CandumpReader::kChunkBytes;
constexpr std::size_t kMaxLine = CandumpReader::kMaxLineBytes;
constexpr int kStopPollMs = 50;  // how often a wait for a silent pipe looks at the stop request
}  // namespace

std::unique_ptr<CandumpReader> CandumpReader::open(const std::string& path, bool skip_malformed) {
  if (path == "-") return std::unique_ptr<CandumpReader>(new CandumpReader(UniqueFd{}, "<stdin>", skip_malformed));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  return std::unique_ptr<CandumpReader>(new CandumpReader(std::move(fd), path, skip_malformed));
}

CandumpReader::CandumpReader(UniqueFd fd, std::string path, bool skip_malformed)
    : fd_(std::move(fd)), path_(std::move(path)), skip_malformed_(skip_malformed), buffer_(kChunk + kMaxLine) {}

int CandumpReader::fd() const noexcept { return fd_.valid() ? fd_.get() : STDIN_FILENO; }

bool CandumpReader::wait_for_input() {
  if (!stop_.stop_possible()) return true;
  pollfd p{fd(), POLLIN, 0};
  for (;;) {
    if (stop_.stop_requested()) return false;
    const int n = ::poll(&p, 1, kStopPollMs);
    if (n > 0) return true;                    // data, end of file or an error: read() says which
    if (n < 0 && errno != EINTR) return true;  // cannot be polled: read() blocks or fails
  }
}

bool CandumpReader::next_line(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl != nullptr) {
      const auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      begin_ += len + 1;
      if (std::exchange(in_long_line_, false)) continue;  // the rest of a line already handed over
      line = std::string_view(start, len);
      ++line_;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) return false;
      line = std::string_view(start, end_ - begin_);  // last line without a newline
      begin_ = end_;
      if (std::exchange(in_long_line_, false)) return false;
      ++line_;
      return true;
    }
    // Move the partial line to the front and read more.
    const std::size_t partial = end_ - begin_;
    if (partial >= kMaxLine && !in_long_line_) {
      // Hand the start of an over-long line to the parser as the whole line (a '#' comment is
      // skipped, anything else rejected there); the rest of it, up to its newline, is dropped,
      // never decoded as a line of its own.
      line = std::string_view(start, partial);
      begin_ = end_;
      in_long_line_ = true;
      ++line_;
      return true;
    }
    if (in_long_line_) begin_ = end_;  // still inside the over-long line: drop what was read
    const std::size_t keep = end_ - begin_;
    std::memmove(buffer_.data(), buffer_.data() + begin_, keep);
    begin_ = 0;
    end_ = keep;
    if (!wait_for_input()) {  // stopped: the input ends here
      eof_ = true;
      begin_ = end_ = 0;
      return false;
    }
    ssize_t n;
    do {
      n = ::read(fd(), buffer_.data() + end_, buffer_.size() - end_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw std::runtime_error(path_ + ": read error: " + std::strerror(errno));
    if (n == 0) eof_ = true;
    end_ += static_cast<std::size_t>(n);
  }
}

CandumpReader::Next CandumpReader::next(CanFrame& frame) {
  std::string_view line;
  while (next_line(line)) {
    if (parse_canonical_log_line(line, frame)) {  // the hot path; the rest below
      ++frames_;
      return Next::Frame;
    }
    ParsedLine parsed = parse_candump_line(line);
    if (parsed.status == LineStatus::Frame) {
      frame = parsed.frame;
      ++frames_;
      return Next::Frame;
    }
    if (parsed.status == LineStatus::Skip) continue;
    if (skip_malformed_) {
      ++skipped_;
      continue;
    }
    error_ = path_ + ":" + std::to_string(line_) + ": " + std::string(parsed.error);
    return Next::Error;
  }
  return Next::End;
}

}  // namespace bms
