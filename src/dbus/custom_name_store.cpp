#include "dbus/custom_name_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <toml++/toml.h>

namespace bms::dbus {

std::optional<std::string> CustomNameStore::load(std::string* error) const {
  if (path_.empty() || ::access(path_.c_str(), F_OK) != 0) return std::nullopt;
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
  std::ostringstream text;
  text << "# Written by bms-aggregator when /CustomName is set over D-Bus.\n"
       << toml::table{{"custom_name", name}} << "\n";
  const std::string body = text.str();
  const std::string tmp = path_ + ".tmp";
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
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail("cannot rename into place");
  }
  return true;
}

}  // namespace bms::dbus
