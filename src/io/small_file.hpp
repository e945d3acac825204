#pragma once
/// @file small_file.hpp
/// Reads a configuration-sized file whole, refusing what is not one: a device (/dev/zero
/// never ends), a FIFO (blocks), a directory, or a file larger than the limit. The open does
/// not block on a FIFO.

#include <cstddef>
#include <string>

namespace bms {

struct SmallFile {
  std::string text;
  /// Empty on success; else "PATH: not a regular file", "PATH: larger than N bytes; ...",
  /// or "PATH: cannot read: why".
  std::string error;
  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// Configurations and object maps are a few KiB; 1 MiB leaves room for comments.
inline constexpr std::size_t kMaxSmallFileBytes = 1U << 20;

/// @param what names the kind of file in the size error ("a configuration file").
[[nodiscard]] SmallFile read_small_file(const std::string& path, const char* what,
                                        std::size_t max_bytes = kMaxSmallFileBytes);

/// True when `path` exists and is not a regular file (after following symlinks).
[[nodiscard]] bool exists_but_not_regular(const std::string& path);

}  // namespace bms
