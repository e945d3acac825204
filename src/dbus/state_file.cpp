#include "dbus/state_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sstream>

#include "core/unique_fd.hpp"

namespace bms::dbus {
namespace {
std::mutex& state_file_mutex() {
  static std::mutex m;  // one writer at a time: the owners share the file and its temp name
  return m;
}

/// True when `path` exists and is not a regular file (a device node, FIFO, directory).
bool exists_but_not_regular(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

bool write_atomically(const std::string& path, const std::string& body, std::string* error) {
  const auto fail = [&](const char* what) {
    if (error != nullptr) *error = path + ": " + what + ": " + std::strerror(errno);
    return false;
  };
  // The rename below would replace whatever is there: a state_file pointing at /dev/sda or
  // a FIFO must be refused, not replaced by a small text file.
  if (exists_but_not_regular(path)) {
    if (error != nullptr) *error = path + ": not a regular file; refusing to replace it";
    return false;
  }
  const std::string tmp = path + ".tmp";
  // A stale temporary file (or anything else under that name) is ours to replace; creating
  // it exclusively, without following a symlink, never writes through to another file.
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) return fail("cannot remove the old temporary file");
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd.valid()) return fail("cannot create");
  std::size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd.get(), body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      const int why = errno;
      ::unlink(tmp.c_str());
      errno = why;
      return fail("cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd.get()) == 0;
  const int why = errno;
  const bool closed = fd.close() == 0;
  if (!synced || !closed) {
    if (!synced) errno = why;
    const int close_error = errno;
    ::unlink(tmp.c_str());
    errno = close_error;
    return fail("cannot sync");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(tmp.c_str());
    errno = rename_error;
    return fail("cannot rename into place");
  }
  return true;
}
}  // namespace

std::optional<toml::table> read_state_file(const std::string& path, std::string* error) {
  if (path.empty() || ::access(path.c_str(), F_OK) != 0) return std::nullopt;
  // Never opened: a FIFO would block start-up, a device could be read without end.
  if (exists_but_not_regular(path)) {
    if (error != nullptr) *error = path + ": not a regular file";
    return std::nullopt;
  }
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (error != nullptr) {
      *error = path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    }
  }
  return std::nullopt;
}

bool update_state_file(const std::string& path, const std::function<void(toml::table&)>& edit, std::string* error) {
  if (path.empty()) return true;
  std::lock_guard lock(state_file_mutex());
  toml::table state = read_state_file(path).value_or(toml::table{});
  edit(state);
  std::ostringstream text;
  text << "# bms-aggregator's state (/CustomName set over D-Bus, /History counters); written by the service.\n"
       << state << "\n";
  return write_atomically(path, text.str(), error);
}

}  // namespace bms::dbus
