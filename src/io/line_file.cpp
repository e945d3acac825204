#include "io/line_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bms {

LineFile::LineFile(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)), path_(path) {
  if (!fd_.valid()) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  buffer_.reserve(kBufferBytes);
}

LineFile::~LineFile() { flush(); }

void LineFile::append(std::string_view lines) noexcept {
  if (!ok()) return;
  if (buffer_.size() + lines.size() > kBufferBytes && !flush()) return;
  try {
    buffer_.append(lines);
  } catch (...) {  // out of memory: a lost line is a write error, not a crash
    fail(ENOMEM);
  }
}

bool LineFile::flush() noexcept {
  std::size_t done = 0;
  while (ok() && done < buffer_.size()) {
    const ssize_t n = ::write(fd_.get(), buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int why = n < 0 ? errno : ENOSPC;
      // Whatever reached the file beyond the last whole line is cut off again: readers of a
      // candump log or a CSV see complete lines, and the error says the rest is missing.
      const std::string_view written(buffer_.data(), done);
      const auto last_newline = written.rfind('\n');
      if (last_newline != std::string_view::npos) whole_lines_bytes_ += static_cast<long long>(last_newline + 1);
      (void)::ftruncate(fd_.get(), whole_lines_bytes_);  // fails on pipes and devices: nothing to cut there
      fail(why);
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (ok()) whole_lines_bytes_ += static_cast<long long>(buffer_.size());
  buffer_.clear();
  return ok();
}

void LineFile::fail(int error_number) noexcept {
  if (!ok()) return;
  try {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on a + b + c here.
    error_.assign(path_);
    error_.append(": cannot write: ");
    error_.append(std::strerror(error_number));
  } catch (...) {  // no memory for the message: still not ok (one character fits without allocating)
    error_.clear();
    error_.push_back('?');
  }
}

}  // namespace bms
