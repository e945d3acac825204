#include "dbus/state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sstream>

namespace bms::dbus {
namespace {
std::mutex& state_file_mutex() {
  static std::mutex m;  // one writer at a time: the owners share the file and its temp name
  return m;
}

bool write_atomically(const std::string& path, const std::string& body, std::string* error) {
  const auto fail = [&](const char* what) {
    if (error != nullptr) *error = path + ": " + what + ": " + std::strerror(errno);
    return false;
  };
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create");
  std::size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail("cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    ::unlink(tmp.c_str());
    return fail("cannot sync");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail("cannot rename into place");
  }
  return true;
}
}  // namespace

std::optional<toml::table> read_state_file(const std::string& path, std::string* error) {
  if (path.empty() || ::access(path.c_str(), F_OK) != 0) return std::nullopt;
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
