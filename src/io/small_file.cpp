#include "io/small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/unique_fd.hpp"

namespace bms {

SmallFile read_small_file(const std::string& path, const char* what, std::size_t max_bytes) {
  SmallFile out;
  const auto cannot = [&](const char* verb) {
    out.error = path + ": " + verb + ": " + std::strerror(errno);
    return out;
  };
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return cannot("cannot read");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return cannot("cannot read");
  if (!S_ISREG(st.st_mode)) {
    out.error = path + ": not a regular file";
    return out;
  }
  const auto too_big = [&] {
    out.text.clear();
    out.error = path + ": larger than " + std::to_string(max_bytes) + " bytes; not " + what;
    return out;
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return too_big();
  // The size can change while we read: never read more than the limit allows.
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannot("cannot read");
    if (n == 0) break;
    if (out.text.size() + static_cast<std::size_t>(n) > max_bytes) return too_big();
    out.text.append(chunk, static_cast<std::size_t>(n));
  }
  return out;
}

bool exists_but_not_regular(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

}  // namespace bms
