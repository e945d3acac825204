#pragma once
/// @file line_file.hpp
/// An output file of text lines (the emit log, the --report CSV) that never ends mid-line and
/// never fails silently: lines are buffered and written whole; the first write error (disk
/// full, EFBIG, EPIPE, EIO) is kept, later lines are dropped, and a regular file is cut back
/// to its last whole line. The owner asks ok()/error() when it finishes and reports it.

#include <string>
#include <string_view>

#include "core/unique_fd.hpp"

namespace bms {

class LineFile {
 public:
  /// Creates (truncates) `path`. @throws std::runtime_error "PATH: cannot write: why".
  explicit LineFile(const std::string& path);
  ~LineFile();  ///< writes out what is buffered (errors are then only kept, not reported)
  LineFile(const LineFile&) = delete;
  LineFile& operator=(const LineFile&) = delete;

  /// Appends text made of whole lines (each ending in '\n'). Never throws; after an error
  /// the text is dropped.
  void append(std::string_view lines) noexcept;
  /// Writes out what is buffered. @return ok().
  bool flush() noexcept;

  [[nodiscard]] bool ok() const noexcept { return error_.empty(); }
  /// "PATH: cannot write: No space left on device"; empty while ok.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  static constexpr std::size_t kBufferBytes = 64 * 1024;
  void fail(int error_number) noexcept;

  UniqueFd fd_;
  std::string path_;
  std::string buffer_;
  long long whole_lines_bytes_ = 0;  ///< file size up to the last '\n' written
  std::string error_;
};

}  // namespace bms
