#include "dbus/custom_name_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <toml++/toml.h>

#include "core/unique_fd.hpp"

namespace bms::dbus {
namespace {

/// True when `path` exists and is not a regular file (a device node, FIFO, directory).
bool exists_but_not_regular(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

}  // namespace

std::optional<std::string> CustomNameStore::load(std::string* error) const {
  if (path_.empty() || ::access(path_.c_str(), F_OK) != 0) return std::nullopt;
  // Never opened: a FIFO would block start-up, a device could be read without end.
  if (exists_but_not_regular(path_)) {
    if (error != nullptr) *error = path_ + ": not a regular file";
    return std::nullopt;
  }
  try {
    const toml::table state = toml::parse_file(path_);
    if (auto name = state["custom_name"].value<std::string>()) return name;
    if (error != nullptr) *error = path_ + ": no custom_name string";
  } catch (const toml::parse_error& e) {
    if (error != nullptr) *error = path_ + ": " + std::string(e.description());
  }
  return std::nullopt;
}

bool CustomNameStore::save(const std::string& name, std::string* error) const {
  if (path_.empty()) return true;
  const auto fail = [&](const char* what) {
    if (error != nullptr) *error = path_ + ": " + what + ": " + std::strerror(errno);
    return false;
  };
  // The rename below would replace whatever is there: a state_file pointing at /dev/sda or
  // a FIFO must be refused, not replaced by a small text file.
  if (exists_but_not_regular(path_)) {
    if (error != nullptr) *error = path_ + ": not a regular file; refusing to replace it";
    return false;
  }
  std::ostringstream text;
  text << "# Written by bms-aggregator when /CustomName is set over D-Bus.\n"
       << toml::table{{"custom_name", name}} << "\n";
  const std::string body = text.str();
  const std::string tmp = path_ + ".tmp";
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
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(tmp.c_str());
    errno = rename_error;
    return fail("cannot rename into place");
  }
  return true;
}

}  // namespace bms::dbus
